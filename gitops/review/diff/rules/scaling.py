"""Replica counts, singletons, and how long a container may take to start."""

from __future__ import annotations

from collections.abc import Iterator

from gitops.annotations import STARTUP_SECONDS
from gitops.k8s import intstr, probes, workloads
from gitops.review.diff.fields import container_path
from gitops.review.diff.rules import seed
from gitops.review.diff.rules.context import Context, risk, rule
from gitops.review.findings import Issue, Severity, Topic


@rule(
    "scaled-to-zero",
    Topic.WORKLOADS,
    Severity.HIGH,
    prevents="a workload scaled to 0 replicas by mistake: every pod of it stops",
    fix="confirm the outage is intended",
)
def replicas(context: Context) -> Iterator[Issue]:
    for changed in context.changed(kinds=workloads.REPLICATED):
        before, after = workloads.replicas(changed.old), workloads.replicas(changed.new)
        if before and after == 0:
            yield risk(
                Severity.HIGH, changed.key, "spec.replicas", f"scaled from {before} to 0: every pod of it stops."
            )


def _surges(obj: dict) -> bool:
    """Whether a RollingUpdate of one replica starts the new pod before the old one stops."""
    surge = workloads.dig(obj, "spec", "strategy", "rollingUpdate", "maxSurge")
    surge = "25%" if surge is None else surge  # the apps/v1 default
    if not intstr.is_count(surge) and intstr.percent(surge) is None:
        return True  # a value the API server refuses: assume the default behaviour
    # The deployment controller rounds maxSurge up (deployment/util ResolveFenceposts).
    return intstr.scaled(surge, 1, round_up=True) > 0


@rule(
    "singleton-overlap",
    Topic.WORKLOADS,
    Severity.HIGH,
    prevents="two copies of a singleton (1 replica with Recreate in the base, e.g. the Asynq "
    "scheduler): scaled above 1, or switched to a RollingUpdate that surges, so old and new "
    "pod overlap on every rollout",
    fix="keep `replicas: 1` and `strategy.type: Recreate` (config `singleton: true`)",
)
def singletons(context: Context) -> Iterator[Issue]:
    for changed in context.changed(kinds={"Deployment"}):
        if not workloads.singleton(changed.before):
            continue
        after = workloads.replicas(changed.new)
        if after is not None and after > 1:
            yield risk(
                Severity.HIGH,
                changed.key,
                "spec.replicas",
                f"the base runs it as a singleton (1 replica, Recreate): {after} copies will now run at the same time. "
                + seed.recalled(seed.SINGLETON),
            )
        elif after == 1 and workloads.strategy_type(changed.after) != "Recreate" and _surges(changed.after):
            yield risk(
                Severity.HIGH,
                changed.key,
                "spec.strategy.type",
                "a singleton (1 replica) loses Recreate: every rollout starts the new pod before the old one "
                "stops, so two copies overlap. " + seed.recalled(seed.SINGLETON),
            )


def declared_start(obj: dict | None) -> int | None:
    """The slowest start a workload declares (the startup-seconds annotation config's startupSeconds writes)."""
    value = workloads.mapping(workloads.dig(obj, "metadata", "annotations")).get(STARTUP_SECONDS)
    return workloads.as_int(value)


@rule(
    "startup-window-shrinks",
    Topic.WORKLOADS,
    Severity.HIGH,
    prevents="a container killed and restarted while it is still starting: its start-up window "
    "(startupProbe, else livenessProbe: initialDelaySeconds + failureThreshold × "
    "periodSeconds) shrinks; high when it falls below the slowest start the workload declares "
    f"(`{STARTUP_SECONDS}`, from config `startupSeconds`, e.g. the API's 240 s)",
    fix="keep the window at or above the slowest start, first boot included (config `startupSeconds`)",
    severity_note="high (below the declared slowest start) / medium",
)
def startup_budget(context: Context) -> Iterator[Issue]:
    for changed in context.changed(kinds=workloads.WORKLOADS):
        before = workloads.containers(workloads.pod_spec(changed.old))
        after = workloads.containers(workloads.pod_spec(changed.new))
        # What the base knew is not forgotten by lowering the declaration in the same change.
        declared = max(filter(None, (declared_start(changed.old), declared_start(changed.new))), default=None)
        for (list_name, name), container in after.items():
            if list_name != "containers" or (list_name, name) not in before:
                continue
            old, new = probes.start_window(before[(list_name, name)]), probes.start_window(container)
            if old is None or new is None or new[1] >= old[1]:
                continue
            path = (*container_path(changed.key.kind, list_name, name), new[0])
            shrinks = f"the time the container may take to start shrinks from {old[1]} s to {new[1]} s"
            if declared is not None and new[1] < declared:
                yield risk(
                    Severity.HIGH,
                    changed.key,
                    path,
                    f"{shrinks}, below the {declared} s it declares as its slowest start: a start that slow is "
                    "killed and restarted before it answers, over and over. " + seed.recalled(seed.STARTUP),
                )
                continue
            yield risk(
                Severity.MEDIUM,
                changed.key,
                path,
                f"{shrinks}: a slower start gets it killed and restarted, over and over.",
            )
