"""The adopt drill's verdicts: every prediction of the plan against what the cluster did (no cluster needed)."""

from __future__ import annotations

from pathlib import Path

from gitops.adopt.model import Plan, Prediction
from gitops.rehearse.delivery import Delivered
from gitops.rehearse.drills import adopt
from gitops.rehearse.findings import DrillResult
from gitops.rehearse.sampler import Track


class Seen:
    """A sampler's results without a sampler."""

    def __init__(self, tracks: dict, services: dict) -> None:
        self.tracks, self.services = tracks, services


def verdict(predictions: list[Prediction], seen: adopt.Takeover, live: adopt.Live | None = None) -> DrillResult:
    plan = Plan("prod", "honeydue", ["live"], False, predictions=predictions)
    result = DrillResult("adopt")
    adopt.compare(plan, live or adopt.Live(), seen, result)
    return result


def takeover(**kwargs) -> adopt.Takeover:
    return adopt.Takeover(**kwargs)


def test_fewest_ready_above_the_plan_holds_below_it_is_a_plan_bug():
    track = Track("honeydue/api", 3, min_ready=2)
    seen = takeover(sampler=Seen({"honeydue/api": track}, {}))  # type: ignore[arg-type]
    result = verdict([Prediction("fewest-ready", "Deployment honeydue/api", 2, "")], seen)
    assert not result.findings and result.facts[0].text == "as planned: api fewest Ready 2/3"
    result = verdict([Prediction("fewest-ready", "Deployment honeydue/api", 3, "")], seen)
    [finding] = result.findings
    assert finding.what == "the plan said never below 3 Ready; the cluster: api fewest Ready 2/3"


def test_a_refused_unit_must_say_why():
    delivered = Delivered(checkout=Path(), commit="c", units=[("honeydue-infrastructure", None)])
    delivered.problems = [("Kustomization flux-system/honeydue-infrastructure", "not Ready: x field is immutable", [])]
    prediction = Prediction("unit-refused", "honeydue-infrastructure", ["field is immutable"], "")
    assert not verdict([prediction], takeover(delivered=delivered)).findings
    delivered.problems = [("Kustomization flux-system/honeydue-infrastructure", "not Ready: timeout", [])]
    assert verdict([prediction], takeover(delivered=delivered)).findings


def test_orphans_and_second_writers():
    seen = takeover(
        orphans=["ConfigMap honeydue/honeydue-config"],
        writers={"Service honeydue/api": ["kubectl-client-side-apply (Update)"]},
    )
    result = verdict(
        [
            Prediction("orphans", "honeydue", ["ConfigMap honeydue/honeydue-config"], ""),
            Prediction("managers", "honeydue", [], ""),
        ],
        seen,
    )
    assert [f.object for f in result.findings] == ["managers"]
    assert len(result.facts) == 1


def test_a_stale_budget_is_a_plan_bug_unless_the_step_was_left_out():
    stale = [
        "PodDisruptionBudget honeydue/worker counts 0 healthy of the 1 Ready pods it selects (0 disruptions allowed)"
    ]
    result = DrillResult("adopt")
    adopt.compare_budgets(takeover(stale=stale), result)
    assert [f.object for f in result.findings] == ["budgets"]
    result = DrillResult("adopt")
    adopt.compare_budgets(takeover(stale=stale, multiple=3, skipped=("budgets",)), result)
    assert not result.findings and result.facts[0].text.startswith("left out step 'budgets': 3 ")


def test_a_claim_kept_with_its_data(tmp_path):
    marker = tmp_path / "data"
    marker.write_text("x")
    live = adopt.Live(volumes={"honeydue/redis-pvc": ("pvc-1", "n2")}, markers={"honeydue/redis-pvc": marker})
    kept = Prediction("claim", "PersistentVolumeClaim honeydue/redis-pvc", "kept", "")
    assert not verdict([kept], takeover(volumes_after={"honeydue/redis-pvc": ("pvc-1", "n2")}), live).findings
    marker.unlink()
    assert verdict([kept], takeover(volumes_after={"honeydue/redis-pvc": ("pvc-1", "n2")}), live).findings
