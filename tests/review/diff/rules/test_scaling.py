"""Replicas to zero, singletons that stop being single, start-up windows that shrink."""

from __future__ import annotations

from pathlib import Path

from tests import dist_copies
from tests.review.diff import kit as diffkit


def _replicas(count: int):
    def change(obj: dict) -> None:
        obj["spec"]["replicas"] = count

    return change


def test_scaling_to_zero_is_high(synthesized: Path, tmp_path: Path):
    before, after = diffkit.before_after(synthesized, tmp_path)
    dist_copies.edit(after, "Deployment", "admin", _replicas(0))
    assert diffkit.risks_of(diffkit.compare(before, after), "Deployment", "admin") == [
        ("high", "spec.replicas", "scaled from 2 to 0: every pod of it stops."),
    ]


def test_scaling_the_singleton_worker_is_high(synthesized: Path, tmp_path: Path):
    before, after = diffkit.before_after(synthesized, tmp_path)
    dist_copies.edit(after, "Deployment", "worker", _replicas(2))
    assert diffkit.risks(diffkit.compare(before, after)) == [
        (
            "high",
            "Deployment honeydue/worker",
            "spec.replicas",
            "the base runs it as a singleton (1 replica, Recreate): 2 copies will now run at the same time. Seen "
            "before: the migration's two workers: Asynq's scheduler is a singleton, and each copy enqueued every "
            "periodic job, so every job ran twice.",
        )
    ]


def test_scaling_a_rolling_deployment_is_not_a_singleton_risk(synthesized: Path, tmp_path: Path):
    before, after = diffkit.before_after(synthesized, tmp_path)
    dist_copies.edit(before, "Deployment", "admin", _replicas(1))
    dist_copies.edit(after, "Deployment", "admin", _replicas(3))
    assert diffkit.risks_of(diffkit.compare(before, after), "Deployment", "admin") == []


def test_a_singleton_losing_recreate_overlaps_during_rollouts(synthesized: Path, tmp_path: Path):
    before, after = diffkit.before_after(synthesized, tmp_path)
    dist_copies.edit(after, "Deployment", "worker", lambda o: o["spec"].update(strategy={"type": "RollingUpdate"}))
    assert diffkit.risks(diffkit.compare(before, after)) == [
        (
            "high",
            "Deployment honeydue/worker",
            "spec.strategy.type",
            "a singleton (1 replica) loses Recreate: every rollout starts the new pod before the old one stops, so two "
            "copies overlap. Seen before: the migration's two workers: Asynq's scheduler is a singleton, and each copy "
            "enqueued every periodic job, so every job ran twice.",
        )
    ]
    no_surge = {"type": "RollingUpdate", "rollingUpdate": {"maxSurge": 0, "maxUnavailable": 1}}
    dist_copies.edit(after, "Deployment", "worker", lambda o: o["spec"].update(strategy=no_surge))
    assert diffkit.risks(diffkit.compare(before, after)) == []


STARTUP_INCIDENT = (
    "Seen before: the migration's API restarts: MigrateWithLock serializes the replicas' first boot and can take "
    "240 s, and a startup probe of 12 × 5 s killed the API mid-migration, over and over."
)


def _threshold(count: int):
    return lambda o: dist_copies.container(o, "api")["startupProbe"].update(failureThreshold=count)


def test_a_startup_window_below_the_declared_slowest_start_is_high_and_names_the_incident(
    synthesized: Path, tmp_path: Path
):
    before, after = diffkit.before_after(synthesized, tmp_path)
    dist_copies.edit(after, "Deployment", "api", _threshold(12))
    assert diffkit.risks(diffkit.compare(before, after)) == [
        (
            "high",
            "Deployment honeydue/api",
            "spec.template.spec.containers[api].startupProbe",
            "the time the container may take to start shrinks from 240 s to 60 s, below the 240 s it declares as its "
            "slowest start: a start that slow is killed and restarted before it answers, over and over. "
            + STARTUP_INCIDENT,
        )
    ]


def test_lowering_startup_seconds_in_config_does_not_make_the_api_start_faster(synthesized: Path, tmp_path: Path):
    """The declaration the base carried still counts when the change lowers it with the window."""

    def faster(config: Path) -> None:
        diffkit.replace_in(config / "base.yaml", "startupSeconds: 240", "startupSeconds: 60")

    assert diffkit.risks(diffkit.config_edit(synthesized, tmp_path, faster)) == [
        (
            "high",
            "Deployment honeydue/api",
            "spec.template.spec.containers[api].startupProbe",
            "the time the container may take to start shrinks from 240 s to 60 s, below the 240 s it declares as its "
            "slowest start: a start that slow is killed and restarted before it answers, over and over. "
            + STARTUP_INCIDENT,
        )
    ]


def test_a_window_that_shrinks_but_still_covers_the_declared_start_is_medium(synthesized: Path, tmp_path: Path):
    before, after = diffkit.before_after(synthesized, tmp_path)
    dist_copies.edit(before, "Deployment", "api", _threshold(60))
    dist_copies.edit(after, "Deployment", "api", _threshold(50))
    assert diffkit.risks(diffkit.compare(before, after)) == [
        (
            "medium",
            "Deployment honeydue/api",
            "spec.template.spec.containers[api].startupProbe",
            "the time the container may take to start shrinks from 300 s to 250 s: a slower start gets it killed and "
            "restarted, over and over.",
        )
    ]
