"""Host ports: one node port, one owner.

A pod on the host network binds its container ports on the node itself; a
hostPort does the same through the CNI. The scheduler keeps two such pods
off one node, so a clash shows up as a pod Pending forever (or, for a
DaemonSet, missing from a node). Claimants are pod templates, the k3s-bundled
Traefik as configured by a HelmChartConfig (its chart values are parsed), and
LoadBalancer Services, for which k3s ServiceLB runs a hostPort pod per node.

Only ports written in the HelmChartConfig's values are known; chart defaults
that are not overridden there are not counted.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass

from gitops.k8s.helmcharts import chart_values, host_bound_ports, per_node
from gitops.k8s.manifests import Resource
from gitops.k8s.placement import pinned_nodes
from gitops.k8s.workloads import PER_NODE, as_int, mapping, sequence
from gitops.review.check.context import Context
from gitops.review.check.registry import rule
from gitops.review.findings import Issue, Severity, Topic


@dataclass(frozen=True)
class Claim:
    resource: Resource
    field: str
    port: int
    protocol: str
    how: str  # e.g. "host network", "hostPort", "k3s ServiceLB"
    every_node: bool  # a DaemonSet (or ServiceLB): one pod on every node
    nodes: frozenset[str] | None  # pinned node names; None when the scheduler may pick any node
    pods: int

    @property
    def place(self) -> str:
        if self.every_node:
            return "every node"
        if self.nodes is not None:
            return f"node {', '.join(sorted(self.nodes))}"
        return f"{self.pods} pod(s) on any node"


def _pod_claims(ctx: Context) -> Iterator[Claim]:
    for pod in ctx.pods:
        host_network = pod.spec.get("hostNetwork") is True
        pinned = pinned_nodes(pod.spec)
        nodes = frozenset(pinned) if pinned is not None else None
        every = pod.kind in PER_NODE
        for container in pod.running_containers():
            for index, port in enumerate(container.ports):
                number = as_int(port.get("containerPort")) if host_network else as_int(port.get("hostPort"))
                if not number:
                    continue
                key = "containerPort" if host_network else "hostPort"
                yield Claim(
                    pod.resource,
                    f"{container.field}.ports[{port.get('name') or index}].{key}",
                    number,
                    str(port.get("protocol") or "TCP"),
                    "host network" if host_network else "hostPort",
                    every,
                    nodes,
                    pod.replicas or 1,
                )


def _chart_claims(ctx: Context) -> Iterator[Claim]:
    for config in ctx.of_kind("HelmChartConfig"):
        values = chart_values(config)
        if values is None:
            continue
        host_network = values.get("hostNetwork") is True
        deployment = mapping(values.get("deployment"))
        every = per_node(values)
        for name, key, number, port in host_bound_ports(values):
            yield Claim(
                config,
                f"spec.valuesContent (ports.{name}.{key})",
                number,
                str(port.get("protocol") or "TCP"),
                "host network" if host_network else "hostPort",
                every,
                None,
                as_int(deployment.get("replicas")) or 1,
            )


def _service_lb_claims(ctx: Context) -> Iterator[Claim]:
    for service in ctx.of_kind("Service"):
        spec = mapping(service.obj.get("spec"))
        if spec.get("type") != "LoadBalancer" or spec.get("loadBalancerClass"):
            continue
        for index, port in enumerate(sequence(spec.get("ports"))):
            port = mapping(port)
            number = as_int(port.get("port"))
            if number:
                yield Claim(
                    service,
                    f"spec.ports[{port.get('name') or index}].port",
                    number,
                    str(port.get("protocol") or "TCP"),
                    "k3s ServiceLB (type LoadBalancer)",
                    True,
                    None,
                    1,
                )


def _collide(a: Claim, b: Claim, node_count: int | None, pods: int) -> bool:
    if a.every_node or b.every_node:
        return True
    if a.nodes is not None and b.nodes is not None and len(a.nodes) == 1 and a.nodes == b.nodes:
        return True
    # Otherwise the scheduler keeps them apart, as long as there are nodes enough for every pod.
    return node_count is not None and pods > node_count


@rule(
    "host-port-conflict",
    Topic.INTEGRITY,
    Severity.ERROR,
    prevents="pods Pending forever (or a DaemonSet missing from nodes) because another workload holds the "
    "node port, e.g. a second ingress on :80 beside the host-network Traefik",
    fix="give one of them another port, or drop hostNetwork/hostPort in favour of a Service",
)
def host_port_conflict(ctx: Context) -> Iterator[Issue]:
    by_port: dict[tuple[int, str], list[Claim]] = defaultdict(list)
    for claim in [*_pod_claims(ctx), *_chart_claims(ctx), *_service_lb_claims(ctx)]:
        by_port[(claim.port, claim.protocol)].append(claim)
    cluster = ctx.declared.cluster
    node_count = len(cluster.nodes) if cluster else None
    for (port, protocol), claims in by_port.items():
        owners = {id(c.resource) for c in claims}
        if len(owners) < 2:
            continue
        pods = sum(c.pods for c in claims if not c.every_node)
        for claim in claims:
            rivals = [c for c in claims if c.resource is not claim.resource and _collide(claim, c, node_count, pods)]
            if not rivals:
                continue
            others = "; ".join(f"{c.resource} ({c.how}, {c.place})" for c in rivals)
            yield Issue(
                claim.resource,
                claim.field,
                f"port {port}/{protocol} ({claim.how}, {claim.place}) is also claimed by {others}",
                "move one of them to another port, or serve it through a ClusterIP Service instead of the host",
            )
