"""PodDisruptionBudgets that start blocking node drains.

A budget allows as many voluntary evictions as its workloads' desired pods
exceed minAvailable (or as maxUnavailable says; percentages round up, as the
disruption controller rounds them). At zero, `kubectl drain` (a k3s upgrade,
a reboot) waits forever. That can come from the budget itself or from its
workload scaling down under it, so both sides' workloads are counted.
"""

from __future__ import annotations

import math
from collections.abc import Iterator

from gitops.k8s import selectors, workloads
from gitops.k8s.declared import Cluster
from gitops.review.diff.load import Side
from gitops.review.diff.model import Level, ObjectKey, Risk, Status
from gitops.review.diff.rules.context import Context, risk


def _scaled(value: object, pods: int) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.endswith("%"):
        try:
            return math.ceil(float(value[:-1]) * pods / 100)
        except ValueError:
            return None
    return None


def allowed_evictions(spec: dict, pods: int) -> tuple[int, str] | None:
    """Evictions the budget allows with every pod healthy, and the setting that decides it."""
    if "minAvailable" in spec:
        need = _scaled(spec["minAvailable"], pods)
        return None if need is None else (pods - need, f"minAvailable {spec['minAvailable']}")
    if "maxUnavailable" in spec:
        allowed = _scaled(spec["maxUnavailable"], pods)
        return None if allowed is None else (allowed, f"maxUnavailable {spec['maxUnavailable']}")
    return None


def covered(side: Side, budget: dict, cluster: Cluster | None) -> tuple[int, list[ObjectKey]] | None:
    """Desired pods the budget covers on one side, and their workloads; None when a count is unknowable."""
    namespace = (budget.get("metadata") or {}).get("namespace") or ""
    selector = (budget.get("spec") or {}).get("selector")
    pods, owners = 0, []
    for key, resource in side.objects.items():
        if key.namespace != namespace or key.kind not in workloads.REPLICATED | {"DaemonSet", "Pod"}:
            continue
        if not selectors.selects(selector, workloads.pod_labels(resource.obj)):
            continue
        if key.kind == "DaemonSet":
            if cluster is None:
                return None
            count = len(cluster.nodes)
        elif key.kind == "Pod":
            count = 1
        else:
            count = workloads.replicas(resource.obj)
            if count is None:
                return None
        pods += count
        owners.append(key)
    return pods, owners


def _blocks(side: Side, budget: dict | None, cluster: Cluster | None) -> tuple[int, list[ObjectKey], str] | None:
    if budget is None:
        return None
    found = covered(side, budget, cluster)
    if found is None:
        return None
    pods, owners = found
    allowed = allowed_evictions(budget.get("spec") or {}, pods)
    if pods == 0 or allowed is None or allowed[0] > 0:
        return None
    return pods, owners, allowed[1]


def drain_blocking_budgets(context: Context) -> Iterator[Risk]:
    for d in context.present_after(kinds={"PodDisruptionBudget"}):
        now = _blocks(context.new, d.new, context.new_cluster)
        if now is None:
            continue
        before = d.old if d.status is not Status.ADDED else None
        if before is not None and _blocks(context.old, before, context.old_cluster) is not None:
            continue
        pods, owners, setting = now
        field = "spec.minAvailable" if setting.startswith("minAvailable") else "spec.maxUnavailable"
        names = ", ".join(owner.local for owner in owners)
        yield risk(Level.MEDIUM, d.key, field,
                   f"allows 0 evictions of the {pods} pod(s) of {names} ({setting}): a node drain "
                   "(k3s upgrade, reboot) waits forever.")
