"""Objects leaving git: pruning, data loss, replaced claims and namespaces, apiVersion moves."""

from __future__ import annotations

from pathlib import Path

from gitops.annotations import ARGO_SYNC_OPTIONS, FLUX_PRUNE, prune_protected_by
from tests import dist_copies
from tests.review.diff import kit as diffkit

PVC, NS = "PersistentVolumeClaim", "Namespace"


def _unprotect(obj: dict) -> None:
    obj["metadata"].pop("annotations", None)


def test_removing_the_protected_redis_claim_is_high(synthesized: Path, tmp_path: Path):
    before, after = diffkit.before_after(synthesized, tmp_path)
    dist_copies.remove(after, PVC, "redis-data")
    assert diffkit.risks(diffkit.compare(before, after)) == [
        (
            "high",
            f"{PVC} honeydue/redis-data",
            "",
            "removed from git while Deployment honeydue/redis still mounts it: prune is disabled on it, so the claim "
            "and its data stay in the cluster, but unmanaged and one manual delete away from being lost.",
        )
    ]


def test_removing_an_unprotected_local_path_claim_loses_its_data(synthesized: Path, tmp_path: Path):
    before, after = diffkit.before_after(synthesized, tmp_path)
    dist_copies.edit(before, PVC, "redis-data", _unprotect)
    dist_copies.remove(after, PVC, "redis-data")
    assert diffkit.risks_of(diffkit.compare(before, after), PVC, "redis-data") == [
        (
            "high",
            "",
            "removed from git while Deployment honeydue/redis still mounts it: the engine prunes the claim, and "
            "local-path deletes its volume and the data on it.",
        )
    ]


def test_a_claim_protected_for_one_engine_only_is_named_for_the_other(synthesized: Path, tmp_path: Path):
    before, after = diffkit.before_after(synthesized, tmp_path)
    dist_copies.edit(before, PVC, "redis-data", lambda o: o["metadata"]["annotations"].pop(ARGO_SYNC_OPTIONS))
    dist_copies.remove(after, "Deployment", "redis")
    dist_copies.remove(after, PVC, "redis-data")
    assert diffkit.risks_of(diffkit.compare(before, after), PVC, "redis-data") == [
        (
            "high",
            "",
            "removed from git: prune is disabled only for Flux, so Argo CD would prune the claim and delete its data.",
        )
    ]


def test_a_renamed_claim_is_a_replacement_and_the_workload_switches_claims(synthesized: Path, tmp_path: Path):
    before, after = diffkit.before_after(synthesized, tmp_path)
    dist_copies.edit(after, PVC, "redis-data", lambda o: o["metadata"].update(name="redis-data-v2"))

    def switch(obj: dict) -> None:
        (volume,) = [v for v in dist_copies.pod_spec(obj)["volumes"] if v["name"] == "data"]
        volume["persistentVolumeClaim"]["claimName"] = "redis-data-v2"

    dist_copies.edit(after, "Deployment", "redis", switch)
    assert diffkit.risks(diffkit.compare(before, after)) == [
        (
            "high",
            "Deployment honeydue/redis",
            "spec.template.spec.volumes[data].persistentVolumeClaim.claimName",
            "volume data switches from claim redis-data to redis-data-v2: the pods start on a new, empty volume, not "
            "the data they had. Copy the data from redis-data to redis-data-v2 before merging, or keep redis-data.",
        ),
        (
            "high",
            f"{PVC} honeydue/redis-data",
            "",
            f"replaced by {PVC} honeydue/redis-data-v2: the new claim starts empty, and the data stays behind on the "
            "old claim, no longer managed.",
        ),
    ]


def test_removing_the_namespace_is_high(synthesized: Path, tmp_path: Path):
    before, after = diffkit.before_after(synthesized, tmp_path)
    dist_copies.remove(after, NS, "honeydue")
    assert diffkit.risks_of(diffkit.compare(before, after), NS, "honeydue") == [
        (
            "high",
            "",
            "removed from git: prune is disabled on it, so it stays, but unmanaged, with everything in it "
            "one manual delete away from being lost.",
        )
    ]
    dist_copies.edit(before, NS, "honeydue", _unprotect)
    assert diffkit.risks_of(diffkit.compare(before, after), NS, "honeydue") == [
        (
            "high",
            "",
            "removed from git: pruning a Namespace deletes everything in it, volume claims and their data included.",
        )
    ]


def test_a_removed_service_and_ingress_are_high_and_say_what_stops_working(synthesized: Path, tmp_path: Path):
    before, after = diffkit.before_after(synthesized, tmp_path)
    dist_copies.remove(after, "Service", "admin")
    dist_copies.remove(after, "Ingress", "admin")
    assert diffkit.risks(diffkit.compare(before, after)) == [
        (
            "high",
            "Ingress honeydue/admin",
            "",
            "removed from git: the engine prunes it, and requests for admin.myhoneydue.com are no longer routed (404).",
        ),
        (
            "high",
            "Service honeydue/admin",
            "",
            "removed from git: the engine deletes it, the name admin stops resolving in the cluster and every client "
            "that connects to it fails.",
        ),
    ]


def test_a_removed_workload_is_high_and_names_the_service_and_hosts_it_served(synthesized: Path, tmp_path: Path):
    before, after = diffkit.before_after(synthesized, tmp_path)
    dist_copies.remove(after, "Deployment", "api")
    assert diffkit.risks(diffkit.compare(before, after))[0] == (
        "high",
        "Deployment honeydue/api",
        "",
        "removed from git: the engine deletes it and its 3 pod(s): nothing runs "
        "gitea.treytartt.com/treytartt/honeydue-api:6f303dbbaa; Service api has no endpoints left: connections to "
        "it fail, and requests for api.myhoneydue.com, myhoneydue.com fail.",
    )


def test_a_volume_taken_out_of_a_workload_is_high(synthesized: Path, tmp_path: Path):
    before, after = diffkit.before_after(synthesized, tmp_path)

    def unmount(obj: dict) -> None:
        pod = obj["spec"]["template"]["spec"]
        pod["volumes"] = [v for v in pod["volumes"] if v["name"] != "data"]
        for container in pod["containers"]:
            container["volumeMounts"] = [m for m in container.get("volumeMounts", []) if m["name"] != "data"]

    dist_copies.edit(after, "Deployment", "redis", unmount)
    assert (
        "high",
        "Deployment honeydue/redis",
        "spec.template.spec.volumes[data]",
        "volume data is removed: after the rollout the pods no longer see claim redis-data's data at /data.",
    ) in diffkit.risks(diffkit.compare(before, after))


def test_dropping_prune_protection_from_a_claim_is_flagged(synthesized: Path, tmp_path: Path):
    before, after = diffkit.before_after(synthesized, tmp_path)
    dist_copies.edit(after, PVC, "redis-data", lambda o: o["metadata"]["annotations"].pop(FLUX_PRUNE))
    assert diffkit.risks(diffkit.compare(before, after)) == [
        (
            "medium",
            f"{PVC} honeydue/redis-data",
            "metadata.annotations",
            "prune protection removed for Flux: if it ever leaves git, the engine deletes it and its data.",
        )
    ]


def test_a_new_api_version_of_the_same_object_is_not_a_deletion(synthesized: Path, tmp_path: Path):
    before, after = diffkit.before_after(synthesized, tmp_path)
    dist_copies.edit(after, "PodDisruptionBudget", "api", lambda o: o.update(apiVersion="policy/v1beta1"))
    assert diffkit.risks(diffkit.compare(before, after)) == [
        (
            "low",
            "PodDisruptionBudget honeydue/api",
            "apiVersion",
            "apiVersion moves from policy/v1 to policy/v1beta1: "
            "the same cluster object is updated in place, not pruned.",
        )
    ]


def test_prune_protection_is_read_from_both_engines_annotations():
    assert prune_protected_by(
        {"metadata": {"annotations": {FLUX_PRUNE: "disabled", ARGO_SYNC_OPTIONS: "Delete=false, Prune=false"}}}
    ) == ("Flux", "Argo CD")
    assert prune_protected_by({"metadata": {"labels": {FLUX_PRUNE: "disabled"}}}) == ("Flux",)
    assert prune_protected_by({"metadata": {}}) == ()


def _move(root: Path, kind: str, name: str, unit: str) -> None:
    (path,) = [p for p in root.rglob("*.yaml") if p.name == f"{kind.lower()}-{name}.yaml"]
    path.rename(root / unit / path.name)


def test_an_object_moved_to_another_unit_can_be_missing_in_between(synthesized: Path, tmp_path: Path):
    before, after = diffkit.before_after(synthesized, tmp_path)
    (path,) = list(before.rglob("configmap-honeydue-settings.yaml"))
    _move(after, "ConfigMap", "honeydue-settings", "infrastructure" if path.parent.name == "apps" else "apps")
    moved_to = "infrastructure" if path.parent.name == "apps" else "apps"
    assert diffkit.risks_of(diffkit.compare(before, after), "ConfigMap", "honeydue-settings") == [
        (
            "medium",
            "",
            f"moves from unit {path.parent.name} to unit {moved_to}: the engine can prune it from "
            f"{path.parent.name} before {moved_to} creates it again (Flux when {moved_to} waits for "
            f"{path.parent.name}; Argo CD when {path.parent.name} syncs first), and pods that start meanwhile wait "
            "in CreateContainerConfigError until it is back.",
        )
    ]


def test_a_moved_object_that_no_engine_prunes_is_taken_over_without_a_gap(synthesized: Path, tmp_path: Path):
    before, after = diffkit.before_after(synthesized, tmp_path)
    _move(after, PVC, "redis-data", "apps")
    assert diffkit.risks_of(diffkit.compare(before, after), PVC, "redis-data") == []
