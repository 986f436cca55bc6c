"""Disruption budgets that start blocking node drains."""

from __future__ import annotations

from pathlib import Path

from gitops.k8s.budgets import Pods, allowed_evictions
from gitops.k8s.selectors import selects
from tests import dist_copies
from tests.review.diff import kit as diffkit

PDB = "PodDisruptionBudget"
BLOCKS = (
    "a node drain (k3s upgrade, reboot) waits forever. Seen before: the migration's worker budget: minAvailable 1 "
    "on its single replica allowed no eviction, and every node drain (k3s upgrade, reboot) hung on it."
)


def _min_available(value: object):
    def change(obj: dict) -> None:
        obj["spec"].pop("maxUnavailable", None)
        obj["spec"]["minAvailable"] = value

    return change


def test_a_budget_that_allows_no_eviction_of_the_worker_is_flagged(synthesized: Path, tmp_path: Path):
    before, after = diffkit.before_after(synthesized, tmp_path)
    dist_copies.edit(after, PDB, "worker", _min_available(1))
    assert diffkit.risks(diffkit.compare(before, after)) == [
        (
            "high",
            f"{PDB} honeydue/worker",
            "spec.minAvailable",
            "minAvailable 1 allows 0 voluntary evictions at 1 expected pod(s) (Deployment honeydue/worker: 1 "
            f"replica(s)): {BLOCKS}",
        )
    ]


def test_a_workload_scaled_down_under_its_budget_is_flagged_on_the_budget(synthesized: Path, tmp_path: Path):
    before, after = diffkit.before_after(synthesized, tmp_path)
    for side in (before, after):
        dist_copies.edit(side, PDB, "admin", _min_available("50%"))
    dist_copies.edit(after, "Deployment", "admin", lambda o: o["spec"].update(replicas=1))
    assert diffkit.risks(diffkit.compare(before, after)) == [
        (
            "high",
            f"{PDB} honeydue/admin",
            "spec.minAvailable",
            "minAvailable 50% allows 0 voluntary evictions at 1 expected pod(s) (Deployment honeydue/admin: 1 "
            f"replica(s)): {BLOCKS}",
        )
    ]


def test_a_budget_that_already_blocked_is_not_news(synthesized: Path, tmp_path: Path):
    before, after = diffkit.before_after(synthesized, tmp_path)
    for side in (before, after):
        dist_copies.edit(side, PDB, "worker", _min_available(1))
    dist_copies.edit(after, PDB, "worker", lambda o: o["metadata"]["labels"].update(team="jobs"))
    assert diffkit.risks(diffkit.compare(before, after)) == []


def test_percentages_round_up_and_selectors_follow_label_rules():
    assert allowed_evictions({"maxUnavailable": "10%"}, Pods(scaled=3)) == 1
    assert allowed_evictions({"minAvailable": "50%"}, Pods(scaled=3)) == 1
    assert allowed_evictions({"maxUnavailable": 0}, Pods(scaled=3)) == 0
    labels = {"app": "api", "tier": "web"}
    assert selects({"matchLabels": {"app": "api"}}, labels)
    assert selects({}, labels)
    assert not selects(None, labels)
    assert not selects({"matchExpressions": [{"key": "tier", "operator": "NotIn", "values": ["web"]}]}, labels)
    assert selects({"matchExpressions": [{"key": "zone", "operator": "DoesNotExist"}]}, labels)
