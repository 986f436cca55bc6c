"""The capacity rule: requests against the nodes left after losing one, headroom always reported."""

from __future__ import annotations

import json
from pathlib import Path

from gitops.k8s import capacity, declared, manifests, requests
from gitops.k8s.quantities import format_cpu, format_memory
from gitops.review.check import report
from tests.dist_copies import edit, write
from tests.review.check.support import active, check, one


def _report(root: Path) -> capacity.Report:
    resources = manifests.load([root])
    return capacity.report(resources, declared.read(resources).cluster)


def test_prod_headroom_is_printed_even_when_it_fits(prod_copy: Path):
    outcome = check(prod_copy)
    expected = _report(prod_copy)
    assert active(outcome, "capacity") == []
    assert outcome.headroom.report == expected
    assert report.capacity_line(outcome.headroom) == (
        f"capacity: fits on the 2 node(s) left after losing ubuntu-8gb-nbg1-1: "
        f"CPU requests {format_cpu(expected.demand.cpu_millis)} of 7 allocatable "
        f"(headroom {format_cpu(expected.headroom.cpu_millis)}), "
        f"memory requests {format_memory(expected.demand.memory_bytes)} of 14Gi "
        f"(headroom {format_memory(expected.headroom.memory_bytes)})"
    )
    section = json.loads(report.as_json([outcome]))["sets"][0]["capacity"]
    assert section == {
        "checked": True,
        "fits": True,
        "nodesLeft": 2,
        "lostNode": "ubuntu-8gb-nbg1-1",
        "cpu": {
            "requestedMillis": expected.demand.cpu_millis,
            "allocatableMillis": 7000,
            "headroomMillis": 7000 - expected.demand.cpu_millis,
        },
        "memory": {
            "requestedBytes": expected.demand.memory_bytes,
            "allocatableBytes": 14 * 2**30,
            "headroomBytes": 14 * 2**30 - expected.demand.memory_bytes,
        },
    }


def test_prod_scaled_past_two_nodes(prod_copy: Path):
    edit(prod_copy, "Deployment", "api", lambda d: d["spec"].update({"replicas": 40}))
    expected = _report(prod_copy)
    finding = one(check(prod_copy), "capacity", "ConfigMap", "honeydue-declarations")
    assert finding.field == "data.cluster.json"
    assert finding.message == (
        "requests do not fit on the 2 node(s) left after losing ubuntu-8gb-nbg1-1: "
        f"CPU requests {format_cpu(expected.demand.cpu_millis)} > 7 allocatable "
        f"(short by {format_cpu(expected.demand.cpu_millis - 7000)}); "
        f"memory requests {format_memory(expected.demand.memory_bytes)} > 14Gi allocatable "
        f"(short by {format_memory(expected.demand.memory_bytes - 14 * 2**30)})"
    )


def _cluster(nodes: str, replicas: int, cpu: str) -> str:
    return f"""
apiVersion: v1
kind: ConfigMap
metadata:
  name: inventory
  namespace: app
  labels: {{app.kubernetes.io/component: declarations}}
data:
  cluster.json: '{{"nodes": [{nodes}], "systemReserved": {{"cpu": "0", "memory": "0"}}}}'
---
apiVersion: apps/v1
kind: Deployment
metadata: {{name: web, namespace: app}}
spec:
  replicas: {replicas}
  template:
    spec:
      containers: [{{name: web, image: "web:1.0.0", resources: {{requests: {{cpu: "{cpu}", memory: 1Gi}}}}}}]
"""


THREE_NODES = ", ".join(f'{{"name": "n{i}", "cpu": "2", "memory": "4Gi"}}' for i in (1, 2, 3))


def test_hand_written_inventory_that_fits_exactly(tmp_path: Path):
    write(tmp_path, "app.yaml", _cluster(THREE_NODES, 4, "1"))
    outcome = check(tmp_path)
    assert active(outcome, "capacity") == []
    assert report.capacity_line(outcome.headroom) == (
        "capacity: fits on the 2 node(s) left after losing n1: CPU requests 4 of 4 allocatable (headroom 0), "
        "memory requests 4Gi of 8Gi (headroom 4Gi)"
    )


def test_hand_written_inventory_one_replica_too_many(tmp_path: Path):
    write(tmp_path, "app.yaml", _cluster(THREE_NODES, 5, "1"))
    outcome = check(tmp_path)
    finding = one(outcome, "capacity", "ConfigMap", "inventory")
    assert finding.message == (
        "requests do not fit on the 2 node(s) left after losing n1: CPU requests 5 > 4 allocatable (short by 1)"
    )
    assert (
        "capacity: DOES NOT FIT on the 2 node(s) left after losing n1: CPU requests 5 of 4 allocatable "
        "(headroom -1)" in report.text([outcome])
    )


def test_pod_larger_than_the_smallest_remaining_node(tmp_path: Path):
    nodes = (
        '{"name": "big", "cpu": "4", "memory": "8Gi"}, {"name": "s1", "cpu": "2", "memory": "4Gi"}, '
        '{"name": "s2", "cpu": "2", "memory": "4Gi"}'
    )
    write(tmp_path, "app.yaml", _cluster(nodes, 1, "3"))
    finding = one(check(tmp_path), "capacity", "Deployment", "web")
    assert finding.field == "spec.template.spec.containers"
    assert finding.message == (
        "one pod requests more than the smallest node can allocate on the 2 node(s) left after losing big "
        "(CPU 3 > 2): it cannot be rescheduled"
    )


def test_without_inventory_capacity_is_reported_as_not_checked(tmp_path: Path):
    write(tmp_path, "app.yaml", _cluster(THREE_NODES, 50, "1").split("---", 1)[1])
    outcome = check(tmp_path)
    assert active(outcome, "capacity") == []
    assert outcome.headroom.report is None
    assert (
        "  capacity: not checked: no node inventory (no declarations ConfigMap with cluster.json in the set)\n"
        in report.text([outcome])
    )
    assert json.loads(report.as_json([outcome]))["sets"][0]["capacity"] == {
        "checked": False,
        "reason": "no node inventory (no declarations ConfigMap with cluster.json in the set)",
    }


def _requests(resource: str, cpu: str, memory: str) -> None:
    return lambda d: d["spec"]["template"]["spec"]["containers"][0]["resources"].update(
        {"requests": {"cpu": cpu, "memory": memory}}
    )


def test_totals_fit_but_the_volume_node_cannot_hold_its_share_of_the_spread(prod_copy: Path):
    # Found by the rehearsal: Redis (pinned to its volume's node) grown to 6656Mi leaves that node no
    # room for the one api pod the hostname spread puts on every node, though the totals fit.
    edit(prod_copy, "Deployment", "redis", _requests("redis", "100m", "6656Mi"))
    outcome = check(prod_copy)
    messages = sorted(f.message for f in active(outcome, "capacity"))
    assert messages == [
        # admin 100m/256Mi (2 pods on 2 nodes: one each), api 250m/512Mi, redis 100m/6656Mi, traefik 100m/128Mi
        "requests do not fit node by node on the 2 node(s) left after losing ubuntu-8gb-nbg1-1: node "
        "ubuntu-8gb-nbg1-2 must hold 550m CPU / 7552Mi (Deployment honeydue/admin, Deployment honeydue/api, "
        "Deployment honeydue/redis, HelmChartConfig kube-system/traefik) but allocates 3500m CPU / 7Gi",
        # 2 admin pods over 3 nodes: no node must hold one
        "requests do not fit node by node with every node up: node ubuntu-8gb-nbg1-2 must hold 450m CPU / "
        "7296Mi (Deployment honeydue/api, Deployment honeydue/redis, HelmChartConfig kube-system/traefik) "
        "but allocates 3500m CPU / 7Gi",
    ]
    assert _report(prod_copy).totals_fit and not _report(prod_copy).fits
    assert report.capacity_line(outcome.headroom).endswith(
        "; the totals fit, one node does not (see the capacity finding)"
    )


def test_totals_fit_but_the_spread_pod_left_over_after_a_loss_finds_no_node(prod_copy: Path):
    # Found by the rehearsal's lose-node drill: 3 api pods of 2 CPU fit 3 nodes and 7 CPU in total,
    # but on 2 nodes one of them must hold two.
    edit(prod_copy, "Deployment", "api", _requests("api", "2", "512Mi"))
    messages = [f.message for f in active(check(prod_copy), "capacity")]
    assert messages == [
        "requests do not fit node by node on the 2 node(s) left after losing ubuntu-8gb-nbg1-1: 1 of its 3 pods "
        "spread over 2 nodes need a node with room for one more (2 CPU / 512Mi) beyond each node's share; "
        "0 node(s) have it (free: ubuntu-8gb-nbg1-2 1200m CPU / 6016Mi, ubuntu-8gb-nbg1-3 1300m CPU / 6272Mi)",
    ]


def test_a_pod_pinned_to_the_lost_node_is_down_with_it_not_short_of_room(tmp_path: Path):
    from gitops.k8s import packing

    resources = manifests.load([write(tmp_path, "app.yaml", _cluster(THREE_NODES, 1, "2")).parent])
    pinned = requests.demands(resources)[0]
    pinned.resource.obj["spec"]["template"]["spec"]["nodeSelector"] = {"kubernetes.io/hostname": "n1"}
    room = requests.Requests(1000, 2**30)
    assert packing.shortfalls([pinned], {"n2": room, "n3": room}) == []
    (short,) = packing.shortfalls([pinned], {"n1": room, "n2": room})
    assert (short.node, short.workload) == ("n1", "Deployment app/web")
