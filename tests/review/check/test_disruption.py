"""Disruption-budget rules of `main.py check` (gitops/review/check/disruption.py), on copies of real output."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.dist_copies import edit, write
from tests.review.check.support import active, check, one


def test_pdb_selecting_no_workload(prod_copy: Path):
    edit(
        prod_copy,
        "PodDisruptionBudget",
        "api",
        lambda p: p["spec"]["selector"]["matchLabels"].update({"app.kubernetes.io/name": "apx"}),
    )
    finding = one(check(prod_copy), "pdb-selector", "PodDisruptionBudget", "api")
    assert finding.message == (
        "selector app.kubernetes.io/instance=honeydue-prod, app.kubernetes.io/name=apx selects the pods of no workload "
        "in namespace honeydue (workloads there: Deployment honeydue/admin, Deployment honeydue/api, "
        "Deployment honeydue/redis, Deployment honeydue/worker)"
    )


def test_pdb_selector_with_match_expressions(prod_copy: Path):
    def expressions(pdb: dict) -> None:
        pdb["spec"]["selector"] = {
            "matchExpressions": [
                {"key": "app.kubernetes.io/name", "operator": "In", "values": ["api"]},
                {"key": "app.kubernetes.io/instance", "operator": "Exists"},
            ]
        }

    edit(prod_copy, "PodDisruptionBudget", "api", expressions)
    outcome = check(prod_copy)
    assert active(outcome, "pdb-selector") == []
    assert active(outcome, "pdb-overlap") == []


def _budget(**spec):
    def change(pdb: dict) -> None:
        pdb["spec"].pop("maxUnavailable", None)
        pdb["spec"].update(spec)

    return change


def test_the_worker_budget_min_available_1_blocks_drains(prod_copy: Path):
    edit(prod_copy, "PodDisruptionBudget", "worker", _budget(minAvailable=1))
    finding = one(check(prod_copy), "pdb-blocks-drain", "PodDisruptionBudget", "worker")
    assert finding.field == "spec.minAvailable"
    assert finding.message == (
        "minAvailable 1 allows 0 voluntary evictions at 1 expected pod(s) (Deployment honeydue/worker: 1 replica(s)): "
        "a node drain (k3s upgrade, reboot) waits forever"
    )


@pytest.mark.parametrize(
    "spec, blocks",
    [
        ({"maxUnavailable": 0}, True),
        ({"minAvailable": 3}, True),
        ({"minAvailable": "100%"}, True),
        ({"minAvailable": "67%"}, True),  # ceil(2.01) = 3 of 3
        ({"minAvailable": "66%"}, False),  # ceil(1.98) = 2 of 3
        ({"minAvailable": 2}, False),
        ({"maxUnavailable": "10%"}, False),  # rounds up to 1
        ({"maxUnavailable": 1}, False),
    ],
)
def test_budget_arithmetic_at_three_replicas(prod_copy: Path, spec: dict, blocks: bool):
    edit(prod_copy, "PodDisruptionBudget", "api", _budget(**spec))
    found = [f for f in active(check(prod_copy), "pdb-blocks-drain") if f.name == "api"]
    assert bool(found) is blocks


def test_budget_value_that_is_not_a_number(prod_copy: Path):
    # diff said nothing about it; both now say what the API server says (tests/k8s/test_budgets.py).
    edit(prod_copy, "PodDisruptionBudget", "api", _budget(minAvailable="half"))
    finding = one(check(prod_copy), "pdb-blocks-drain", "PodDisruptionBudget", "api")
    assert finding.field == "spec.minAvailable"
    assert finding.message == (
        "minAvailable 'half' is neither a whole number nor a whole-number percentage such as \"50%\": "
        "the API server rejects the budget"
    )
    assert finding.fix == 'set one of maxUnavailable or minAvailable, to a whole number or a percentage such as "50%"'


def test_two_budgets_over_one_workload(prod_copy: Path):
    write(
        prod_copy / "apps",
        "extra-pdb.yaml",
        """
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata: {name: api-extra, namespace: honeydue}
spec:
  maxUnavailable: 1
  selector: {matchLabels: {app.kubernetes.io/name: api}}
""",
    )
    outcome = check(prod_copy)
    extra = one(outcome, "pdb-overlap", "PodDisruptionBudget", "api-extra")
    assert extra.message == "the pods of Deployment honeydue/api are also selected by PodDisruptionBudget honeydue/api"
    assert one(outcome, "pdb-overlap", "PodDisruptionBudget", "api").message == (
        "the pods of Deployment honeydue/api are also selected by PodDisruptionBudget honeydue/api-extra"
    )
