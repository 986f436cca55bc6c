"""Probe timings derived from how long a service may take to start.

A startup probe holds off liveness until the app first answers; its window
(period x failure threshold) must cover the slowest real start, or Kubernetes
kills pods that were about to come up. That is how the API's first boot
(MigrateWithLock across three replicas, up to 240 s) and the admin panel
(about 120 s) were lost in the migration.

What each probe checks comes from health in config: readiness checks the
health path; liveness checks it too only where the service says the path
checks the process alone (checksDependencies: false). Otherwise liveness
checks livenessPath, or connects to the port: a check that fails while the
database or Redis is down would restart every pod at once and fix nothing.
The startup probe runs the liveness check, since it is what holds liveness
off, and a dependency that is down while a pod starts must not kill it either.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

from gitops.config.model import Health, ProbePolicy
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


@dataclass(frozen=True)
class Check:
    """What one probe checks: an HTTP GET of path, or a TCP connect to the port."""

    kind: Literal["http", "tcp"]
    path: str | None = None


@dataclass(frozen=True)
class Checks:
    readiness: Check
    liveness: Check  # the startup probe's too

    @property
    def shared(self) -> bool:
        """Liveness runs the readiness check (the service says its health path checks the process alone)."""
        return self.liveness == self.readiness and self.readiness.kind == "http"


def checks(health: Health) -> Checks | None:
    """The readiness and liveness checks config's health asks for; None for kind: none."""
    if health.kind == "none":
        return None
    if health.kind == "tcp":
        return Checks(Check("tcp"), Check("tcp"))
    readiness = Check("http", health.path)
    if not health.checks_dependencies:
        return Checks(readiness, readiness)
    if health.liveness_path is not None:
        return Checks(readiness, Check("http", health.liveness_path))
    return Checks(readiness, Check("tcp"))


def progress_deadline_seconds(startup_seconds: int) -> int:
    """Rollout progress deadline: the Kubernetes default of 600 s unless one pod's start needs longer."""
    return max(600, 2 * startup_seconds)
