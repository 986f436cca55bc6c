"""Reading an Application's status as Argo CD v3.2.11 writes it (shapes copied from a rehearsal's Applications)."""

from __future__ import annotations

from gitops.rehearse import argostate

COMMIT = "69b953e3a8f9cf0fa28feb179626369d27ecb78b"
OLDER = "22f85ad0948f86bcfaa32d211ca0ed5675311e87"


def _app(
    sync: str = "Synced",
    health: str = "Healthy",
    revision: str = COMMIT,
    phase: str | None = "Succeeded",
    message: str = "successfully synced (all tasks run)",
    results: list[dict] | None = None,
    resources: list[dict] | None = None,
    conditions: list[dict] | None = None,
    retries: int = 0,
    operation_revision: str = COMMIT,
) -> dict:
    status: dict = {"sync": {"status": sync, "revision": revision}, "health": {"status": health}}
    if phase:
        status["operationState"] = {
            "phase": phase,
            "message": message,
            "retryCount": retries,
            "operation": {"sync": {"revision": operation_revision}},
            "syncResult": {"revision": operation_revision, "resources": results or []},
        }
    status["resources"] = resources or []
    if conditions:
        status["conditions"] = conditions
    return {"metadata": {"name": "honeydue-infrastructure", "namespace": "argocd"}, "status": status}


def _resource(kind: str, name: str, status: str = "Synced", health: dict | None = None) -> dict:
    found = {"kind": kind, "namespace": "honeydue", "name": name, "status": status}
    if health:
        found["health"] = health
    return found


def _result(kind: str, name: str, status: str, message: str) -> dict:
    return {"kind": kind, "namespace": "honeydue", "name": name, "status": status, "message": message}


def test_synced_and_healthy_at_the_commit_is_delivered():
    assert argostate.delivered(_app(), COMMIT)
    assert not argostate.delivered(_app(revision=OLDER), COMMIT)  # not compared with the commit yet
    assert not argostate.delivered(_app(health="Progressing"), COMMIT)
    assert not argostate.delivered(_app(phase="Running", message="one or more tasks are running"), COMMIT)
    running = _app()
    running["operation"] = {"sync": {"revision": COMMIT}}  # asked for, not yet started
    assert not argostate.delivered(running, COMMIT)


def test_an_application_the_commit_does_not_change_is_delivered_without_a_sync():
    assert argostate.delivered(_app(operation_revision=OLDER), COMMIT)


def test_out_of_sync_only_by_what_its_sync_left_for_prune_false_is_delivered():
    kept = [
        _result("Namespace", "honeydue", "PruneSkipped", argostate.NO_PRUNE),
        _result("PersistentVolumeClaim", "redis-data", "PruneSkipped", argostate.NO_PRUNE),
        _result("NetworkPolicy", "admin-ingress", "Pruned", "pruned"),
    ]
    differing = [
        _resource("Namespace", "honeydue", "OutOfSync"),
        _resource("PersistentVolumeClaim", "redis-data", "OutOfSync"),
    ]
    app = _app(sync="OutOfSync", results=kept, resources=differing)
    assert argostate.delivered(app, COMMIT)
    assert argostate.kept(app, COMMIT) == ["Namespace honeydue/honeydue", "PersistentVolumeClaim honeydue/redis-data"]
    assert argostate.kept(app, OLDER) == []
    still = [*differing, _resource("NetworkPolicy", "admin-ingress", "OutOfSync")]
    assert not argostate.delivered(_app(sync="OutOfSync", results=kept, resources=still), COMMIT)


def test_a_sync_that_failed_again_on_retry_is_the_verdict_without_the_retry_clock():
    message = "one or more synchronization tasks are not valid. Retrying attempt #2 at 8:12AM."
    failing = _app(sync="OutOfSync", health="Missing", phase="Running", message=message, retries=2)
    assert argostate.refused(failing, COMMIT) == (
        "sync failed, and again when Argo CD retried it: one or more synchronization tasks are not valid"
    )
    assert argostate.refused({**failing}, OLDER) is None
    once = _app(sync="OutOfSync", health="Missing", phase="Running", message=message, retries=1)
    assert argostate.refused(once, COMMIT) is None  # the first retry may still succeed
    assert argostate.refused(_app(phase="Failed", message="boom"), COMMIT) == "sync Failed: boom"


def test_the_verdict_quotes_argo_cd_and_names_the_fix():
    refused = "resource policy:PodDisruptionBudget is not permitted in project honeydue"
    app = _app(
        sync="OutOfSync",
        health="Missing",
        phase="Running",
        message="one or more synchronization tasks are not valid. Retrying attempt #2 at 8:12AM.",
        retries=2,
        results=[_result("PodDisruptionBudget", "redis", "SyncFailed", refused)],
        resources=[
            _resource("PodDisruptionBudget", "redis", "Unknown"),
            *(_resource("ConfigMap", f"c{i}", "OutOfSync", {"status": "Missing"}) for i in range(4)),
        ],
    )
    said = argostate.verdict(app, COMMIT)
    assert said.what == (
        "OutOfSync and Missing; sync failed, and again when Argo CD retried it: one or more synchronization tasks "
        "are not valid"
    )
    assert said.events == (
        f"PodDisruptionBudget honeydue/redis: SyncFailed: {refused}",
        "PodDisruptionBudget honeydue/redis: Unknown, no health",
        "4 objects OutOfSync",
    )
    assert said.fix.startswith("allow it in the AppProject")


def test_health_messages_and_conditions_are_quoted_and_an_old_revision_is_named():
    waiting = {
        "status": "Progressing",
        "message": "Waiting for rollout to finish: 0 of 1 updated replicas are available...",
    }
    app = _app(
        health="Progressing",
        revision=OLDER,
        phase=None,
        resources=[_resource("Deployment", "api", "Synced", waiting), _resource("Service", "api", "OutOfSync")],
        conditions=[{"type": "ComparisonError", "message": "Failed to load target state:\n  rpc error"}],
    )
    said = argostate.verdict(app, COMMIT)
    assert said.what == (
        f"Synced and Progressing, compared with {OLDER[:12]} (not the served commit); "
        "ComparisonError: Failed to load target state: rpc error"
    )
    assert said.events == (
        "Deployment honeydue/api: Synced, Progressing: Waiting for rollout to finish: 0 of 1 updated replicas are "
        "available...",
        "Service honeydue/api: OutOfSync",
    )
    assert argostate.errors(app) == ["ComparisonError: Failed to load target state: rpc error"]
    assert said.fix.startswith("make the directory render")
