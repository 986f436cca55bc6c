"""Capacity: the environment must still fit when any one node is lost.

gitops/k8s/capacity.py does the arithmetic; this turns its report into findings
and into the headroom line every run prints, fit or not. The node inventory
comes from the declarations ConfigMap; hand-written YAML has none, and then
capacity is reported as not checked rather than guessed.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from gitops.k8s import capacity
from gitops.k8s.declared import CLUSTER_KEY
from gitops.k8s.manifests import Resource
from gitops.k8s.quantities import format_cpu, format_memory
from gitops.k8s.workloads import mapping, pod_template
from gitops.review.check.context import Context
from gitops.review.check.registry import rule
from gitops.review.findings import Issue, Severity, Topic


@dataclass(frozen=True)
class Headroom:
    """The capacity view of one check set; report is None when there is no node inventory."""

    report: capacity.Report | None
    lost_node: str | None
    source: Resource | None
    reason: str = ""

    @property
    def after_loss(self) -> str:
        """Which nodes the numbers are for, in words."""
        return "" if self.report is None else capacity.where(self.report)


def headroom(ctx: Context) -> Headroom:
    cluster = ctx.declared.cluster
    if cluster is None or not cluster.nodes:
        return Headroom(None, None, None, "no node inventory (no declarations ConfigMap with cluster.json in the set)")
    source = next((s for s in ctx.declared.sources if mapping(s.obj.get("data")).get(CLUSTER_KEY)), None)
    report = capacity.report(ctx.resources, cluster)
    return Headroom(report, report.lost, source)


def _shortfall(report: capacity.Report) -> str:
    parts = []
    room = report.headroom
    if room.cpu_millis < 0:
        parts.append(
            f"CPU requests {format_cpu(report.demand.cpu_millis)} > {format_cpu(report.supply.cpu_millis)} "
            f"allocatable (short by {format_cpu(-room.cpu_millis)})"
        )
    if room.memory_bytes < 0:
        parts.append(
            f"memory requests {format_memory(report.demand.memory_bytes)} > "
            f"{format_memory(report.supply.memory_bytes)} allocatable "
            f"(short by {format_memory(-room.memory_bytes)})"
        )
    return "; ".join(parts)


def _pod_field(resource: Resource) -> str:
    template = pod_template(resource)
    return f"{template.field}.containers" if template else "spec.valuesContent (resources.requests)"


@rule(
    "capacity",
    Topic.CAPACITY,
    Severity.ERROR,
    prevents="pods left Pending when a node is lost or drained: the survivors cannot hold every request, "
    "or a single pod is larger than any remaining node",
    fix="lower requests or replicas, or add nodes to cluster.nodes in config",
)
def capacity_rule(ctx: Context) -> Iterator[Issue]:
    view = headroom(ctx)
    report = view.report
    if report is None:
        return
    if view.source is not None and report.totals_fit:
        # Short in total says it all; node by node is the news when the totals fit.
        for where, found in (("with every node up", report.placement), (view.after_loss, report.shortfalls)):
            for shortfall in found:
                yield Issue(
                    view.source,
                    "data.cluster.json",
                    f"requests do not fit node by node {where}: {shortfall.message}",
                    "lower the requests of what must run there, or add a node to cluster.nodes",
                )
    if not report.totals_fit and view.source is not None:
        yield Issue(
            view.source,
            "data.cluster.json",
            f"requests do not fit {view.after_loss}: {_shortfall(report)}",
            "lower requests or replicas, or add a node to cluster.nodes in the environment's config",
        )
    smallest = report.smallest_node
    for demand in report.workloads:
        pod = demand.per_pod
        too_big = []
        if pod.cpu_millis > smallest.cpu_millis:
            too_big.append(f"CPU {format_cpu(pod.cpu_millis)} > {format_cpu(smallest.cpu_millis)}")
        if pod.memory_bytes > smallest.memory_bytes:
            too_big.append(f"memory {format_memory(pod.memory_bytes)} > {format_memory(smallest.memory_bytes)}")
        if too_big:
            yield Issue(
                demand.resource,
                _pod_field(demand.resource),
                f"one pod requests more than the smallest node can allocate {view.after_loss} "
                f"({'; '.join(too_big)}): it cannot be rescheduled",
                "lower the pod's requests, or split the work over more pods",
            )
