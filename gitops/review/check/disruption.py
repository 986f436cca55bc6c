"""PodDisruptionBudgets against the workloads they select, and what that means for drains and rollouts.

The arithmetic is the disruption controller's: a percentage is scaled by the
expected pod count and rounded up, for minAvailable and maxUnavailable alike.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass

from gitops.k8s.manifests import Resource
from gitops.k8s.selectors import format_selector, selects
from gitops.k8s.workloads import PodTemplate, dig, mapping
from gitops.review.check.context import Context
from gitops.review.check.findings import Category, Issue, Severity, rule


class BudgetError(ValueError):
    pass


def _scaled(value: object, expected: int) -> int:
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, str) and value.endswith("%") and value[:-1].isdigit():
        return math.ceil(int(value[:-1]) * expected / 100)
    raise BudgetError(f"{value!r} is neither a number nor a percentage")


@dataclass(frozen=True)
class Budget:
    resource: Resource
    pods: list[PodTemplate]

    @property
    def spec(self) -> dict:
        return mapping(self.resource.obj.get("spec"))

    @property
    def expected(self) -> int:
        # Drains skip DaemonSet pods and Job counts are not fixed; only these are counted.
        return sum(p.replicas or 0 for p in self.pods)

    @property
    def setting(self) -> tuple[str, object] | None:
        for key in ("maxUnavailable", "minAvailable"):  # the controller reads maxUnavailable first
            if key in self.spec:
                return key, self.spec[key]
        return None

    def allowed_evictions(self) -> int | None:
        """Evictions allowed with every expected pod healthy; None when the budget sets no limit."""
        setting = self.setting
        if setting is None:
            return None
        key, value = setting
        expected = self.expected
        if key == "maxUnavailable":
            return max(0, min(expected, _scaled(value, expected)))
        return max(0, expected - _scaled(value, expected))


def budgets(ctx: Context) -> list[Budget]:
    found = []
    for pdb in ctx.of_kind("PodDisruptionBudget"):
        selector = dig(pdb.obj, "spec", "selector")
        found.append(Budget(pdb, [p for p in ctx.pods_in(pdb.namespace) if selects(selector, p.labels)]))
    return found


@rule(
    "pdb-selector",
    Category.INTEGRITY,
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
    Category.INTEGRITY,
    Severity.ERROR,
    prevents="`kubectl drain` and k3s upgrades waiting forever on a budget that allows zero evictions",
    fix="maxUnavailable: 1 (or minAvailable below the replica count)",
)
def pdb_blocks_drain(ctx: Context) -> Iterator[Issue]:
    for budget in budgets(ctx):
        expected = budget.expected
        setting = budget.setting
        if setting is None or expected == 0:
            continue
        key, value = setting
        try:
            allowed = budget.allowed_evictions()
        except BudgetError as err:
            yield Issue(budget.resource, f"spec.{key}", f"{key} {err}", f'use a whole number or a percentage ("50%")')
            continue
        if allowed:
            continue
        workloads = ", ".join(f"{p}: {p.replicas} replica(s)" for p in budget.pods if p.replicas)
        yield Issue(
            budget.resource,
            f"spec.{key}",
            f"{key} {value} allows 0 voluntary evictions at {expected} expected pod(s) ({workloads}): "
            "a node drain would wait forever",
            f"set maxUnavailable: 1, or a minAvailable below {expected}",
        )


@rule(
    "pdb-overlap",
    Category.INTEGRITY,
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
    "singleton-rollout",
    Category.POLICY,
    Severity.ERROR,
    prevents="a singleton (e.g. the Asynq scheduler) running twice during a rolling update",
    fix="spec.strategy.type: Recreate, which stops the old pod before starting the new one",
)
def singleton_rollout(ctx: Context) -> Iterator[Issue]:
    # A singleton is a 1-replica Deployment whose budget lets it be evicted: it is meant to move,
    # never to run twice. RollingUpdate (the default) surges a second pod before stopping the first,
    # and even maxSurge 0 starts the new pod while the old one is still terminating.
    for budget in budgets(ctx):
        try:
            if not budget.allowed_evictions():
                continue
        except BudgetError:
            continue
        for pod in budget.pods:
            if pod.kind != "Deployment" or pod.replicas != 1:
                continue
            strategy = dig(pod.resource.obj, "spec", "strategy", "type") or "RollingUpdate"
            if strategy == "Recreate":
                continue
            yield Issue(
                pod.resource,
                "spec.strategy.type",
                f"a singleton (1 replica, evictable under {budget.resource}) rolls out with {strategy}: "
                "old and new pod run at the same time",
                "set spec.strategy.type: Recreate (and drop spec.strategy.rollingUpdate)",
            )
