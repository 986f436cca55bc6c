"""What an environment declares but does not create, read back from its rendered objects.

charts/declarations.py renders a ConfigMap labelled
app.kubernetes.io/component=declarations with two JSON documents: the secrets
the environment expects (names, types, keys; never values) and the node
inventory. Tools that only have a directory of manifests read them here;
hand-written manifests without that ConfigMap simply declare nothing.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from gitops.errors import InputError
from gitops.k8s import labels
from gitops.k8s.manifests import Fields, Resource
from gitops.k8s.quantities import cpu_millis, memory_bytes
from gitops.k8s.workloads import dig, mapping, sequence

COMPONENT = "declarations"
SECRETS_KEY = "secrets.json"
CLUSTER_KEY = "cluster.json"


class DeclarationError(InputError):
    """A declarations ConfigMap that cannot be read."""


@dataclass(frozen=True)
class DeclaredNode:
    """A node as the declarations ConfigMap lists it (config's cluster.nodes, rendered)."""

    name: str
    cpu_millis: int
    memory_bytes: int


@dataclass(frozen=True)
class DeclaredCluster:
    """config's cluster section (gitops/config/model.py's Cluster) as dist/ declares it, read back:
    the node inventory, the reserve on each node, and the facts check's rules ask about."""

    nodes: list[DeclaredNode]
    reserved_cpu_millis: int
    reserved_memory_bytes: int
    architecture: str | None = None
    kubernetes_version: str | None = None
    production: bool = False  # the cluster serves real users (check's image-digest rule)
    # config's traefik.httpPort and trustedProxies: the one port the edge opens on a node's address and the
    # proxies it believes (check's edge rules); None when the ConfigMap predates them.
    http_port: int | None = None
    trusted_proxies: tuple[str, ...] | None = None


@dataclass
class Declared:
    """Secrets by (namespace, name) -> keys; the cluster, when the manifests carry one."""

    secrets: dict[tuple[str, str], set[str]] = field(default_factory=dict)
    secret_types: dict[tuple[str, str], str] = field(default_factory=dict)
    cluster: DeclaredCluster | None = None
    sources: list[Resource] = field(default_factory=list)

    def has_secret(self, namespace: str, name: str) -> bool:
        return (namespace, name) in self.secrets

    def secret_keys(self, namespace: str, name: str) -> set[str]:
        return self.secrets.get((namespace, name), set())


def is_declarations(resource: Resource) -> bool:
    return resource.kind == "ConfigMap" and resource.labels.get(labels.COMPONENT) == COMPONENT


def _load_json(resource: Resource, key: str) -> Fields | None:
    """The JSON object under data.<key>; None when the key is absent or holds nothing."""
    text = dig(resource.obj, "data", key)
    if text is None:
        return None
    if not isinstance(text, str):
        what = f"a ConfigMap value must be a string, not {type(text).__name__}"
        raise DeclarationError(f"{resource.path}: {resource} data.{key} is not JSON: {what}")
    try:
        document = json.loads(text)
    except (json.JSONDecodeError, RecursionError) as err:
        raise DeclarationError(f"{resource.path}: {resource} data.{key} is not JSON: {err}") from None
    if not document:
        return None
    if not isinstance(document, dict):
        raise DeclarationError(f"{resource.path}: {resource} data.{key} is not a JSON object")
    return document


def read(resources: list[Resource]) -> Declared:
    declared = Declared()
    for resource in resources:
        if not is_declarations(resource):
            continue
        declared.sources.append(resource)
        secrets = _load_json(resource, SECRETS_KEY)
        if secrets:
            namespace = secrets.get("namespace") or resource.namespace
            if not isinstance(namespace, str):
                raise DeclarationError(f"{resource.path}: {resource} data.{SECRETS_KEY} namespace is not text")
            for name, secret in mapping(secrets.get("secrets")).items():
                keys, kind = sequence(dig(secret, "keys")), mapping(secret).get("type", "Opaque")
                if not all(isinstance(k, str) for k in keys) or not isinstance(kind, str):
                    raise DeclarationError(f"{resource.path}: {resource} data.{SECRETS_KEY} secret {name} is malformed")
                declared.secrets[(namespace, name)] = set(keys)
                declared.secret_types[(namespace, name)] = kind
        cluster = _load_json(resource, CLUSTER_KEY)
        if cluster:
            declared.cluster = _cluster(resource, cluster)
    return declared


def _text(value: object) -> str | None:
    if value is None or isinstance(value, str):
        return value
    raise TypeError(f"{value!r} is not text")


def _cluster(resource: Resource, cluster: Fields) -> DeclaredCluster:
    try:
        reserve = mapping(cluster.get("systemReserved"))
        nodes = cluster["nodes"]
        if not isinstance(nodes, list):
            raise TypeError("nodes is not a list")
        return DeclaredCluster(
            nodes=[DeclaredNode(str(_text(n["name"])), cpu_millis(n["cpu"]), memory_bytes(n["memory"])) for n in nodes],
            reserved_cpu_millis=cpu_millis(reserve.get("cpu", 0)),
            reserved_memory_bytes=memory_bytes(reserve.get("memory", 0)),
            architecture=_text(cluster.get("architecture")),
            kubernetes_version=_text(cluster.get("kubernetesVersion")),
            production=cluster.get("production") is True,
            http_port=int(edge["httpPort"]) if "httpPort" in (edge := mapping(cluster.get("edge"))) else None,
            trusted_proxies=tuple(str(c) for c in edge["trustedProxies"]) if "trustedProxies" in edge else None,
        )
    except (KeyError, TypeError, ValueError, IndexError) as err:
        raise DeclarationError(f"{resource.path}: {resource} data.{CLUSTER_KEY} is malformed: {err}") from None
