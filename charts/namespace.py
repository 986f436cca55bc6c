"""The application namespace, which enforces Pod Security "restricted".

With enforce, audit and warn all at restricted (pinned to the cluster's
version), a pod that asks for root, privilege escalation or extra
capabilities is refused at admission, not discovered later.
"""

from __future__ import annotations

import cdk8s
from constructs import Construct

from charts.context import StackContext
from charts.plus import kplus
from gitops.annotations import PRUNE_PROTECTION
from gitops.k8s import podsecurity


def pod_security_labels(kubernetes_version: str) -> dict[str, str]:
    labels = {}
    for mode in podsecurity.MODES:
        labels[podsecurity.label(mode)] = podsecurity.RESTRICTED
        labels[podsecurity.version_label(mode)] = f"v{kubernetes_version}"
    return labels


class AppNamespace(Construct):
    def __init__(self, scope: Construct, id: str, *, ctx: StackContext):
        super().__init__(scope, id)
        kplus.Namespace(
            self,
            "namespace",
            metadata=cdk8s.ApiObjectMetadata(
                name=ctx.naming.namespace,
                labels={
                    **ctx.naming.shared_labels("namespace"),
                    **pod_security_labels(ctx.config.cluster.kubernetes_version),
                },
                # Pruning the namespace would delete everything in it, volumes included.
                annotations=dict(PRUNE_PROTECTION),
            ),
        )
