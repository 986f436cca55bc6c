"""Host ports: one node port, one owner.

A pod on the host network binds its container ports on the node itself; a
hostPort does the same through the CNI. The scheduler keeps two such pods
off one node, so a clash shows up as a pod Pending forever (or, for a
DaemonSet, missing from a node). Claimants are pod templates, the k3s-bundled
Traefik as its chart renders a HelmChartConfig (gitops/review/edge.py: every
port of the rendered pods, the chart's defaults included), and LoadBalancer
Services, for which k3s ServiceLB runs a hostPort pod per node.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass

from gitops.k8s.manifests import Resource
from gitops.k8s.placement import pinned_nodes
from gitops.k8s.workloads import PER_NODE, PodTemplate, as_int, mapping, pod_template, sequence
from gitops.review.check.context import Context, edge_rendered
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


def _pod_claims(pods: list[PodTemplate], owner: Resource | None = None, prefix: str = "") -> Iterator[Claim]:
    """The ports pods claim on their node; owner and prefix name the HelmChartConfig a rendered pod comes from."""
    for pod in pods:
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
                    owner or pod.resource,
                    f"{prefix}{container.field}.ports[{port.get('name') or index}].{key}",
                    number,
                    str(port.get("protocol") or "TCP"),
                    "host network" if host_network else "hostPort",
                    every,
                    nodes,
                    pod.replicas or 1,
                )


def _chart_claims(ctx: Context) -> Iterator[Claim]:
    for rendered in edge_rendered(ctx):
        pods = [p for p in (pod_template(r) for r in rendered.resources) if p is not None]
        for pod in pods:
            yield from _pod_claims([pod], rendered.config, f"rendered {pod.resource}: ")


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
    for claim in [*_pod_claims(ctx.pods), *_chart_claims(ctx), *_service_lb_claims(ctx)]:
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
