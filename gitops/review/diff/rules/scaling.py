"""Replica counts, singletons, and how long a container may take to start."""

from __future__ import annotations

from collections.abc import Iterator

from gitops.k8s import intstr, probes, workloads
from gitops.review.diff.fields import container_path
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
                f"the base runs it as a singleton (1 replica, Recreate): {after} copies will now run at the same time.",
            )
        elif after == 1 and workloads.strategy_type(changed.after) != "Recreate" and _surges(changed.after):
            yield risk(
                Severity.HIGH,
                changed.key,
                "spec.strategy.type",
                "a singleton (1 replica) loses Recreate: every rollout starts the new pod before the old one "
                "stops, so two copies overlap.",
            )


def _start_budget(container: dict) -> tuple[str, int] | None:
    """Seconds the kubelet lets a container start before killing it, and the probe that decides."""
    for probe_name in ("startupProbe", "livenessProbe"):
        if isinstance(container.get(probe_name), dict):
            found = probes.timing(container[probe_name])
            return None if found is None else (probe_name, found.window_seconds)
    return None


@rule(
    "startup-window-shrinks",
    Topic.WORKLOADS,
    Severity.MEDIUM,
    prevents="a container killed and restarted while it is still starting: its start-up window "
    "(startupProbe, else livenessProbe: initialDelaySeconds + failureThreshold × "
    "periodSeconds) shrinks",
    fix="keep the window at or above the slowest start, first boot included (config `startupSeconds`)",
)
def startup_budget(context: Context) -> Iterator[Issue]:
    for changed in context.changed(kinds=workloads.WORKLOADS):
        before = workloads.containers(workloads.pod_spec(changed.old))
        after = workloads.containers(workloads.pod_spec(changed.new))
        for (list_name, name), container in after.items():
            if list_name != "containers" or (list_name, name) not in before:
                continue
            old, new = _start_budget(before[(list_name, name)]), _start_budget(container)
            if old is None or new is None or new[1] >= old[1]:
                continue
            path = (*container_path(changed.key.kind, list_name, name), new[0])
            yield risk(
                Severity.MEDIUM,
                changed.key,
                path,
                f"the time the container may take to start shrinks from {old[1]} s to {new[1]} s: a slower "
                "start gets it killed and restarted, over and over.",
            )
