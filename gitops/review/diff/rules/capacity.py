"""Requests against the capacity left when one node is lost (gitops/k8s/capacity.py), before and after.

The node inventory comes from the declarations ConfigMap of each side (the
other side's when one has none). A change is flagged when the new side no
longer fits on the nodes that survive losing one, or when it adds more than
the headroom the base had.
"""

from __future__ import annotations

from collections.abc import Iterator

from gitops.k8s import capacity, workloads
from gitops.k8s.quantities import format_cpu, format_memory
from gitops.k8s.requests import Demand, container_requests
from gitops.review.diff.fields import container_path, render_path
from gitops.review.diff.load import key_of
from gitops.review.diff.model import CapacityLine
from gitops.review.diff.rules.context import Context, risk, rule
from gitops.review.findings import Issue, ObjectKey, Severity, Topic

# Requests attribute -> (resource name in a container's requests, formatter).
DIMENSIONS = {
    "cpu_millis": ("cpu", format_cpu),
    "memory_bytes": ("memory", format_memory),
}


def reports(context: Context) -> tuple[capacity.Report, capacity.Report] | None:
    before_cluster = context.old_cluster or context.new_cluster
    after_cluster = context.new_cluster or context.old_cluster
    if before_cluster is None or after_cluster is None:
        return None
    return capacity.report(context.old.resources, before_cluster), capacity.report(context.new.resources, after_cluster)


def capacity_line(context: Context) -> CapacityLine | None:
    found = reports(context)
    return None if found is None else CapacityLine(context.scope, *found)


def _per_workload(report: capacity.Report, scope: str) -> dict[ObjectKey, Demand]:
    return {key_of(d.resource, scope): d for d in report.workloads}


def _container_growth(before: Demand, after: Demand, dimension: str) -> str:
    """The requests field of the container whose request grew most in this dimension.

    Both workloads are in their capacity reports, so every request of theirs is a quantity."""
    if after.resource.kind == "HelmChartConfig":
        return "spec.valuesContent"
    request = DIMENSIONS[dimension][0]
    old_pod = workloads.containers(workloads.pod_spec(before.resource.obj))
    best, best_growth = "", 0
    for (list_name, name), container in workloads.containers(workloads.pod_spec(after.resource.obj)).items():
        old = old_pod.get((list_name, name))
        growth = getattr(container_requests(container), dimension) - (
            getattr(container_requests(old), dimension) if old is not None else 0
        )
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
    Topic.CAPACITY,
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
    for dimension, (label, fmt) in DIMENSIONS.items():
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
                f"than the {fmt(supply)} allocatable {capacity.where(after)} (headroom was {fmt(room_before)}): "
                + ("pods stay Pending while a node is down." if after.lost is not None else "pods stay Pending.")
            )
        else:
            message = (
                f"{label} requests grow by {fmt(increase)}, more than the {fmt(room_before)} of headroom the "
                f"base had {capacity.where(before)}."
            )
        yield risk(Severity.HIGH, key, field, message)
