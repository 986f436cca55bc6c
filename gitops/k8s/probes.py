"""Container probes and the time they give a container, as the API server defaults them and the kubelet runs them.

The one definition for charts/ (which derives probe timings from config),
`main.py check` (startup-probe) and `main.py diff` (shrinking start-up time).

Defaults are SetDefaults_Probe's (pkg/apis/core/v1/defaults.go, documented on
Probe in k8s.io/api/core/v1/types.go): timeoutSeconds 1, periodSeconds 10,
successThreshold 1, failureThreshold 3, each applied when the field is absent
or 0; initialDelaySeconds has none, so it is 0. The fields are int32: text
such as "10" does not decode, and validation refuses a negative value, so the
API server rejects such a probe.

A probe that keeps failing has its container acted on after
initialDelaySeconds + periodSeconds x failureThreshold: the window below.
"""

from __future__ import annotations

from dataclasses import dataclass

from gitops.k8s.manifests import Fields

DEFAULT_TIMEOUT_SECONDS = 1
DEFAULT_PERIOD_SECONDS = 10
DEFAULT_FAILURE_THRESHOLD = 3


@dataclass(frozen=True)
class ProbeTiming:
    period_seconds: int = DEFAULT_PERIOD_SECONDS
    failure_threshold: int = DEFAULT_FAILURE_THRESHOLD
    timeout_seconds: int = DEFAULT_TIMEOUT_SECONDS
    initial_delay_seconds: int = 0

    @property
    def window_seconds(self) -> int:
        """How long the probe may keep failing before Kubernetes acts."""
        return self.initial_delay_seconds + self.period_seconds * self.failure_threshold


def _field(probe: Fields, key: str, default: int) -> int | None:
    value = probe.get(key)
    if value is None:
        return default
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        return None
    return value or default


def timing(probe: object) -> ProbeTiming | None:
    """A probe's timing as the API server stores it; None when it is no probe or a field is refused."""
    if not isinstance(probe, dict):
        return None
    period = _field(probe, "periodSeconds", DEFAULT_PERIOD_SECONDS)
    failures = _field(probe, "failureThreshold", DEFAULT_FAILURE_THRESHOLD)
    timeout = _field(probe, "timeoutSeconds", DEFAULT_TIMEOUT_SECONDS)
    delay = _field(probe, "initialDelaySeconds", 0)
    if period is None or failures is None or timeout is None or delay is None:
        return None
    return ProbeTiming(period, failures, timeout, delay)


def start_window(container: Fields) -> tuple[str, int] | None:
    """Seconds the kubelet lets a container start before it kills and restarts it, and the probe that decides:
    the startupProbe's window, else the livenessProbe's (which runs from the start when there is no
    startupProbe); None when neither is there (nothing bounds the start) or the deciding probe is refused."""
    for name in ("startupProbe", "livenessProbe"):
        probe = container.get(name)
        if isinstance(probe, dict):
            found = timing(probe)
            return None if found is None else (name, found.window_seconds)
    return None


# What a probe checks, as against when: the handler (exactly one of these, core/v1 ProbeHandler).
HANDLERS = ("exec", "httpGet", "tcpSocket", "grpc")


def check_of(probe: object) -> Fields | None:
    """The handler of a probe ({"httpGet": {...}}), without its timing; None when it is no probe or has none."""
    if not isinstance(probe, dict):
        return None
    found = {key: probe[key] for key in HANDLERS if key in probe}
    return found or None


def same_check(first: object, second: object) -> bool:
    """Whether two probes run the same check (timing aside): liveness that is readiness restarts the pod for
    whatever makes it unready."""
    check = check_of(first)
    return check is not None and check == check_of(second)


def self_contained(probe: object) -> bool:
    """Whether the probe's check depends on nothing but the container: a TCP connect reaches the container's
    own listener and runs no application code that could call another service."""
    check = check_of(probe)
    return check is not None and set(check) == {"tcpSocket"}
