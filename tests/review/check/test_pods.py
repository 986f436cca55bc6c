"""Per-pod rules of `main.py check`: ephemeral storage (requests, limits, emptyDir sizes) and liveness apart from
readiness."""

from __future__ import annotations

from pathlib import Path

from tests.dist_copies import container, edit, pod_spec
from tests.review.check.support import active, check, one

API = "spec.template.spec.containers[api]"
ADMIN = "spec.template.spec.containers[admin]"


def _api(change):
    def apply(deployment: dict) -> None:
        change(container(deployment, "api"), pod_spec(deployment))

    return apply


def _admin(change):
    def apply(deployment: dict) -> None:
        change(container(deployment, "admin"), pod_spec(deployment))

    return apply


def test_what_synth_writes_passes_both_rules(prod_copy: Path):
    outcome = check(prod_copy)
    assert active(outcome, "ephemeral-storage") == []
    assert active(outcome, "liveness-independent") == []
    # The admin's shared root check is waived by its config, not missed.
    assert [(f.kind, f.name) for f in outcome.waived if f.rule == "liveness-independent"] == [("Deployment", "admin")]


# --- ephemeral storage ---------------------------------------------------------------------------


def test_a_container_without_ephemeral_storage(prod_copy: Path):
    def change(c: dict, _) -> None:
        del c["resources"]["requests"]["ephemeral-storage"]
        del c["resources"]["limits"]["ephemeral-storage"]

    edit(prod_copy, "Deployment", "api", _api(change))
    found = {f.field: f.message for f in active(check(prod_copy), "ephemeral-storage")}
    assert found == {
        f"{API}.resources.requests.ephemeral-storage": "container api has no requests.ephemeral-storage: the "
        "scheduler places the pod without counting the node disk it writes",
        f"{API}.resources.limits.ephemeral-storage": "container api has no limits.ephemeral-storage: its logs and "
        "writable layer can fill the node's disk, which etcd, the images and local volumes share",
    }


def test_an_init_container_without_ephemeral_storage(prod_copy: Path):
    def change(_, pod: dict) -> None:
        pod["initContainers"] = [
            {"name": "migrate", "image": "gitea.treytartt.com/treytartt/honeydue-api:6f303dbbaa", "resources": {}}
        ]

    edit(prod_copy, "Deployment", "api", _api(change))
    fields = sorted(f.field for f in active(check(prod_copy), "ephemeral-storage"))
    assert fields == [
        "spec.template.spec.initContainers[migrate].resources.limits.ephemeral-storage",
        "spec.template.spec.initContainers[migrate].resources.requests.ephemeral-storage",
    ]


def test_an_emptydir_without_size_limit(prod_copy: Path):
    def change(_, pod: dict) -> None:
        next(v for v in pod["volumes"] if v["name"] == "app-next-cache")["emptyDir"] = {}

    edit(prod_copy, "Deployment", "admin", _admin(change))
    finding = one(check(prod_copy), "ephemeral-storage", "Deployment", "admin")
    assert finding.field == "spec.template.spec.volumes[app-next-cache].emptyDir.sizeLimit"
    assert finding.message == (
        "emptyDir app-next-cache has no sizeLimit: what the pod writes there can fill the node's disk, which etcd, "
        "the images and local volumes share"
    )


def test_a_memory_emptydir_is_memory_not_disk(prod_copy: Path):
    def change(_, pod: dict) -> None:
        next(v for v in pod["volumes"] if v["name"] == "tmp")["emptyDir"] = {"medium": "Memory"}

    edit(prod_copy, "Deployment", "admin", _admin(change))
    assert active(check(prod_copy), "ephemeral-storage") == []


def test_size_limits_above_what_the_container_limit_allows(prod_copy: Path):
    def change(_, pod: dict) -> None:
        next(v for v in pod["volumes"] if v["name"] == "app-next-cache")["emptyDir"] = {"sizeLimit": "2Gi"}

    edit(prod_copy, "Deployment", "admin", _admin(change))
    finding = one(check(prod_copy), "ephemeral-storage", "Deployment", "admin")
    assert finding.field == f"{ADMIN}.resources.limits.ephemeral-storage"
    assert finding.message == (
        "the emptyDir sizeLimits (64Mi + 2Gi) and the logs of 1 container(s) (60Mi each) need 2172Mi, above the "
        "pod's ephemeral-storage limit 1148Mi: the kubelet evicts the pod before its volumes are full"
    )
    assert finding.fix == "raise limits.ephemeral-storage to at least 2172Mi in all, or lower the sizeLimits"


def test_a_limit_without_room_for_the_logs(prod_copy: Path):
    def change(c: dict, _) -> None:
        c["resources"]["requests"]["ephemeral-storage"] = "256Mi"
        c["resources"]["limits"]["ephemeral-storage"] = "256Mi"

    edit(prod_copy, "Deployment", "api", _api(change))
    finding = one(check(prod_copy), "ephemeral-storage", "Deployment", "api")
    assert finding.message.startswith(
        "the emptyDir sizeLimits (256Mi) and the logs of 1 container(s) (60Mi each) need 316Mi, above the pod's "
        "ephemeral-storage limit 256Mi"
    )


def test_a_request_above_the_limit(prod_copy: Path):
    def change(c: dict, _) -> None:
        c["resources"]["requests"]["ephemeral-storage"] = "2Gi"
        c["resources"]["limits"]["ephemeral-storage"] = "1Gi"

    edit(prod_copy, "Deployment", "api", _api(change))
    finding = one(check(prod_copy), "ephemeral-storage", "Deployment", "api")
    assert finding.field == f"{API}.resources.requests.ephemeral-storage"
    assert finding.message == (
        "requests.ephemeral-storage 2Gi exceeds limits.ephemeral-storage 1Gi: the API server rejects the pod"
    )


def test_a_limit_that_is_no_quantity(prod_copy: Path):
    edit(
        prod_copy, "Deployment", "api", _api(lambda c, _: c["resources"]["limits"].update({"ephemeral-storage": "1 G"}))
    )
    finding = one(check(prod_copy), "ephemeral-storage", "Deployment", "api")
    assert finding.field == f"{API}.resources.limits.ephemeral-storage"
    assert (
        finding.message == "limits.ephemeral-storage '1 G' is not a Kubernetes quantity: the API server rejects the pod"
    )


# --- liveness apart from readiness ---------------------------------------------------------------


def test_liveness_running_the_readiness_check(prod_copy: Path):
    def change(c: dict, _) -> None:
        c["livenessProbe"] = {**c["readinessProbe"], "periodSeconds": 20}

    edit(prod_copy, "Deployment", "api", _api(change))
    finding = one(check(prod_copy), "liveness-independent", "Deployment", "api")
    assert finding.field == f"{API}.livenessProbe"
    assert finding.message == (
        "container api's livenessProbe runs its readinessProbe's check (httpGet /api/health/ on port 8000): when that "
        "check fails because a dependency is down, every pod restarts at once instead of only leaving service"
    )


def test_the_admin_without_its_waiver_is_flagged(prod_copy: Path):
    edit(
        prod_copy,
        "Deployment",
        "admin",
        lambda d: d["metadata"]["annotations"].pop("waive.gitops.myhoneydue.com/liveness-independent"),
    )
    finding = one(check(prod_copy), "liveness-independent", "Deployment", "admin")
    assert finding.message.startswith(
        "container admin's livenessProbe runs its readinessProbe's check (httpGet / on port"
    )


def test_a_shared_tcp_connect_depends_on_nothing(prod_copy: Path):
    # Redis: readiness and liveness both connect to 6379, which reaches the container's own listener alone.
    redis = check(prod_copy)
    assert [f for f in active(redis, "liveness-independent") if f.name == "redis"] == []


def test_a_shared_exec_check_is_flagged(prod_copy: Path):
    def change(c: dict, _) -> None:
        probe = {"exec": {"command": ["redis-cli", "ping"]}}
        c["livenessProbe"] = {**probe, "periodSeconds": 20}
        c["readinessProbe"] = {**probe, "periodSeconds": 10}

    edit(prod_copy, "Deployment", "redis", lambda d: change(container(d, "redis"), None))
    finding = one(check(prod_copy), "liveness-independent", "Deployment", "redis")
    assert "(exec redis-cli ping)" in finding.message
