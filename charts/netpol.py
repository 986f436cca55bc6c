"""Network policies: nothing reaches a pod in the namespace unless a policy says so.

Who may talk to whom is derived from config, not listed by hand:
- a service with public hosts is reached by Traefik. Traefik runs on the host
  network, so its connections come from node addresses: the node's own
  address for a pod on the same node (always allowed for a pod's own node),
  and the node's pod-network address (cni0 / flannel.1, inside the cluster
  pod CIDR) for a pod on another node;
- a service is reached by the services that read a serviceUrl pointing at it
  (REDIS_URL makes Redis reachable from api and worker, and from nothing else).
"""

from __future__ import annotations

import ipaddress

from constructs import Construct

from charts import values
from charts.context import StackContext
from charts.plus import kplus
from gitops.config.model import Environment

k8s = kplus.k8s


def clients(config: Environment, target: str) -> list[str]:
    """Services that connect to target inside the cluster, by the serviceUrls they read."""
    urls = {key for key, url in config.service_urls.items() if url.service == target and not url.public}
    return sorted(name for name, svc in config.services.items() if urls & set(svc.settings))


def node_networks(config: Environment) -> list[str]:
    """Where host-network traffic comes from: the pod network and each node's own address."""
    networks = [config.cluster.pod_cidr]
    for node in config.cluster.nodes:
        if node.address:
            address = ipaddress.ip_address(node.address)
            networks.append(f"{address}/{address.max_prefixlen}")
    return networks


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
        for name, service in config.services.items():
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
