"""Requests against the declared nodes with one lost (gitops/k8s/capacity.py), before and after."""

from __future__ import annotations

import json
from pathlib import Path

from tests import dist_copies
from tests.review.diff import kit as diffkit

DECLARATIONS = "honeydue-declarations"


def _api_requests(cpu: str):
    def change(obj: dict) -> None:
        dist_copies.container(obj, "api")["resources"]["requests"]["cpu"] = cpu

    return change


def test_requests_that_no_longer_fit_on_two_nodes_are_high(synthesized: Path, tmp_path: Path):
    before, after = diffkit.before_after(synthesized, tmp_path)
    dist_copies.edit(after, "Deployment", "api", _api_requests("2500m"))
    result = diffkit.compare(before, after)
    (cap,) = result.capacity
    cpu_before, cpu_after = cap.before.demand.cpu_millis, cap.after.demand.cpu_millis
    assert (cap.after.nodes_left, cap.after.supply.cpu_millis, cpu_after - cpu_before) == (2, 7000, 3 * 2250)
    headroom = cap.after.supply.cpu_millis - cpu_before
    assert diffkit.risks(result) == [
        (
            "high",
            "Deployment honeydue/api",
            "spec.template.spec.containers[api].resources.requests.cpu",
            f"cpu requests grow by 6750m to {cpu_after}m, more than the 7 allocatable on the 2 node(s) left after "
            f"losing ubuntu-8gb-nbg1-1 (headroom was {headroom}m): pods stay Pending while a node is down.",
        )
    ]


def test_more_replicas_point_at_spec_replicas(synthesized: Path, tmp_path: Path):
    before, after = diffkit.before_after(synthesized, tmp_path)
    dist_copies.edit(after, "Deployment", "api", lambda o: o["spec"].update(replicas=30))
    result = diffkit.compare(before, after)
    assert [(level, obj, field, message.split(" ", 1)[0]) for level, obj, field, message in diffkit.risks(result)] == [
        ("high", "Deployment honeydue/api", "spec.replicas", "cpu"),
        ("high", "Deployment honeydue/api", "spec.replicas", "memory"),
    ]


def test_an_increase_within_the_headroom_is_no_risk(synthesized: Path, tmp_path: Path):
    before, after = diffkit.before_after(synthesized, tmp_path)
    dist_copies.edit(after, "Deployment", "api", _api_requests("300m"))
    result = diffkit.compare(before, after)
    assert diffkit.risks(result) == []
    (cap,) = result.capacity
    assert cap.after.demand.cpu_millis - cap.before.demand.cpu_millis == 150


def test_an_increase_beyond_the_base_headroom_is_flagged_when_nodes_grew(synthesized: Path, tmp_path: Path):
    before, after = diffkit.before_after(synthesized, tmp_path)

    def bigger_nodes(obj: dict) -> None:
        cluster = json.loads(obj["data"]["cluster.json"])
        for node in cluster["nodes"]:
            node["cpu"] = "16"
        obj["data"]["cluster.json"] = json.dumps(cluster, indent=2)

    dist_copies.edit(after, "ConfigMap", DECLARATIONS, bigger_nodes)
    dist_copies.edit(after, "Deployment", "api", _api_requests("2500m"))
    result = diffkit.compare(before, after)
    (cap,) = result.capacity
    headroom = 7000 - cap.before.demand.cpu_millis
    assert diffkit.risks(result) == [
        (
            "high",
            "Deployment honeydue/api",
            "spec.template.spec.containers[api].resources.requests.cpu",
            f"cpu requests grow by 6750m, more than the {headroom}m of headroom the base had on the 2 node(s) left "
            "after losing ubuntu-8gb-nbg1-1.",
        )
    ]


def test_without_a_node_inventory_capacity_is_not_judged(synthesized: Path, tmp_path: Path):
    before, after = diffkit.before_after(synthesized, tmp_path)
    for side in (before, after):
        dist_copies.remove(side, "ConfigMap", DECLARATIONS)
    dist_copies.edit(after, "Deployment", "api", _api_requests("2500m"))
    result = diffkit.compare(before, after)
    assert (result.risks, result.capacity) == ([], [])
