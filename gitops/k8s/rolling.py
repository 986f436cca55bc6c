"""How a Deployment replaces its pods when its template changes: the fewest Ready on the way, and how long
a new pod may take to turn Ready.

- RollingUpdate (pkg/controller/deployment/rolling.go, deployment/util ResolveFenceposts): maxSurge is
  scaled by the replicas rounding up, maxUnavailable rounding down, both 25% when absent; when both
  come to 0, maxUnavailable is 1. At least replicas - maxUnavailable stay available.
- Recreate (recreate.go): every old pod is gone before a new one starts: 0 Ready in between.
- A new pod is Ready once its startup probe (else readiness) passes: at worst the startup window
  (probes.py) after it starts.
"""

from __future__ import annotations

from gitops.k8s import intstr, probes
from gitops.k8s.manifests import Fields
from gitops.k8s.workloads import dig, mapping, pod_spec, replicas, sequence, strategy_type

DEFAULT = "25%"


def _valid(value: object) -> bool:
    return intstr.is_count(value) or intstr.percent(value) is not None


def fewest_ready(obj: Fields) -> int | None:
    """The fewest Ready pods while a Deployment rolls (its own strategy); None for other kinds or bad counts."""
    count = replicas(obj)
    if obj.get("kind") != "Deployment" or count is None:
        return None
    if strategy_type(obj) == "Recreate":
        return 0
    rolling = mapping(dig(obj, "spec", "strategy", "rollingUpdate"))
    surge, unavailable = rolling.get("maxSurge", DEFAULT), rolling.get("maxUnavailable", DEFAULT)
    up = intstr.scaled(surge, count, round_up=True) if _valid(surge) else 0
    down = intstr.scaled(unavailable, count, round_up=False) if _valid(unavailable) else 1
    if up == 0 and down == 0:
        down = 1
    return max(count - min(down, count), 0)


def start_seconds(obj: Fields) -> int | None:
    """The longest a new pod of the workload may take to turn Ready: its slowest container's startup probe
    window, else its readiness window; None when a container has neither."""
    worst = 0
    for container in sequence(mapping(pod_spec(obj)).get("containers")):
        container = mapping(container)
        timing = probes.timing(container.get("startupProbe")) or probes.timing(container.get("readinessProbe"))
        if timing is None:
            return None
        worst = max(worst, timing.window_seconds)
    return worst
