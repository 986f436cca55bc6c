"""Network policies: nothing reaches a pod in the namespace, and a pod connects nowhere, unless a policy says so.

Who may talk to whom is derived from config (gitops/config/traffic.py), not listed by hand.

Ingress:
- a service with public hosts is reached by Traefik. Traefik runs on the host
  network, so its connections come from node addresses: the node's own
  address for a pod on the same node (always allowed for a pod's own node),
  and the node's pod-network address (cni0 / flannel.1, inside the cluster
  pod CIDR) for a pod on another node;
- a service is reached by the services that read a serviceUrl pointing at it
  (REDIS_URL makes Redis reachable from api and worker, and from nothing else).

Egress, each service's own policy:
- the cluster DNS (k3s CoreDNS in kube-system), UDP and TCP 53: every pod resolves names through it;
- the services whose in-cluster serviceUrls it reads, on their ports (api and worker to redis:6379);
- the endpoints (config's endpoints:) whose setting or secret it reads, on their ports, at their addresses or
  else at any address outside the cluster: every address of the pod network's family except the pod and
  Service networks and the nodes, so "anywhere" never reopens traffic inside the cluster;
- the public edge (https: 443, outside the cluster) when it reads a public serviceUrl: those names resolve to
  the CDN in front, and the request comes back in through Traefik.
"""

from __future__ import annotations

import ipaddress
from collections import defaultdict

from constructs import Construct

from charts import values
from charts.context import StackContext
from charts.plus import kplus
from gitops.config import traffic
from gitops.config.model import Environment
from gitops.k8s import networkpolicies

k8s = kplus.k8s


def clients(config: Environment, target: str) -> list[str]:
    """Services that connect to target inside the cluster, by the serviceUrls they read."""
    return traffic.clients(config, target)


def node_networks(config: Environment) -> list[str]:
    """Where host-network traffic comes from: the pod network and each node's own address."""
    networks = [config.cluster.pod_cidr]
    for node in config.cluster.nodes:
        if node.address:
            address = ipaddress.ip_address(node.address)
            networks.append(f"{address}/{address.max_prefixlen}")
    return networks


def outside(config: Environment) -> tuple[str, list[str]]:
    """Any address outside the cluster, as one ipBlock (cidr, except): every address of the pod network's family
    (a pod has addresses of that family only) except the pod network, the Service network and the nodes."""
    pods = ipaddress.ip_network(config.cluster.pod_cidr, strict=False)
    everything = ipaddress.ip_network("0.0.0.0/0" if pods.version == 4 else "::/0")
    excluded = [str(pods)]
    services = ipaddress.ip_network(config.cluster.service_cidr, strict=False)
    if services.version == pods.version:
        excluded.append(str(services))
    for node in config.cluster.nodes:
        if node.address and ipaddress.ip_address(node.address).version == pods.version:
            address = ipaddress.ip_address(node.address)
            excluded.append(f"{address}/{address.max_prefixlen}")
    return str(everything), excluded


def external_ports(config: Environment, name: str) -> dict[tuple[str, ...], set[tuple[int, str]]]:
    """Where the service connects outside the cluster: {addresses (() for anywhere outside): {(port, protocol)}}."""
    found: dict[tuple[str, ...], set[tuple[int, str]]] = defaultdict(set)
    for key in traffic.endpoints_read(config, name):
        endpoint = config.endpoints[key]
        for port in traffic.endpoint_ports(config, endpoint):
            found[tuple(endpoint.addresses)].add((port, endpoint.protocol))
    if traffic.reads_public_url(config, name):
        found[()].add((traffic.public_port(config), "TCP"))
    return found


def _ports(ports: set[tuple[int, str]]) -> list:
    return [
        k8s.NetworkPolicyPort(port=values.int_or_string(port), protocol=protocol)
        for port, protocol in sorted(ports, key=lambda p: (p[1], p[0]))
    ]


class NetworkPolicies(Construct):
    def __init__(self, scope: Construct, id: str, *, ctx: StackContext):
        super().__init__(scope, id)
        naming, config = ctx.naming, ctx.config
        labels = naming.shared_labels("network-policy")
        k8s.KubeNetworkPolicy(
            self,
            "default-deny",
            metadata=k8s.ObjectMeta(name=naming.default_deny(), namespace=naming.namespace, labels=labels),
            spec=k8s.NetworkPolicySpec(pod_selector=k8s.LabelSelector(), policy_types=["Ingress"]),
        )
        k8s.KubeNetworkPolicy(
            self,
            "default-deny-egress",
            metadata=k8s.ObjectMeta(name=naming.default_deny_egress(), namespace=naming.namespace, labels=labels),
            spec=k8s.NetworkPolicySpec(pod_selector=k8s.LabelSelector(), policy_types=["Egress"]),
        )
        anywhere, inside = outside(config)
        for name, service in config.services.items():
            self._egress(ctx, name, service.component, anywhere, inside)
            if service.port is None:
                continue
            peers = [
                k8s.NetworkPolicyPeer(pod_selector=k8s.LabelSelector(match_labels=naming.selector(client)))
                for client in clients(config, name)
            ]
            if service.hosts:
                peers += [k8s.NetworkPolicyPeer(ip_block=k8s.IpBlock(cidr=cidr)) for cidr in node_networks(config)]
            if not peers:
                continue
            k8s.KubeNetworkPolicy(
                self,
                f"allow-{name}",
                metadata=k8s.ObjectMeta(
                    name=naming.ingress_policy(name),
                    namespace=naming.namespace,
                    labels=naming.labels(name, service.component),
                ),
                spec=k8s.NetworkPolicySpec(
                    pod_selector=k8s.LabelSelector(match_labels=naming.selector(name)),
                    policy_types=["Ingress"],
                    ingress=[
                        k8s.NetworkPolicyIngressRule(
                            from_=peers,
                            ports=[k8s.NetworkPolicyPort(port=values.int_or_string(service.port), protocol="TCP")],
                        )
                    ],
                ),
            )

    def _egress(self, ctx: StackContext, name: str, component: str, anywhere: str, inside: list[str]) -> None:
        naming, config = ctx.naming, ctx.config
        dns = k8s.NetworkPolicyEgressRule(
            to=[
                k8s.NetworkPolicyPeer(
                    namespace_selector=k8s.LabelSelector(
                        match_labels={networkpolicies.NAMESPACE_NAME: networkpolicies.DNS_NAMESPACE}
                    ),
                    pod_selector=k8s.LabelSelector(match_labels=dict(networkpolicies.DNS_LABELS)),
                )
            ],
            ports=_ports({(networkpolicies.DNS_PORT, protocol) for protocol in networkpolicies.DNS_PROTOCOLS}),
        )
        rules = [dns]
        for target in traffic.services_read(config, name):
            port = config.services[target].port
            if port is None:
                continue  # config checks refuse an in-cluster serviceUrl to a service without a port
            rules.append(
                k8s.NetworkPolicyEgressRule(
                    to=[k8s.NetworkPolicyPeer(pod_selector=k8s.LabelSelector(match_labels=naming.selector(target)))],
                    ports=_ports({(port, "TCP")}),
                )
            )
        for addresses, ports in sorted(external_ports(config, name).items()):
            if addresses:
                peers = [k8s.NetworkPolicyPeer(ip_block=k8s.IpBlock(cidr=cidr)) for cidr in addresses]
            else:
                peers = [k8s.NetworkPolicyPeer(ip_block=k8s.IpBlock(cidr=anywhere, except_=inside))]
            rules.append(k8s.NetworkPolicyEgressRule(to=peers, ports=_ports(ports)))
        k8s.KubeNetworkPolicy(
            self,
            f"egress-{name}",
            metadata=k8s.ObjectMeta(
                name=naming.egress_policy(name), namespace=naming.namespace, labels=naming.labels(name, component)
            ),
            spec=k8s.NetworkPolicySpec(
                pod_selector=k8s.LabelSelector(match_labels=naming.selector(name)),
                policy_types=["Egress"],
                egress=rules,
            ),
        )
