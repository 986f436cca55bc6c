"""What a rollout does to a workload's pods: how many are replaced, how many at a time, how long it may
take and the fewest Ready on the way, as the controllers replace them.

- Deployment, RollingUpdate (pkg/controller/deployment/rolling.go; deployment/util ResolveFenceposts):
  maxSurge is scaled by the replicas rounding up, maxUnavailable rounding down, both from the apps/v1
  default of 25%; when both come to 0, maxUnavailable is 1. The controller keeps at most
  replicas + maxSurge pods and at least replicas - maxUnavailable available, so each wave replaces
  maxSurge + maxUnavailable pods. With maxSurge 0 an old pod stops before its replacement starts.
- Deployment, Recreate (recreate.go): every old pod is stopped and gone before any new one starts: one
  wave, with no pod Ready in between.
- StatefulSet, RollingUpdate (pkg/controller/statefulset): one pod at a time, highest ordinal first,
  each deleted before it is recreated; pods below `partition` are not replaced. OnDelete replaces
  nothing until someone deletes the pods.
- DaemonSet, RollingUpdate (pkg/controller/daemon/update.go, util.UnavailableCount and SurgeCount):
  one pod per node the template may run on; maxUnavailable (default 1) and maxSurge (default 0)
  scaled by that count rounding up; with no surge a node's old pod is deleted before the new one is
  created there (a DaemonSet on host ports can do nothing else).
- A k3s HelmChartConfig whose chart runs a DaemonSet (Traefik, deployment.kind: DaemonSet): the same,
  from the chart values' updateStrategy, probes and grace period, or the chart's defaults
  (traefik-helm-chart values.yaml, the chart k3s 1.34 bundles).

A wave may take the slowest container's start window (probes.start_window: the time the kubelet gives
it before it restarts it) plus minReadySeconds, and, where an old pod stops first, its
terminationGracePeriodSeconds (API default 30). Waves times that is the worst case.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from gitops.k8s import helmcharts, intstr, probes
from gitops.k8s.manifests import Fields
from gitops.k8s.workloads import as_int, dig, mapping, pod_spec, replicas, sequence, strategy_type

DEFAULT_GRACE_SECONDS = 30  # PodSpec.terminationGracePeriodSeconds (pkg/apis/core/v1/defaults.go)
DEPLOYMENT_DEFAULT = "25%"  # maxSurge and maxUnavailable (apps/v1 SetDefaults_Deployment)
# traefik-helm-chart values.yaml: what the chart's DaemonSet gets when the values leave these out.
CHART_DEFAULTS: dict[str, Any] = {
    "deployment": {"terminationGracePeriodSeconds": 60, "minReadySeconds": 0},
    "livenessProbe": {"failureThreshold": 3, "initialDelaySeconds": 2, "periodSeconds": 10, "timeoutSeconds": 2},
    "updateStrategy": {"type": "RollingUpdate", "rollingUpdate": {"maxUnavailable": 0, "maxSurge": 1}},
}


@dataclass(frozen=True)
class Rollout:
    """How one workload's pods are replaced when its pod template changes."""

    strategy: str  # RollingUpdate | Recreate | OnDelete
    pods: int  # pods replaced
    total: int  # pods the workload runs
    per_wave: int  # replaced at a time
    fewest_ready: int  # Ready pods at the lowest point
    stops_first: bool  # an old pod stops before its replacement starts
    start_seconds: int | None  # one pod's start window; None when no probe bounds it
    stop_seconds: int  # an old pod's grace period, waited for when it stops first
    ready_seconds: int  # minReadySeconds
    per_node: bool = False  # one pod per node (a DaemonSet)
    surge: int = 0
    unavailable: int = 0

    @property
    def waves(self) -> int:
        return math.ceil(self.pods / self.per_wave) if self.pods and self.per_wave else 0

    @property
    def wave_seconds(self) -> int | None:
        """The longest one wave may take; None when no probe bounds a start."""
        if self.start_seconds is None:
            return None
        return self.start_seconds + self.ready_seconds + (self.stop_seconds if self.stops_first else 0)

    @property
    def worst_seconds(self) -> int | None:
        wave = self.wave_seconds
        return None if wave is None else wave * self.waves


def start_seconds(spec: Fields | None) -> int | None:
    """The slowest start window of a pod's long-running containers; None when one has no probe to bound it."""
    windows = []
    for container in sequence(mapping(spec).get("containers")):
        found = probes.start_window(mapping(container))
        if found is None:
            return None
        windows.append(found[1])
    return max(windows, default=None)


def _grace(spec: Fields | None, default: int = DEFAULT_GRACE_SECONDS) -> int:
    value = as_int(mapping(spec).get("terminationGracePeriodSeconds"))
    return default if value is None else value


def _valid(value: object) -> bool:
    return intstr.is_count(value) or intstr.percent(value) is not None


def _rolling(count: int, surge: object, unavailable: object, *, round_unavailable_up: bool) -> tuple[int, int]:
    """(maxSurge, maxUnavailable) as pods, as the controllers resolve them; (0, 1) when both come to 0."""
    surge_pods = intstr.scaled(surge, count, round_up=True) if _valid(surge) else 0
    down = intstr.scaled(unavailable, count, round_up=round_unavailable_up) if _valid(unavailable) else 1
    if surge_pods == 0 and down == 0:
        down = 1
    return surge_pods, down


def _deployment(obj: Fields) -> Rollout | None:
    count = replicas(obj)
    if count is None:
        return None
    spec = pod_spec(obj)
    start, stop = start_seconds(spec), _grace(spec)
    ready = as_int(dig(obj, "spec", "minReadySeconds")) or 0
    if strategy_type(obj) == "Recreate":
        return Rollout("Recreate", count, count, count, 0, True, start, stop, ready)
    rolling = mapping(dig(obj, "spec", "strategy", "rollingUpdate"))
    surge, down = _rolling(
        count,
        rolling.get("maxSurge", DEPLOYMENT_DEFAULT),
        rolling.get("maxUnavailable", DEPLOYMENT_DEFAULT),
        round_unavailable_up=False,
    )
    down = min(down, count)
    fewest = max(count - down, 0)
    return Rollout(
        "RollingUpdate", count, count, surge + down, fewest, surge == 0, start, stop, ready, False, surge, down
    )


def _statefulset(obj: Fields) -> Rollout | None:
    count = replicas(obj)
    if count is None:
        return None
    spec = pod_spec(obj)
    start, stop = start_seconds(spec), _grace(spec)
    ready = as_int(dig(obj, "spec", "minReadySeconds")) or 0
    if strategy_type(obj) == "OnDelete":
        return Rollout("OnDelete", 0, count, 1, count, True, start, stop, ready)
    partition = as_int(dig(obj, "spec", "updateStrategy", "rollingUpdate", "partition")) or 0
    replaced = max(count - partition, 0)
    return Rollout("RollingUpdate", replaced, count, 1, max(count - 1, 0), True, start, stop, ready, False, 0, 1)


def _per_node(
    strategy: Fields, nodes: int, start: int | None, stop: int, ready: int, kind: str = "RollingUpdate"
) -> Rollout:
    if kind == "OnDelete":
        return Rollout("OnDelete", 0, nodes, 1, nodes, True, start, stop, ready, True)
    rolling = mapping(strategy.get("rollingUpdate"))
    surge, down = _rolling(
        nodes, rolling.get("maxSurge", 0), rolling.get("maxUnavailable", 1), round_unavailable_up=True
    )
    down = min(down, nodes)
    return Rollout(
        "RollingUpdate", nodes, nodes, surge + down, nodes - down, surge == 0, start, stop, ready, True, surge, down
    )


def _daemonset(obj: Fields, nodes: int) -> Rollout:
    spec = pod_spec(obj)
    strategy = mapping(dig(obj, "spec", "updateStrategy"))
    ready = as_int(dig(obj, "spec", "minReadySeconds")) or 0
    return _per_node(strategy, nodes, start_seconds(spec), _grace(spec), ready, strategy_type(obj))


def _merged(defaults: object, values: object) -> object:
    """Values over the chart's defaults, mapping by mapping, as Helm coalesces them."""
    if isinstance(defaults, dict) and isinstance(values, dict):
        return {key: _merged(defaults.get(key), values.get(key, defaults.get(key))) for key in {*defaults, *values}}
    return values if values is not None else defaults


def _chart_daemonset(obj: Fields, nodes: int) -> Rollout | None:
    values = helmcharts.values_of(obj)
    if values is None or not helmcharts.per_node(values):
        return None
    merged = mapping(_merged(CHART_DEFAULTS, values))
    probe = merged.get("startupProbe") or merged.get("livenessProbe")
    timing = probes.timing(probe) if probe else None
    grace = as_int(dig(merged, "deployment", "terminationGracePeriodSeconds"))
    strategy = mapping(merged.get("updateStrategy"))
    ready = as_int(dig(merged, "deployment", "minReadySeconds")) or 0
    kind = str(strategy.get("type") or "RollingUpdate")
    stop = CHART_DEFAULTS["deployment"]["terminationGracePeriodSeconds"] if grace is None else grace
    return _per_node(strategy, nodes, timing.window_seconds if timing else None, stop, ready, kind)


def plan(obj: Fields, nodes: int | None) -> Rollout | None:
    """How a change to obj's pod template rolls out; nodes: how many nodes a per-node workload runs on.

    None for kinds that run no long-lived pods, and where a count the API server refuses (or an
    unknown node count) leaves it unknowable."""
    kind = obj.get("kind")
    if kind == "Deployment":
        return _deployment(obj)
    if kind == "StatefulSet":
        return _statefulset(obj)
    if kind == "DaemonSet" and nodes is not None:
        return _daemonset(obj, nodes)
    if kind == "HelmChartConfig" and nodes is not None:
        return _chart_daemonset(obj, nodes)
    return None


def surge_on_host_ports(obj: Fields, nodes: int) -> str | None:
    """Why a DaemonSet's rolling update cannot replace pods that hold host ports, or None when it can.

    A surged pod is created on the node beside the old one (update.go, SurgeCount); it needs the same
    host port, so the scheduler never places it and the rollout stalls. Such a DaemonSet must say
    maxSurge 0 and maxUnavailable of at least one pod (the API server refuses both 0)."""
    if obj.get("kind") != "DaemonSet" or strategy_type(obj) == "OnDelete":
        return None
    rolling = mapping(dig(obj, "spec", "updateStrategy", "rollingUpdate"))
    surge, unavailable = rolling.get("maxSurge", 0), rolling.get("maxUnavailable", 1)
    if not (_valid(surge) and _valid(unavailable)):
        return f"maxSurge {surge!r} / maxUnavailable {unavailable!r} is not a count or a percentage"
    surge_pods = intstr.scaled(surge, nodes, round_up=True)
    down = intstr.scaled(unavailable, nodes, round_up=True)
    if surge_pods > 0:
        return f"maxSurge {surge} starts a second pod on a node whose host ports the old pod still holds"
    if down < 1:
        return f"maxUnavailable {unavailable} with maxSurge 0 replaces no pod at all"
    return None
