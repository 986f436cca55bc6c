"""The fewest Ready while a Deployment rolls (gitops/k8s/rolling.py)."""

from __future__ import annotations

import pytest

from gitops.k8s import rolling


def deployment(replicas: int, strategy: dict | None) -> dict:
    spec: dict = {"replicas": replicas, "template": {"spec": {"containers": [{"name": "a"}]}}}
    if strategy is not None:
        spec["strategy"] = strategy
    return {"kind": "Deployment", "spec": spec}


@pytest.mark.parametrize(
    ("replicas", "strategy", "fewest"),
    [
        (3, {"type": "RollingUpdate", "rollingUpdate": {"maxSurge": 1, "maxUnavailable": 0}}, 3),
        (3, None, 3),  # 25% of 3 rounds down to 0 unavailable
        (4, None, 3),
        (1, {"type": "Recreate"}, 0),
        (2, {"type": "RollingUpdate", "rollingUpdate": {"maxSurge": 0, "maxUnavailable": 0}}, 1),
    ],
)
def test_fewest_ready(replicas, strategy, fewest):
    assert rolling.fewest_ready(deployment(replicas, strategy)) == fewest


def test_start_seconds_is_the_startup_window():
    obj = deployment(1, None)
    obj["spec"]["template"]["spec"]["containers"][0]["startupProbe"] = {"periodSeconds": 5, "failureThreshold": 48}
    assert rolling.start_seconds(obj) == 240
    assert rolling.start_seconds(deployment(1, None)) is None
