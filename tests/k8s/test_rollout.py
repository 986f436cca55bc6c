"""Rollouts as the controllers run them: pods per wave, the fewest Ready, the worst-case time."""

from __future__ import annotations

from gitops.k8s import rollout


def _deployment(replicas: int, strategy: dict, **container: object) -> dict:
    spec = {"containers": [{"name": "app", "image": "app:1", **container}]}
    return {
        "kind": "Deployment",
        "spec": {"replicas": replicas, "strategy": strategy, "template": {"spec": spec}},
    }


STARTUP = {"startupProbe": {"periodSeconds": 5, "failureThreshold": 48}}  # 240 s, the api's


def test_a_surge_of_one_replaces_one_pod_per_wave_and_keeps_every_pod_ready():
    plan = rollout.plan(_deployment(3, {"rollingUpdate": {"maxSurge": 1, "maxUnavailable": 0}}, **STARTUP), None)
    assert (plan.pods, plan.per_wave, plan.waves, plan.fewest_ready, plan.stops_first) == (3, 1, 3, 3, False)
    assert (plan.wave_seconds, plan.worst_seconds) == (240, 720)


def test_the_api_defaults_round_surge_up_and_unavailable_down():
    # 25% of 10: surge 3 (2.5 up), unavailable 2 (2.5 down): 5 pods a wave, at least 8 Ready.
    plan = rollout.plan(_deployment(10, {}, **STARTUP), None)
    assert (plan.surge, plan.unavailable, plan.per_wave, plan.waves, plan.fewest_ready) == (3, 2, 5, 2, 8)
    # Both resolving to 0 makes maxUnavailable 1 (ResolveFenceposts).
    none = rollout.plan(_deployment(3, {"rollingUpdate": {"maxSurge": 0, "maxUnavailable": "10%"}}), None)
    assert (none.surge, none.unavailable, none.stops_first, none.fewest_ready) == (0, 1, True, 2)


def test_recreate_stops_every_pod_first():
    plan = rollout.plan(_deployment(1, {"type": "Recreate"}, livenessProbe={"periodSeconds": 20}), None)
    assert (plan.strategy, plan.per_wave, plan.waves, plan.fewest_ready) == ("Recreate", 1, 1, 0)
    assert plan.stops_first
    assert plan.worst_seconds == 30 + 60  # the grace period, then liveness's 3 x 20 s
    assert rollout.plan(_deployment(1, {"type": "Recreate"}), None).worst_seconds is None  # no probe bounds it


def test_a_statefulset_replaces_one_pod_at_a_time_above_its_partition():
    obj = {
        "kind": "StatefulSet",
        "spec": {"replicas": 4, "updateStrategy": {"rollingUpdate": {"partition": 1}}, "template": {"spec": {}}},
    }
    plan = rollout.plan(obj, None)
    assert (plan.pods, plan.per_wave, plan.fewest_ready, plan.stops_first) == (3, 1, 3, True)


def test_a_daemonset_rolls_node_by_node_and_needs_the_node_count():
    obj = {"kind": "DaemonSet", "spec": {"updateStrategy": {"rollingUpdate": {"maxUnavailable": "50%"}}}}
    assert rollout.plan(obj, None) is None
    plan = rollout.plan(obj, 3)
    assert (plan.per_node, plan.pods, plan.per_wave, plan.waves, plan.fewest_ready) == (True, 3, 2, 2, 1)


TRAEFIK = """\
deployment:
  kind: DaemonSet
updateStrategy:
  rollingUpdate:
    maxUnavailable: 1
    maxSurge: 0
"""


def test_a_helm_chart_daemonset_takes_the_values_over_the_charts_defaults():
    obj = {"kind": "HelmChartConfig", "spec": {"valuesContent": TRAEFIK}}
    plan = rollout.plan(obj, 3)
    # The chart's liveness probe (2 + 3 x 10 s) bounds a start; its 60 s grace period a stop.
    assert (plan.pods, plan.per_wave, plan.fewest_ready, plan.stops_first) == (3, 1, 2, True)
    assert (plan.start_seconds, plan.stop_seconds, plan.worst_seconds) == (32, 60, 3 * 92)
    # Only maxUnavailable given: the chart's maxSurge 1 stays (Helm merges values into the defaults).
    surging = {"kind": "HelmChartConfig", "spec": {"valuesContent": TRAEFIK.replace("    maxSurge: 0\n", "")}}
    assert rollout.plan(surging, 3).surge == 1
    assert rollout.plan({"kind": "HelmChartConfig", "spec": {"valuesContent": "ports: {}\n"}}, 3) is None
