"""Probe timings derived from how long a service may take to start.

A startup probe holds off liveness until the app first answers; its window
(period x failure threshold) must cover the slowest real start, or Kubernetes
kills pods that were about to come up. That is how the API's first boot
(MigrateWithLock across three replicas, up to 240 s) and the admin panel
(about 120 s) were lost in the migration.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from gitops.config.model import ProbePolicy
from gitops.k8s.probes import ProbeTiming


@dataclass(frozen=True)
class ProbePlan:
    startup: ProbeTiming
    readiness: ProbeTiming
    liveness: ProbeTiming


def plan(startup_seconds: int, policy: ProbePolicy) -> ProbePlan:
    period = policy.startup_period_seconds
    return ProbePlan(
        startup=ProbeTiming(period, math.ceil(startup_seconds / period), policy.timeout_seconds),
        readiness=ProbeTiming(policy.readiness_period_seconds, policy.readiness_failures, policy.timeout_seconds),
        liveness=ProbeTiming(policy.liveness_period_seconds, policy.liveness_failures, policy.timeout_seconds),
    )


def progress_deadline_seconds(startup_seconds: int) -> int:
    """Rollout progress deadline: the Kubernetes default of 600 s unless one pod's start needs longer."""
    return max(600, 2 * startup_seconds)
