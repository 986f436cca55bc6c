"""NetworkPolicies: which pods a policy isolates, whether traffic to a pod's port is still admitted, and where
an isolated pod may connect to.

From the NetworkPolicy API (k8s.io/api networking/v1 types.go): a policy selects the pods of its own
namespace that its podSelector selects ({} selects all); with Ingress among its policyTypes (the
default when policyTypes is absent) a selected pod is isolated for ingress and admits only what the
ingress rules of the policies selecting it allow, together. A rule allows its ports (every port when it
lists none) from its peers (everyone when it lists none); a podSelector peer without a
namespaceSelector means pods of the policy's own namespace. k3s enforces policies with its embedded
network policy controller; the rehearsal stores them only (no CNI), so it reads them with this module.

Egress is the mirror image: with Egress among policyTypes (or, when policyTypes is absent, when the policy has
an egress section) a selected pod may connect only where the egress rules of the policies selecting it allow.
A `to` peer's ipBlock allows addresses inside cidr and outside every except; a port entry's protocol defaults to
TCP. k3s's controller is kube-router's (k3s pkg/agent/netpol/netpol.go starts kube-router's network policy
controller; kube-router's processEgressRules turns egress rules into iptables/nftables rules).
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable
from dataclasses import dataclass

from gitops.k8s import selectors
from gitops.k8s.manifests import Fields
from gitops.k8s.workloads import as_int, dig, mapping, sequence


def _namespace(policy: Fields) -> str:
    return str(dig(policy, "metadata", "namespace") or "")


INGRESS = "Ingress"
EGRESS = "Egress"

# The label the API server sets on every Namespace to its own name (Kubernetes 1.21 and later): a
# namespaceSelector names one namespace by it.
NAMESPACE_NAME = "kubernetes.io/metadata.name"

# k3s's CoreDNS (k3s-io/k3s manifests/coredns.yaml): Deployment coredns in kube-system, pods labelled
# k8s-app: kube-dns, answering on port 53 over UDP and TCP (Service kube-dns, ports dns and dns-tcp).
DNS_NAMESPACE = "kube-system"
DNS_LABELS = {"k8s-app": "kube-dns"}
DNS_PORT = 53
DNS_PROTOCOLS = ("UDP", "TCP")
# dnsPolicy values whose resolver is the cluster DNS (ClusterFirst is the API default).
CLUSTER_DNS_POLICIES = ("ClusterFirst", "ClusterFirstWithHostNet")


def isolates(policy: Fields, direction: str) -> bool:
    """Whether the policy isolates the pods it selects in direction (INGRESS or EGRESS). Without policyTypes the
    API defaults to Ingress, plus Egress when the policy has egress rules."""
    types = dig(policy, "spec", "policyTypes")
    if types is not None:
        return direction in sequence(types)
    return direction == INGRESS or dig(policy, "spec", "egress") is not None


def isolates_ingress(policy: Fields) -> bool:
    return isolates(policy, INGRESS)


def isolating(labels: Fields, namespace: str, policies: Iterable[Fields], direction: str = INGRESS) -> list[Fields]:
    """The policies that select a pod with these labels and isolate it in direction (ingress by default)."""
    return [
        p
        for p in policies
        if _namespace(p) == namespace
        and isolates(p, direction)
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


# --- egress ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Destination:
    """Where a pod connects to: a pod (its labels and namespace) or an address, on a port and protocol. A
    destination pod's namespace carries the name label the API server sets; port_name is the destination
    container port's name, which a named port entry of a rule matches."""

    port: int
    protocol: str = "TCP"
    labels: Fields | None = None
    namespace: str = ""
    address: str | None = None
    port_name: str | None = None

    def namespace_labels(self) -> Fields:
        return {NAMESPACE_NAME: self.namespace}


def cluster_dns(protocol: str) -> Destination:
    """A CoreDNS pod of k3s, on port 53 over protocol."""
    return Destination(DNS_PORT, protocol, labels=DNS_LABELS, namespace=DNS_NAMESPACE)


def _allows_port(rule: Fields, to: Destination) -> bool:
    ports = sequence(rule.get("ports"))
    if not ports:
        return True
    for entry in ports:
        entry = mapping(entry)
        if str(entry.get("protocol") or "TCP") != to.protocol:
            continue
        value = entry.get("port")
        if value is None:
            return True
        number = as_int(value)
        if isinstance(value, str) and number is None:
            if to.port_name is not None and value == to.port_name:
                return True
            continue
        end = as_int(entry.get("endPort"))
        if number == to.port or (number is not None and end is not None and number <= to.port <= end):
            return True
    return False


def _in_block(block: Fields, address: str) -> bool:
    try:
        ip = ipaddress.ip_address(address)
        network = ipaddress.ip_network(str(block.get("cidr")), strict=False)
        if ip.version != network.version or ip not in network:
            return False
        for excluded in sequence(block.get("except")):
            excluded_network = ipaddress.ip_network(str(excluded), strict=False)
            if ip.version == excluded_network.version and ip in excluded_network:
                return False
    except ValueError:
        return False
    return True


def _peer_reaches(peer: Fields, policy_namespace: str, to: Destination) -> bool:
    """Whether one `to` peer includes the destination. An ipBlock is not taken to include a pod: pod addresses
    are known only once pods run."""
    if "ipBlock" in peer:
        return to.address is not None and _in_block(mapping(peer["ipBlock"]), to.address)
    if to.labels is None:
        return False
    if "namespaceSelector" in peer:
        if not selectors.selects(mapping(peer["namespaceSelector"]), to.namespace_labels()):
            return False
    elif to.namespace != policy_namespace:
        return False
    pod_selector = peer.get("podSelector")
    return pod_selector is None or selectors.selects(mapping(pod_selector), to.labels)


def egress_allowed(labels: Fields, namespace: str, to: Destination, policies: Iterable[Fields]) -> bool:
    """Whether a pod with these labels may open a connection to the destination: it is not isolated for egress,
    or an egress rule of a policy selecting it allows the port and protocol to a peer that includes it."""
    chosen = isolating(labels, namespace, policies, EGRESS)
    if not chosen:
        return True
    for policy in chosen:
        for rule in sequence(dig(policy, "spec", "egress")):
            rule = mapping(rule)
            if not _allows_port(rule, to):
                continue
            peers = sequence(rule.get("to"))
            if not peers or any(_peer_reaches(mapping(p), _namespace(policy), to) for p in peers):
                return True
    return False


def opens_everything(rule: Fields) -> str | None:
    """How an egress rule allows every port to every address ('no ports and no to', 'no ports, to <cidr>'), or
    None: a rule without ports allows all of them, and one without `to`, or with an ipBlock of prefix length 0,
    reaches any address (an except takes only some addresses away)."""
    if sequence(rule.get("ports")):
        return None
    peers = sequence(rule.get("to"))
    if not peers:
        return "no ports and no to: every port of every address"
    for peer in peers:
        cidr = dig(peer, "ipBlock", "cidr")
        if cidr is None:
            continue
        try:
            network = ipaddress.ip_network(str(cidr), strict=False)
        except ValueError:
            continue
        if network.prefixlen == 0:
            return f"no ports, to ipBlock {cidr}: every port of every address"
    return None


ANY_PORT = "any port"


def egress_ports(labels: Fields, namespace: str, policies: Iterable[Fields]) -> set[str] | None:
    """The ports a pod may connect to, whatever the destination, as 'port/protocol' (ANY_PORT for a rule that
    lists none); None when no policy isolates it for egress (it may connect anywhere)."""
    chosen = isolating(labels, namespace, policies, EGRESS)
    if not chosen:
        return None
    found: set[str] = set()
    for policy in chosen:
        for rule in sequence(dig(policy, "spec", "egress")):
            ports = sequence(mapping(rule).get("ports"))
            if not ports:
                found.add(ANY_PORT)
            for entry in ports:
                entry = mapping(entry)
                port, end = entry.get("port"), entry.get("endPort")
                shown = ANY_PORT if port is None else f"{port}-{end}" if end is not None else str(port)
                found.add(shown if port is None else f"{shown}/{entry.get('protocol') or 'TCP'}")
    return found
