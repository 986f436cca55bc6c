"""Requests against the capacity left when one node is lost (gitops/k8s/capacity.py), before and after.

The node inventory comes from the declarations ConfigMap of each side (the
other side's when one has none). A change is flagged when the new side no
longer fits on the nodes that survive losing one, or when it adds more than
the headroom the base had.
"""

from __future__ import annotations

from collections.abc import Iterator

from gitops.k8s import capacity, workloads
from gitops.k8s.quantities import QuantityError, cpu_millis, format_cpu, format_memory, memory_bytes
from gitops.k8s.requests import Demand
from gitops.review.diff.fields import container_path, render_path
from gitops.review.diff.load import key_of
from gitops.review.diff.model import CapacityLine
from gitops.review.diff.rules.context import Area, Context, risk, rule
from gitops.review.findings import Issue, ObjectKey, Severity

# Requests attribute -> (resource name in a container's requests, formatter, parser).
DIMENSIONS = {
    "cpu_millis": ("cpu", format_cpu, cpu_millis),
    "memory_bytes": ("memory", format_memory, memory_bytes),
}


def reports(context: Context) -> tuple[capacity.Report, capacity.Report] | None:
    before_cluster = context.old_cluster or context.new_cluster
    after_cluster = context.new_cluster or context.old_cluster
    if before_cluster is None or after_cluster is None:
        return None
    return capacity.report(context.old.resources, before_cluster), capacity.report(context.new.resources, after_cluster)


def capacity_line(context: Context) -> CapacityLine | None:
    found = reports(context)
    if found is None:
        return None
    before, after = found
    return CapacityLine(
        context.scope,
        after.nodes_left,
        after.supply.cpu_millis,
        after.supply.memory_bytes,
        before.demand.cpu_millis,
        after.demand.cpu_millis,
        before.demand.memory_bytes,
        after.demand.memory_bytes,
    )


def _per_workload(report: capacity.Report, scope: str) -> dict[ObjectKey, Demand]:
    return {key_of(d.resource, scope): d for d in report.workloads}


def _requested(container: dict | None, dimension: str) -> int:
    request, _, parse = DIMENSIONS[dimension]
    value = workloads.mapping(workloads.dig(container, "resources", "requests")).get(request, 0)
    try:
        return parse(value)
    except QuantityError:
        return 0


def _container_growth(before: Demand, after: Demand, dimension: str) -> str:
    """The requests field of the container whose request grew most in this dimension."""
    if after.resource.kind == "HelmChartConfig":
        return "spec.valuesContent"
    request = DIMENSIONS[dimension][0]
    old_pod = workloads.containers(workloads.pod_spec(before.resource.obj))
    best, best_growth = "", 0
    for (list_name, name), container in workloads.containers(workloads.pod_spec(after.resource.obj)).items():
        growth = _requested(container, dimension) - _requested(old_pod.get((list_name, name)), dimension)
        if growth > best_growth:
            path = (*container_path(after.resource.kind, list_name, name), "resources", "requests", request)
            best, best_growth = render_path(path), growth
    return best


def _culprit(
    before: capacity.Report, after: capacity.Report, dimension: str, scope: str
) -> tuple[ObjectKey, str] | None:
    """The workload whose demand grew most, and the field that made it grow."""
    old, new = _per_workload(before, scope), _per_workload(after, scope)
    best: tuple[int, ObjectKey, str] | None = None
    for key, demand in new.items():
        grown = getattr(demand.total(after.nodes_left), dimension)
        previous = old.get(key)
        if previous is not None:
            grown -= getattr(previous.total(before.nodes_left), dimension)
        if grown <= 0 or (best is not None and grown <= best[0]):
            continue
        if previous is None:
            field = ""
        elif demand.pods != previous.pods:
            field = "spec.replicas"
        else:
            field = _container_growth(previous, demand, dimension)
        best = (grown, key, field)
    return None if best is None else (best[1], best[2])


@rule(
    "capacity-headroom",
    Area.CAPACITY,
    Severity.HIGH,
    prevents="pods Pending while a node is down: the requests no longer fit on the nodes left when one "
    "is lost, or grow by more than the headroom the base had (with the node inventory either "
    "side declares)",
    fix="lower requests or replicas, or add a node to `cluster.nodes` in config",
)
def requests_headroom(context: Context) -> Iterator[Issue]:
    found = reports(context)
    if found is None:
        return
    before, after = found
    for dimension, (label, fmt, _) in DIMENSIONS.items():
        increase = getattr(after.demand, dimension) - getattr(before.demand, dimension)
        if increase <= 0:
            continue
        room_after, room_before = getattr(after.headroom, dimension), getattr(before.headroom, dimension)
        if room_after >= 0 and increase <= room_before:
            continue
        culprit = _culprit(before, after, dimension, context.scope)
        if culprit is None:
            continue
        key, field = culprit
        supply = getattr(after.supply, dimension)
        if room_after < 0:
            message = (
                f"{label} requests grow by {fmt(increase)} to {fmt(getattr(after.demand, dimension))}, more "
                f"than the {fmt(supply)} left on {after.nodes_left} node(s) when one is lost (headroom was "
                f"{fmt(room_before)}): pods stay Pending while a node is down."
            )
        else:
            message = (
                f"{label} requests grow by {fmt(increase)}, more than the {fmt(room_before)} of headroom the "
                "base had with one node lost."
            )
        yield risk(Severity.HIGH, key, field, message)
