"""PodDisruptionBudgets against the workloads they select, and what that means for drains and rollouts.

What the API server accepts and how many evictions a budget allows are
gitops/k8s/budgets.py's: the disruption controller's own rules.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from gitops.annotations import SINGLETON_ROLLOUT_RULE
from gitops.k8s import budgets as pdb
from gitops.k8s.manifests import Resource
from gitops.k8s.selectors import format_selector, selects
from gitops.k8s.workloads import PodTemplate, dig, mapping, strategy_type
from gitops.review.check.context import Context
from gitops.review.check.registry import rule
from gitops.review.findings import Issue, Severity, Topic


@dataclass(frozen=True)
class Budget:
    resource: Resource
    pods: list[PodTemplate]  # every workload whose pods the selector selects
    count: pdb.Pods | None  # those pods as the disruption controller counts them; None when unknowable

    @property
    def spec(self) -> dict:
        return mapping(self.resource.obj.get("spec"))

    def allowed_evictions(self) -> int | None:
        """Evictions allowed with every pod healthy; None for a budget that sets no limit or is refused."""
        if self.count is None or pdb.problems(self.spec):
            return None
        return pdb.allowed_evictions(self.spec, self.count)


REFUSED_FIX = 'set one of maxUnavailable or minAvailable, to a whole number or a percentage such as "50%"'


def budgets(ctx: Context) -> list[Budget]:
    cluster = ctx.declared.cluster
    nodes = len(cluster.nodes) if cluster is not None else None
    found = []
    for budget in ctx.of_kind("PodDisruptionBudget"):
        selector = dig(budget.obj, "spec", "selector")
        pods = [p for p in ctx.pods_in(budget.namespace) if selects(selector, p.labels)]
        counted = pdb.covered(budget.obj, [p.resource for p in pods], nodes)
        found.append(Budget(budget, pods, None if counted is None else counted[0]))
    return found


@rule(
    "pdb-selector",
    Topic.INTEGRITY,
    Severity.ERROR,
    prevents="a disruption budget that protects nothing (a typo in its selector leaves the pods unprotected)",
    fix="make spec.selector match the workload's pod template labels",
)
def pdb_selector(ctx: Context) -> Iterator[Issue]:
    for budget in budgets(ctx):
        if budget.pods:
            continue
        names = ctx.workload_names(budget.resource.namespace)
        yield Issue(
            budget.resource,
            "spec.selector",
            f"selector {format_selector(dig(budget.resource.obj, 'spec', 'selector'))} selects the pods of no "
            f"workload in namespace {budget.resource.namespace or '(none)'} (workloads there: {names})",
            "copy the selector from the workload's spec.selector, or delete the budget",
        )


@rule(
    "pdb-blocks-drain",
    Topic.INTEGRITY,
    Severity.ERROR,
    prevents="`kubectl drain` and k3s upgrades waiting forever on a budget that allows zero evictions",
    fix="maxUnavailable: 1 (or minAvailable below the replica count)",
)
def pdb_blocks_drain(ctx: Context) -> Iterator[Issue]:
    # A budget the API server refuses is reported here too, as `main.py diff` reports it.
    for budget in budgets(ctx):
        refused = pdb.problems(budget.spec)
        for field, problem in refused:
            yield Issue(budget.resource, field, f"{problem}: the API server rejects the budget", REFUSED_FIX)
        setting = pdb.setting(budget.spec)
        if refused or setting is None or budget.count is None or not budget.count.evictable:
            continue
        if budget.allowed_evictions() != 0:
            continue
        key, _ = setting
        if pdb.uncountable(budget.spec, budget.count):
            fix = "select only the pods of Deployments or StatefulSets, or use an integer minAvailable"
        else:
            fix = f"set maxUnavailable: 1, or a minAvailable below {pdb.expected(budget.spec, budget.count)}"
        why = pdb.zero_evictions(budget.spec, budget.count, [p.resource for p in budget.pods])
        yield Issue(budget.resource, f"spec.{key}", f"{why}: {pdb.DRAIN_WAITS}", fix)


@rule(
    "pdb-overlap",
    Topic.INTEGRITY,
    Severity.ERROR,
    prevents="evictions refused outright: the eviction API rejects a pod covered by more than one budget, "
    "so drains fail",
    fix="keep exactly one PodDisruptionBudget per workload",
)
def pdb_overlap(ctx: Context) -> Iterator[Issue]:
    found = budgets(ctx)
    for budget in found:
        for pod in budget.pods:
            others = [b.resource for b in found if b is not budget and any(p is pod for p in b.pods)]
            if others:
                yield Issue(
                    budget.resource,
                    "spec.selector",
                    f"the pods of {pod} are also selected by {', '.join(str(o) for o in others)}",
                    "narrow the selectors so each workload's pods match exactly one budget",
                )


@rule(
    SINGLETON_ROLLOUT_RULE,
    Topic.POLICY,
    Severity.ERROR,
    prevents="a singleton (e.g. the Asynq scheduler) running twice during a rolling update",
    fix="spec.strategy.type: Recreate, which stops the old pod before starting the new one",
)
def singleton_rollout(ctx: Context) -> Iterator[Issue]:
    # A singleton is a 1-replica Deployment whose budget lets it be evicted: it is meant to move,
    # never to run twice. RollingUpdate (the default) surges a second pod before stopping the first,
    # and even maxSurge 0 starts the new pod while the old one is still terminating.
    for budget in budgets(ctx):
        if not budget.allowed_evictions():
            continue
        for pod in budget.pods:
            if pod.kind != "Deployment" or pod.replicas != 1:
                continue
            strategy = strategy_type(pod.resource.obj)
            if strategy == "Recreate":
                continue
            yield Issue(
                pod.resource,
                "spec.strategy.type",
                f"a singleton (1 replica, evictable under {budget.resource}) rolls out with {strategy}: "
                "old and new pod run at the same time",
                "set spec.strategy.type: Recreate (and drop spec.strategy.rollingUpdate)",
            )
