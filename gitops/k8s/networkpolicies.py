"""NetworkPolicies: which pods a policy isolates, and whether traffic to a pod's port is still admitted.

From the NetworkPolicy API (k8s.io/api networking/v1 types.go): a policy selects the pods of its own
namespace that its podSelector selects ({} selects all); with Ingress among its policyTypes (the
default when policyTypes is absent) a selected pod is isolated for ingress and admits only what the
ingress rules of the policies selecting it allow, together. A rule allows its ports (every port when it
lists none) from its peers (everyone when it lists none); a podSelector peer without a
namespaceSelector means pods of the policy's own namespace. k3s enforces policies with its embedded
network policy controller; the rehearsal stores them only (no CNI), so it reads them with this module.
"""

from __future__ import annotations

from collections.abc import Iterable

from gitops.k8s import selectors
from gitops.k8s.manifests import Fields
from gitops.k8s.workloads import as_int, dig, mapping, sequence


def _namespace(policy: Fields) -> str:
    return str(dig(policy, "metadata", "namespace") or "")


def isolates_ingress(policy: Fields) -> bool:
    types = dig(policy, "spec", "policyTypes")
    return types is None or "Ingress" in sequence(types)


def isolating(labels: Fields, namespace: str, policies: Iterable[Fields]) -> list[Fields]:
    """The policies that select a pod with these labels and isolate it for ingress."""
    return [
        p
        for p in policies
        if _namespace(p) == namespace
        and isolates_ingress(p)
        and selectors.selects(mapping(dig(p, "spec", "podSelector")), labels)
    ]


def _covers_port(rule: Fields, port: int | str | None) -> bool:
    ports = sequence(rule.get("ports"))
    if not ports or port is None:
        return True
    for entry in ports:
        value = mapping(entry).get("port")
        if value is None or value == port or (as_int(value) is not None and as_int(value) == as_int(port)):
            return True
    return False


def _peer_admits(peer: Fields, policy_namespace: str, client: tuple[Fields, str] | None) -> bool:
    """Whether one `from` peer admits the client pod (labels, namespace); None admits through any ipBlock."""
    if client is None:
        return "ipBlock" in peer
    labels, namespace = client
    if "ipBlock" in peer:
        return False
    if "namespaceSelector" not in peer and namespace != policy_namespace:
        return False
    pod_selector = peer.get("podSelector")
    return pod_selector is None or selectors.selects(mapping(pod_selector), labels)


def admitted(
    labels: Fields,
    namespace: str,
    port: int | str | None,
    policies: Iterable[Fields],
    client: tuple[Fields, str] | None = None,
) -> bool:
    """Whether traffic to a pod's port is admitted: the pod is not isolated, or a rule of a policy that
    selects it allows the port from the client (a pod's labels and namespace), or, with client None, from
    some address block (what host-network Traefik's node addresses need)."""
    chosen = isolating(labels, namespace, policies)
    if not chosen:
        return True
    for policy in chosen:
        for rule in sequence(dig(policy, "spec", "ingress")):
            rule = mapping(rule)
            if not _covers_port(rule, port):
                continue
            peers = sequence(rule.get("from"))
            if not peers or any(_peer_admits(mapping(p), _namespace(policy), client) for p in peers):
                return True
    return False


def reachable(labels: Fields, namespace: str, port: int | str | None, policies: Iterable[Fields]) -> bool:
    """Whether anyone may reach the pod's port: it is not isolated, or a rule of a policy selecting it covers
    the port (from whatever peers it names)."""
    chosen = isolating(labels, namespace, policies)
    return not chosen or any(
        _covers_port(mapping(rule), port) for policy in chosen for rule in sequence(dig(policy, "spec", "ingress"))
    )
