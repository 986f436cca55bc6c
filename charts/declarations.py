"""What the environment expects but does not create, rendered next to what it does create.

The secrets (names and keys, never values) and the node inventory live in
config; gitops/k8s/declared.py reads them back. A reviewer's tooling that only has the rendered directory (a copy of
dist/<env>/ somewhere else, a CI job) still needs them to check that every
secret reference resolves and that the requests fit the nodes. A ConfigMap is
the one form that is a valid Kubernetes object in every synced path and that
any engine applies without complaint.
"""

from __future__ import annotations

import json

from constructs import Construct

from charts.context import StackContext
from charts.settings import app_config_map
from gitops.k8s.declared import CLUSTER_KEY, COMPONENT, SECRETS_KEY


def secrets_document(ctx: StackContext) -> dict:
    return {
        "namespace": ctx.naming.namespace,
        "secrets": {
            name: {"type": secret.type, "keys": list(secret.keys)}
            for name, secret in sorted(ctx.config.secrets.items())
        },
    }


def cluster_document(ctx: StackContext) -> dict:
    cluster = ctx.config.cluster
    return {
        "kubernetesVersion": cluster.kubernetes_version,
        "architecture": cluster.architecture,
        "production": cluster.production,
        "nodes": [node.model_dump(by_alias=True, exclude_none=True) for node in cluster.nodes],
        "systemReserved": cluster.system_reserved.model_dump(by_alias=True),
        # What the edge is asked to open and trust: check holds the rendered Traefik chart to it.
        "edge": {
            "httpPort": ctx.config.traefik.http_port,
            "trustedProxies": [str(cidr) for cidr in ctx.config.traefik.trusted_proxies],
        },
    }


def _json(document: dict) -> str:
    return json.dumps(document, indent=2) + "\n"


class Declarations(Construct):
    def __init__(self, scope: Construct, id: str, *, ctx: StackContext):
        super().__init__(scope, id)
        app_config_map(
            self,
            ctx=ctx,
            name=ctx.naming.declarations(),
            component=COMPONENT,
            data={SECRETS_KEY: _json(secrets_document(ctx)), CLUSTER_KEY: _json(cluster_document(ctx))},
        )
