"""The local-path stand-in: which claims get a volume, and the volume it creates."""

from __future__ import annotations

from gitops.k8s import placement
from gitops.rehearse import storage


def _claim(**annotations) -> dict:
    return {
        "metadata": {"name": "redis-data", "namespace": "honeydue", "uid": "1234", "annotations": annotations},
        "spec": {
            "storageClassName": "local-path",
            "accessModes": ["ReadWriteOnce"],
            "resources": {"requests": {"storage": "2Gi"}},
        },
    }


def test_storage_class_is_the_k3s_default_local_path():
    sc = storage.storage_class()
    assert sc["metadata"] == {
        "name": "local-path",
        "annotations": {"storageclass.kubernetes.io/is-default-class": "true"},
    }
    assert (sc["provisioner"], sc["reclaimPolicy"], sc["volumeBindingMode"]) == (
        "rancher.io/local-path",
        "Delete",
        "WaitForFirstConsumer",
    )


def test_a_claim_waits_for_the_scheduler_to_pick_a_node():
    assert storage.wants_volume(_claim()) is None
    assert storage.wants_volume(_claim(**{storage.SELECTED_NODE: "ubuntu-8gb-nbg1-2"})) == "ubuntu-8gb-nbg1-2"


def test_bound_other_class_or_deleted_claims_get_nothing():
    bound = _claim(**{storage.SELECTED_NODE: "n1"})
    bound["spec"]["volumeName"] = "pvc-1234"
    other = _claim(**{storage.SELECTED_NODE: "n1"})
    other["spec"]["storageClassName"] = "fast"
    deleted = _claim(**{storage.SELECTED_NODE: "n1"})
    deleted["metadata"]["deletionTimestamp"] = "2026-01-01T00:00:00Z"
    assert [storage.wants_volume(c) for c in (bound, other, deleted)] == [None, None, None]


def test_volume_is_pinned_to_the_selected_node_and_reserved_for_the_claim():
    volume = storage.volume_for(_claim(), "ubuntu-8gb-nbg1-2")
    assert volume["metadata"]["name"] == "pvc-1234"
    assert volume["spec"]["claimRef"] == {
        "apiVersion": "v1",
        "kind": "PersistentVolumeClaim",
        "namespace": "honeydue",
        "name": "redis-data",
        "uid": "1234",
    }
    assert volume["spec"]["capacity"] == {"storage": "2Gi"}
    assert volume["spec"]["persistentVolumeReclaimPolicy"] == "Delete"
    assert volume["spec"]["hostPath"]["path"] == "/var/lib/rancher/k3s/storage/pvc-1234_honeydue_redis-data"
    assert placement.volume_node(volume) == "ubuntu-8gb-nbg1-2"


def test_only_our_released_volumes_are_deleted():
    volume = storage.volume_for(_claim(), "n1")
    assert not storage.released(volume)
    volume["status"] = {"phase": "Released"}
    assert storage.released(volume)
    volume["metadata"]["annotations"] = {}
    assert not storage.released(volume)


def test_a_volume_has_its_node_directory_on_the_stand_in_disk(tmp_path):
    volume = storage.volume_for(_claim(), "ubuntu-8gb-nbg1-2")
    provisioner = storage.Provisioner(api=None, disk=tmp_path)  # type: ignore[arg-type]
    assert provisioner.directory(volume) == (
        tmp_path / "ubuntu-8gb-nbg1-2" / "var/lib/rancher/k3s/storage/pvc-1234_honeydue_redis-data"
    )
    assert storage.Provisioner(api=None).directory(volume) is None  # type: ignore[arg-type]
