"""The lose-node drill's arithmetic and words: which nodes, and what agreeing or not with check says."""

from __future__ import annotations

from pathlib import Path

from gitops.k8s import capacity, declared, manifests, requests
from gitops.k8s.requests import pod_requests
from gitops.rehearse.drills import lose_node
from gitops.rehearse.findings import DrillResult
from gitops.rehearse.sampler import Track

CHECK_LINE = "capacity: fits on the 2 node(s) left after losing n1: ..."
API = "0/3 nodes are available: 2 Insufficient cpu."


def _inventory(synthesized: Path, env: str):
    resources = manifests.load([synthesized / env])
    return declared.read(resources).cluster, resources


def test_lose_checks_node_then_every_node_a_deployment_is_pinned_to(synthesized: Path):
    inventory, resources = _inventory(synthesized, "prod")
    assert [(loss.node, loss.checked) for loss in lose_node.losses(inventory, resources, "ubuntu-8gb-nbg1-1")] == [
        ("ubuntu-8gb-nbg1-1", True),
        ("ubuntu-8gb-nbg1-2", False),
    ]
    assert lose_node.losses(inventory, resources, "ubuntu-8gb-nbg1-2")[1:] == []


def test_one_node_has_nothing_to_lose(synthesized: Path):
    inventory, resources = _inventory(synthesized, "staging")
    assert lose_node.losses(inventory, resources, None) == []


class _Sampler:
    def __init__(self, *tracks: Track) -> None:
        self.tracks = {t.name: t for t in tracks}


def _track(name: str, replicas: int, min_ready: int, max_alive: int) -> Track:
    track = Track(name, replicas)
    track.min_ready, track.max_alive = min_ready, max_alive
    return track


def _prediction(fits: bool):
    report = capacity.Report(
        lost="n1",
        nodes_left=2,
        supply=requests.Requests(),
        demand=requests.Requests(1 if not fits else 0),
        largest_pod=requests.Requests(),
        smallest_node=requests.Requests(),
        workloads=[],
    )
    return report, CHECK_LINE


def _aftermath(pending: dict | None = None, pinned: list[str] | None = None) -> lose_node.Aftermath:
    return lose_node.Aftermath(
        detected=11.0, settled=14.0, returned=5.0, pending=pending or {}, pinned_down=pinned or []
    )


LOSS = lose_node.Loss("n1", "the largest", True)
STUCK = {
    "honeydue/api": [
        (API, pod_requests({"containers": [{"resources": {"requests": {"cpu": "1", "memory": "512Mi"}}}]}))
    ]
}


def _judge(aftermath, prediction, *tracks) -> DrillResult:
    result = DrillResult("lose-node")
    lose_node.judge(result, LOSS, aftermath, _Sampler(*tracks), prediction)
    return result


def test_agreeing_with_check_is_a_fact():
    result = _judge(_aftermath(), _prediction(True), _track("honeydue/api", 3, 2, 3))
    assert result.findings == []
    assert [f.text for f in result.facts] == [
        f"lost n1 (the largest): everything else rescheduled within 14 s, as check's capacity line predicts "
        f"({CHECK_LINE})"
    ]


def test_check_says_it_fits_and_the_cluster_disagrees():
    (finding,) = _judge(_aftermath(STUCK), _prediction(True)).findings
    assert finding.object == "Node n1"
    assert finding.what == (
        "lost: check's capacity line says everything fits, the cluster could not reschedule "
        f"1 pod (1 CPU / 512Mi of requests); check: {CHECK_LINE}"
    )
    assert finding.events == (f"honeydue/api: {API}",)


def test_check_says_it_does_not_fit_and_the_cluster_disagrees():
    (finding,) = _judge(_aftermath(), _prediction(False)).findings
    assert finding.what == (
        f"lost: check's capacity line says it does not fit, the cluster rescheduled every pod; check: {CHECK_LINE}"
    )


def test_both_say_it_does_not_fit():
    (finding,) = _judge(_aftermath(STUCK), _prediction(False)).findings
    assert finding.what == "lost: 1 pod (1 CPU / 512Mi of requests) not rescheduled, as check's capacity line predicts"


def test_a_pinned_pod_is_a_fact_and_a_singleton_twice_alive_is_said():
    pinned = {
        "honeydue/redis": [
            ("0/3 nodes are available: 1 node(s) had volume node affinity conflict.", requests.Requests(100, 2**28))
        ]
    }
    result = _judge(_aftermath(pinned, ["honeydue/redis"]), _prediction(True), _track("honeydue/worker", 1, 0, 2))
    assert result.findings == []
    assert [f.text for f in result.facts] == [
        "Deployment honeydue/redis cannot leave n1: it is pinned there (its volume lives on that node), so it is "
        "down until the node returns",
        f"lost n1 (the largest): everything else rescheduled within 14 s, as check's capacity line predicts "
        f"({CHECK_LINE})",
        "Deployment honeydue/worker: its replacement started while the pod on n1 was still Terminating (an "
        "unreachable kubelet never confirms): on a real partition both may run",
    ]


def test_a_node_never_noticed_lost_and_replicas_all_down_fail():
    aftermath = lose_node.Aftermath(detected=None)
    (finding,) = _judge(aftermath, _prediction(True)).findings
    assert finding.what == "still Ready 60 s after its heartbeat stopped"
    (down,) = _judge(_aftermath(), _prediction(True), _track("honeydue/admin", 2, 0, 2)).findings
    assert (down.object, down.what) == ("Deployment honeydue/admin", "all 2 replicas down while n1 was lost")
