"""Updates the API server refuses, and what Flux's force makes of each (gitops/k8s/immutable.py)."""

from __future__ import annotations

from gitops.k8s import immutable
from gitops.k8s.manifests import Resource


def deployment(selector: dict) -> dict:
    return {"apiVersion": "apps/v1", "kind": "Deployment", "spec": {"selector": {"matchLabels": selector}}}


def claim(size: str, **spec: object) -> dict:
    return {"kind": "PersistentVolumeClaim", "spec": {"resources": {"requests": {"storage": size}}, **spec}}


def test_a_different_deployment_selector_is_refused_and_force_recreates():
    [refusal] = immutable.refusals(deployment({"app": "api"}), deployment({"app.kubernetes.io/name": "api"}))
    assert (refusal.field, refusal.message, refusal.status) == ("spec.selector", "field is immutable", 422)
    assert refusal.forced_recreate


def test_the_same_selector_is_accepted():
    assert immutable.refusals(deployment({"app": "api"}), deployment({"app": "api"})) == []


def test_a_local_path_claim_cannot_grow_and_force_does_not_recreate_it():
    [refusal] = immutable.refusals(
        claim("1Gi", storageClassName="local-path"), claim("2Gi", storageClassName="local-path")
    )
    assert refusal.status == 403 and refusal.message == immutable.RESIZE
    assert not refusal.forced_recreate


def test_a_claim_grows_where_its_class_allows_expansion():
    expandable = Resource(
        {"apiVersion": "storage.k8s.io/v1", "kind": "StorageClass", "metadata": {"name": "fast"},
         "allowVolumeExpansion": True},
        path=__import__("pathlib").Path("x"),
        document=0,
    )  # fmt: skip
    assert (
        immutable.refusals(claim("1Gi", storageClassName="fast"), claim("2Gi", storageClassName="fast"), [expandable])
        == []
    )


def test_no_claim_shrinks():
    [refusal] = immutable.refusals(claim("2Gi"), claim("1Gi"))
    assert refusal.message == immutable.SHRINK and refusal.status == 422


def test_a_claim_field_the_manifest_left_out_has_its_default():
    live = claim("1Gi", storageClassName="local-path")
    ours = claim("1Gi", storageClassName="local-path", volumeMode="Filesystem")
    assert immutable.refusals(live, ours) == []
    [refusal] = immutable.refusals(live, claim("1Gi", storageClassName="local-path", volumeMode="Block"))
    assert refusal.field == "spec.volumeMode"


def test_a_service_cluster_ip_and_a_job_template():
    service = {"kind": "Service", "spec": {"clusterIP": "10.43.0.10"}}
    assert immutable.refusals(service, {"kind": "Service", "spec": {}}) == []
    assert [r.field for r in immutable.refusals(service, {"kind": "Service", "spec": {"clusterIP": "10.43.0.11"}})] == [
        "spec.clusterIP"
    ]
    job = {"kind": "Job", "spec": {"template": {"spec": {"containers": [{"name": "a"}]}}}}
    other = {"kind": "Job", "spec": {"template": {"spec": {"containers": [{"name": "b"}]}}}}
    assert [r.field for r in immutable.refusals(job, other)] == ["spec.template"]
