"""Drill arithmetic without a cluster: spread, singletons, and what the sampler records."""

from __future__ import annotations

from gitops.rehearse.drills.converge import spread_problem
from gitops.rehearse.sampler import Track

SPREAD = {"topologyKey": "kubernetes.io/hostname", "whenUnsatisfiable": "DoNotSchedule", "maxSkew": 1}


def _deployment(replicas: int, spread: bool = True, strategy: str = "RollingUpdate") -> dict:
    template = {"topologySpreadConstraints": [SPREAD]} if spread else {}
    return {
        "kind": "Deployment",
        "metadata": {"name": "api", "namespace": "honeydue"},
        "spec": {"replicas": replicas, "strategy": {"type": strategy}, "template": {"spec": template}},
    }


def _pods(*nodes: str) -> list[dict]:
    return [
        {"metadata": {"name": f"p{i}"}, "spec": {"nodeName": n}, "status": {"phase": "Running"}}
        for i, n in enumerate(nodes)
    ]


def test_three_replicas_on_three_nodes_hold_the_spread():
    assert spread_problem(_deployment(3), _pods("n1", "n2", "n3"), 3) is None


def test_two_replicas_on_one_node_break_the_spread():
    assert spread_problem(_deployment(3), _pods("n1", "n1", "n3"), 3) == (
        "3 pod(s) on 2 node(s) (n1: 2, n3: 1); the spread promises 3 different nodes"
    )


def test_more_replicas_than_nodes_need_only_every_node():
    assert spread_problem(_deployment(4), _pods("n1", "n1", "n2"), 2) is None


def test_no_spread_promises_nothing():
    assert spread_problem(_deployment(3, spread=False), _pods("n1", "n1", "n1"), 3) is None


def test_track_records_minimum_ready_maximum_alive_and_time_at_zero():
    track = Track("honeydue/redis", 1)
    track.observe(1, 1, {"n2"}, now=0.0)
    track.observe(0, 1, {"n2"}, now=1.0)
    track.observe(0, 0, set(), now=3.0)
    track.observe(1, 1, {"n2"}, now=5.5)
    track.close(now=6.0)
    assert (track.min_ready, track.max_alive, track.zero_seconds, track.zero_nodes) == (0, 1, 4.5, {"n2"})


def _tracked(name: str, replicas: int, min_ready: int, max_alive: int) -> Track:
    track = Track(name, replicas)
    track.min_ready, track.max_alive = min_ready, max_alive
    return track


def test_rollout_report_words_and_broken_promises():
    from gitops.rehearse.drills.rollout import judge
    from gitops.rehearse.findings import DrillResult

    result = DrillResult("rollout")
    assert judge(result, _deployment(3), _tracked("honeydue/api", 3, 3, 4)) == "api: never below 3 ready"
    assert (
        judge(result, _deployment(1, strategy="Recreate"), _tracked("honeydue/api", 1, 0, 1)) == "api: never 2 at once"
    )
    assert result.findings == []
    assert judge(result, _deployment(3), _tracked("honeydue/api", 3, 0, 4)) == "api: never below 0 ready"
    assert judge(result, _deployment(1, strategy="Recreate"), _tracked("honeydue/api", 1, 0, 2)) == "api: 2 at once"
    assert [(f.object, f.what) for f in result.findings] == [
        ("Deployment honeydue/api", "all 3 replicas down during the rollout"),
        ("Deployment honeydue/api", "singleton ran 2 pods at once during the rollout"),
    ]
