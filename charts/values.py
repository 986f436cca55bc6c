"""Immutable cdk8s value objects, made once per value.

Every call into cdk8s or cdk8s-plus is a round trip to the Node.js process
jsii runs; at a few hundred services those round trips are most of synth's
time. Durations, sizes, CPU amounts, rollout strategies and node selections
never change once made, so one instance per distinct value serves every
construct.
"""

from __future__ import annotations

import functools

import cdk8s

from charts.plus import kplus
from gitops.k8s.probes import ProbeTiming


@functools.cache
def seconds(value: int) -> cdk8s.Duration:
    return cdk8s.Duration.seconds(value)


@functools.cache
def mebibytes(value: int) -> cdk8s.Size:
    return cdk8s.Size.mebibytes(value)


@functools.cache
def gibibytes(value: int) -> cdk8s.Size:
    return cdk8s.Size.gibibytes(value)


@functools.cache
def millicores(value: int) -> kplus.Cpu:
    return kplus.Cpu.millis(value)


@functools.cache
def int_or_string(value: int) -> kplus.k8s.IntOrString:
    return kplus.k8s.IntOrString.from_number(value)


@functools.cache
def recreate() -> kplus.DeploymentStrategy:
    return kplus.DeploymentStrategy.recreate()


@functools.cache
def rolling_update(max_surge: int, max_unavailable: int) -> kplus.DeploymentStrategy:
    return kplus.DeploymentStrategy.rolling_update(
        max_surge=kplus.PercentOrAbsolute.absolute(max_surge),
        max_unavailable=kplus.PercentOrAbsolute.absolute(max_unavailable),
    )


@functools.cache
def nodes_labeled(*labels: tuple[str, str]) -> kplus.LabeledNode:
    """Nodes carrying every (key, value) label given."""
    return kplus.Node.labeled(*(kplus.NodeLabelQuery.is_(key, value) for key, value in labels))


@functools.cache
def probe(kind: str, path: str | None, port: int, timing: ProbeTiming) -> kplus.Probe:
    """An HTTP GET (kind http) or TCP connect probe with the given timing."""
    period, timeout = seconds(timing.period_seconds), seconds(timing.timeout_seconds)
    failures = timing.failure_threshold
    if kind == "http":
        if path is None:
            raise ValueError("an HTTP probe needs a path")
        return kplus.Probe.from_http_get(
            path, port=port, period_seconds=period, failure_threshold=failures, timeout_seconds=timeout
        )
    return kplus.Probe.from_tcp_socket(
        port=port, period_seconds=period, failure_threshold=failures, timeout_seconds=timeout
    )


@functools.cache
def remove(path: str) -> cdk8s.JsonPatch:
    return cdk8s.JsonPatch.remove(path)


@functools.cache
def add_constant(path: str, value: bool | int | str) -> cdk8s.JsonPatch:
    """A patch adding a scalar (patches of structured values are made per object)."""
    return cdk8s.JsonPatch.add(path, value)
