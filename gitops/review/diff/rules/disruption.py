"""PodDisruptionBudgets that start blocking node drains, or that the API server starts refusing.

What the API server accepts and how many evictions a budget allows are
gitops/k8s/budgets.py's: the disruption controller's own rules. At zero
allowed evictions `kubectl drain` (a k3s upgrade, a reboot) waits forever.
That can come from the budget itself or from its workload scaling down under
it, so both sides' workloads are counted.
"""

from __future__ import annotations

from collections.abc import Iterator

from gitops.k8s import budgets as pdb
from gitops.k8s.declared import DeclaredCluster
from gitops.k8s.workloads import mapping
from gitops.review.diff.load import Side, key_of
from gitops.review.diff.model import Status
from gitops.review.diff.rules import seed
from gitops.review.diff.rules.context import Context, risk, rule
from gitops.review.findings import Issue, ObjectKey, Severity, Topic


def covered(side: Side, budget: dict, cluster: DeclaredCluster | None) -> tuple[pdb.Pods, list[ObjectKey]] | None:
    """The pods the budget covers on one side, and their workloads; None when a count is unknowable."""
    found = pdb.covered(budget, side.resources, len(cluster.nodes) if cluster is not None else None)
    if found is None:
        return None
    pods, owners = found
    keys = {id(resource): key for key, resource in side.objects.items()}
    return pods, [keys.get(id(owner)) or key_of(owner) for owner in owners]


def _blocks(side: Side, budget: dict | None, cluster: DeclaredCluster | None) -> str | None:
    """Why the budget allows no eviction on this side (budgets.zero_evictions), or None when it allows some."""
    if budget is None:
        return None
    spec = mapping(budget.get("spec"))
    found = pdb.covered(budget, side.resources, len(cluster.nodes) if cluster is not None else None)
    if found is None or pdb.setting(spec) is None or pdb.problems(spec):
        return None
    pods, owners = found
    if not pods.evictable or pdb.allowed_evictions(spec, pods) != 0:
        return None
    return pdb.zero_evictions(spec, pods, owners)


@rule(
    "pdb-blocks-drain",
    Topic.DISRUPTION,
    Severity.HIGH,
    prevents="a PodDisruptionBudget that starts allowing 0 evictions at its workloads' replicas "
    "(percentages rounded up): a node drain (k3s upgrade, reboot) waits forever",
    fix="`maxUnavailable: 1`, or a `minAvailable` below the replica count",
)
def drain_blocking_budgets(context: Context) -> Iterator[Issue]:
    for d in context.present_after(kinds={"PodDisruptionBudget"}):
        now = _blocks(context.new, d.new, context.new_cluster)
        if now is None:
            continue
        before = d.old if d.status is not Status.ADDED else None
        if before is not None and _blocks(context.old, before, context.old_cluster) is not None:
            continue
        key = "minAvailable" if "minAvailable" in mapping(d.after.get("spec")) else "maxUnavailable"
        yield risk(
            Severity.HIGH,
            d.key,
            f"spec.{key}",
            f"{now}: {pdb.DRAIN_WAITS}. " + seed.recalled(seed.DRAIN),
        )


@rule(
    "pdb-refused",
    Topic.DISRUPTION,
    Severity.HIGH,
    prevents="a sync that fails because the API server rejects a disruption budget (a fractional or "
    "sign-less percentage, text that is not a number, or both minAvailable and maxUnavailable)",
    fix='set exactly one of minAvailable and maxUnavailable, to a whole number or a whole percentage ("50%")',
)
def refused_budgets(context: Context) -> Iterator[Issue]:
    for d in context.present_after(kinds={"PodDisruptionBudget"}):
        before = pdb.problems(mapping(d.before.get("spec"))) if d.status is not Status.ADDED else []
        for field, problem in pdb.problems(mapping(d.after.get("spec"))):
            if (field, problem) in before:
                continue
            yield risk(
                Severity.HIGH,
                d.key,
                field,
                f"{problem}: the API server rejects the budget, so the sync that applies it fails.",
            )
