"""Probe timings as the API server defaults them (gitops/k8s/probes.py), for charts, check and diff alike."""

from __future__ import annotations

import pytest

from gitops.k8s.probes import ProbeTiming, timing
from tests import inmemory


def test_the_api_defaults_of_a_probe():
    # SetDefaults_Probe, pkg/apis/core/v1/defaults.go: timeout 1, period 10, failureThreshold 3; no initial delay.
    assert timing({"httpGet": {"port": 80}}) == ProbeTiming(10, 3, 1, 0)
    assert ProbeTiming() == ProbeTiming(
        period_seconds=10, failure_threshold=3, timeout_seconds=1, initial_delay_seconds=0
    )
    assert timing({}).window_seconds == 30


@pytest.mark.parametrize(
    "probe, window",
    [
        ({"periodSeconds": 5, "failureThreshold": 24}, 120),
        ({"initialDelaySeconds": 15, "periodSeconds": 5, "failureThreshold": 2}, 25),
        ({"periodSeconds": 0, "failureThreshold": 0, "timeoutSeconds": 0}, 30),  # 0 is "not set": defaulted
    ],
)
def test_the_window_is_the_initial_delay_and_period_times_failures(probe, window):
    assert timing(probe).window_seconds == window


@pytest.mark.parametrize(
    "probe",
    [{"periodSeconds": "10"}, {"failureThreshold": -1}, {"periodSeconds": True}, {"initialDelaySeconds": 1.5}, "probe"],
)
def test_fields_the_api_server_refuses_give_no_timing(probe):
    assert timing(probe) is None


def _api(startup: dict, liveness: dict | None = None) -> dict:
    workload = inmemory.deployment("api", {"app": "api"})
    container = workload["spec"]["template"]["spec"]["containers"][0]
    container["startupProbe"] = {"httpGet": {"port": 80}, **startup}
    container["livenessProbe"] = {"httpGet": {"port": 80}, **(liveness or {})}
    return workload


def test_a_zero_period_is_the_default_ten_seconds_in_check_and_diff_alike():
    # Both read periodSeconds: 0 as a window of 0 s; the API server stores it as 10.
    zero = {"periodSeconds": 0, "failureThreshold": 5}
    assert inmemory.check_findings([_api(zero, {"initialDelaySeconds": 45})], "startup-probe") == []
    before = _api({"periodSeconds": 10, "failureThreshold": 5})
    assert [r for r in inmemory.diff_risks([before], [_api(zero)]) if "startupProbe" in r[2]] == []


def test_a_probe_number_written_as_text_is_refused_in_check_and_diff_alike():
    # check read "5" as 5 and diff int("5"); the API server does not decode text into an int32.
    text = {"periodSeconds": "1", "failureThreshold": 5}
    assert inmemory.check_findings([_api(text, {"initialDelaySeconds": 45})], "startup-probe") == []
    before = _api({"periodSeconds": 10, "failureThreshold": 5})
    assert [r for r in inmemory.diff_risks([before], [_api(text)]) if "startupProbe" in r[2]] == []
