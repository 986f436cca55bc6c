"""Node-local volume rules of `main.py check` (gitops/review/check/storage.py), on copies of real output."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.dist_copies import edit
from tests.review.check.support import active, check, one


def _redis_hostnames(values: list[str] | None):
    def change(deployment: dict) -> None:
        term = deployment["spec"]["template"]["spec"]["affinity"]["nodeAffinity"][
            "requiredDuringSchedulingIgnoredDuringExecution"
        ]["nodeSelectorTerms"][0]
        expressions = [e for e in term["matchExpressions"] if e["key"] != "kubernetes.io/hostname"]
        if values is not None:
            expressions.append({"key": "kubernetes.io/hostname", "operator": "In", "values": values})
        term["matchExpressions"] = expressions

    return change


def test_local_volume_user_not_pinned(prod_copy: Path):
    edit(prod_copy, "Deployment", "redis", _redis_hostnames(None))
    finding = one(check(prod_copy), "local-volume-pinning", "Deployment", "redis")
    assert finding.field == "spec.template.spec.affinity.nodeAffinity"
    assert (
        finding.message
        == "uses node-local volume redis-data (storageClassName local-path) but may be scheduled on any node"
    )


def test_local_volume_user_pinned_to_two_nodes(prod_copy: Path):
    edit(prod_copy, "Deployment", "redis", _redis_hostnames(["ubuntu-8gb-nbg1-1", "ubuntu-8gb-nbg1-2"]))
    finding = one(check(prod_copy), "local-volume-pinning", "Deployment", "redis")
    assert finding.message == (
        "uses node-local volume redis-data (storageClassName local-path) but may be scheduled on "
        "ubuntu-8gb-nbg1-1, ubuntu-8gb-nbg1-2"
    )


def test_local_volume_user_pinned_to_a_node_not_in_the_inventory(prod_copy: Path):
    edit(prod_copy, "Deployment", "redis", _redis_hostnames(["ubuntu-8gb-nbg1-9"]))
    finding = one(check(prod_copy), "local-volume-pinning", "Deployment", "redis")
    assert finding.message == (
        "uses node-local volume redis-data (storageClassName local-path) and is pinned to node ubuntu-8gb-nbg1-9, "
        "which is not in the declared node inventory (ubuntu-8gb-nbg1-1, ubuntu-8gb-nbg1-2, ubuntu-8gb-nbg1-3): "
        "the pod would stay Pending"
    )


def test_node_selector_pins_as_well_as_affinity(prod_copy: Path):
    def selector(deployment: dict) -> None:
        _redis_hostnames(None)(deployment)
        deployment["spec"]["template"]["spec"]["nodeSelector"] = {"kubernetes.io/hostname": "ubuntu-8gb-nbg1-2"}

    edit(prod_copy, "Deployment", "redis", selector)
    assert active(check(prod_copy), "local-volume-pinning") == []


def test_local_volume_claim_without_prune_protection(prod_copy: Path):
    edit(prod_copy, "PersistentVolumeClaim", "redis-data", lambda c: c["metadata"].pop("annotations"))
    finding = one(check(prod_copy), "local-volume-prune", "PersistentVolumeClaim", "redis-data")
    assert finding.field == "metadata.annotations"
    assert finding.message == (
        "node-local volume (storageClassName local-path, reclaimPolicy Delete) is not protected from pruning: "
        "a prune deletes the claim and the data on the node"
    )


@pytest.mark.parametrize(
    "metadata",
    [
        {"annotations": {"argocd.argoproj.io/sync-options": "Delete=false, Prune=false"}},
        {"labels": {"kustomize.toolkit.fluxcd.io/prune": "disabled"}},
    ],
)
def test_either_engine_protection_is_enough(prod_copy: Path, metadata: dict):
    def protect(claim: dict) -> None:
        claim["metadata"].pop("annotations")
        for key, value in metadata.items():
            claim["metadata"].setdefault(key, {}).update(value)

    edit(prod_copy, "PersistentVolumeClaim", "redis-data", protect)
    assert active(check(prod_copy), "local-volume-prune") == []
