"""Replica counts, singletons, and how long a container may take to start."""

from __future__ import annotations

from collections.abc import Iterator

from gitops.k8s import workloads
from gitops.review.diff.fields import container_path
from gitops.review.diff.model import Level, Risk
from gitops.review.diff.rules.context import Context, risk

# Probe defaults of the core/v1 API.
DEFAULT_PERIOD, DEFAULT_FAILURES = 10, 3


def replicas(context: Context) -> Iterator[Risk]:
    for changed in context.changed(kinds=workloads.REPLICATED):
        before, after = workloads.replicas(changed.old), workloads.replicas(changed.new)
        if before and after == 0:
            yield risk(Level.HIGH, changed.key, "spec.replicas", f"scaled from {before} to 0: every pod of it stops.")


def _surges(obj: dict) -> bool:
    """Whether a RollingUpdate of one replica starts the new pod before the old one stops."""
    rolling = ((obj.get("spec") or {}).get("strategy") or {}).get("rollingUpdate") or {}
    surge = rolling.get("maxSurge", "25%")
    if isinstance(surge, str) and surge.endswith("%"):
        try:
            return float(surge[:-1]) > 0
        except ValueError:
            return True
    return not isinstance(surge, int) or surge > 0


def singletons(context: Context) -> Iterator[Risk]:
    for changed in context.changed(kinds={"Deployment"}):
        if workloads.replicas(changed.old) != 1 or workloads.strategy_type(changed.old) != "Recreate":
            continue
        after = workloads.replicas(changed.new)
        if after is not None and after > 1:
            yield risk(Level.HIGH, changed.key, "spec.replicas",
                       f"the base runs it as a singleton (1 replica, Recreate): {after} copies will now run at "
                       "the same time.")
        elif after == 1 and workloads.strategy_type(changed.new) != "Recreate" and _surges(changed.new):
            yield risk(Level.HIGH, changed.key, "spec.strategy.type",
                       "a singleton (1 replica) loses Recreate: every rollout starts the new pod before the old one "
                       "stops, so two copies overlap.")


def _start_budget(container: dict) -> tuple[str, int] | None:
    """Seconds the kubelet lets a container start before killing it, and the probe that decides."""
    for probe_name in ("startupProbe", "livenessProbe"):
        probe = container.get(probe_name)
        if isinstance(probe, dict):
            try:
                delay = int(probe.get("initialDelaySeconds", 0))
                seconds = delay + int(probe.get("failureThreshold", DEFAULT_FAILURES)) * int(
                    probe.get("periodSeconds", DEFAULT_PERIOD))
            except (TypeError, ValueError):
                return None
            return probe_name, seconds
    return None


def startup_budget(context: Context) -> Iterator[Risk]:
    for changed in context.changed(kinds=workloads.WORKLOADS):
        before = workloads.containers(workloads.pod_spec(changed.old))
        after = workloads.containers(workloads.pod_spec(changed.new))
        for (list_name, name), container in after.items():
            if list_name != "containers" or (list_name, name) not in before:
                continue
            old, new = _start_budget(before[(list_name, name)]), _start_budget(container)
            if old is None or new is None or new[1] >= old[1]:
                continue
            path = container_path(changed.key.kind, list_name, name) + (new[0],)
            yield risk(Level.MEDIUM, changed.key, path,
                       f"the time the container may take to start shrinks from {old[1]} s to {new[1]} s: a slower "
                       "start gets it killed and restarted, over and over.")
