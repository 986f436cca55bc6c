"""Storage as k3s installs it: StorageClass local-path and a provisioner that behaves like
rancher/local-path-provisioner (provisioner.go): once the scheduler has picked a node for the
first consumer (annotation volume.kubernetes.io/selected-node), a hostPath PV is created with a
required node affinity to that node and a claimRef to the claim, so the real PV controller binds
it and every later pod of that claim is pinned to that node. Released volumes are deleted,
as reclaimPolicy Delete says. kwok runs no containers, so nothing writes to a volume; with a disk
directory each volume gets its node's directory there (<disk>/<node>/<hostPath>, mode 0777 as
local-path makes it), deleted with the volume, where a drill can put data standing in for a pod's.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from gitops.k8s.placement import HOSTNAME_LABEL, volume_node
from gitops.k8s.status import terminating
from gitops.k8s.workloads import dig, mapping
from gitops.rehearse.kube import Api, ApiError
from gitops.rehearse.poll import Stepper

CLASS_NAME = "local-path"
PROVISIONER = "rancher.io/local-path"
SELECTED_NODE = "volume.kubernetes.io/selected-node"
PROVISIONED_BY = "pv.kubernetes.io/provisioned-by"
# k3s's default data directory for local-path volumes.
STORAGE_ROOT = "/var/lib/rancher/k3s/storage"


def storage_class() -> dict:
    return {
        "apiVersion": "storage.k8s.io/v1",
        "kind": "StorageClass",
        "metadata": {"name": CLASS_NAME, "annotations": {"storageclass.kubernetes.io/is-default-class": "true"}},
        "provisioner": PROVISIONER,
        "reclaimPolicy": "Delete",
        "volumeBindingMode": "WaitForFirstConsumer",
    }


def wants_volume(claim: dict) -> str | None:
    """The node to provision on, when this claim is ours and waits for a volume."""
    spec = mapping(claim.get("spec"))
    if spec.get("storageClassName") != CLASS_NAME or spec.get("volumeName") or terminating(claim):
        return None
    selected = dig(claim, "metadata", "annotations", SELECTED_NODE)
    return selected if isinstance(selected, str) else None


def volume_for(claim: dict, node: str) -> dict:
    meta, spec = claim["metadata"], claim["spec"]
    name = f"pvc-{meta['uid']}"
    return {
        "apiVersion": "v1",
        "kind": "PersistentVolume",
        "metadata": {"name": name, "annotations": {PROVISIONED_BY: PROVISIONER}},
        "spec": {
            "capacity": {"storage": spec["resources"]["requests"]["storage"]},
            "accessModes": spec.get("accessModes") or ["ReadWriteOnce"],
            "persistentVolumeReclaimPolicy": "Delete",
            "storageClassName": CLASS_NAME,
            "volumeMode": spec.get("volumeMode", "Filesystem"),
            "hostPath": {
                "path": f"{STORAGE_ROOT}/{name}_{meta['namespace']}_{meta['name']}",
                "type": "DirectoryOrCreate",
            },
            "nodeAffinity": {
                "required": {
                    "nodeSelectorTerms": [
                        {"matchExpressions": [{"key": HOSTNAME_LABEL, "operator": "In", "values": [node]}]}
                    ]
                }
            },
            "claimRef": {
                "apiVersion": "v1",
                "kind": "PersistentVolumeClaim",
                "namespace": meta["namespace"],
                "name": meta["name"],
                "uid": meta["uid"],
            },
        },
    }


def released(volume: dict) -> bool:
    return (
        dig(volume, "metadata", "annotations", PROVISIONED_BY) == PROVISIONER
        and dig(volume, "spec", "persistentVolumeReclaimPolicy") == "Delete"
        and dig(volume, "status", "phase") == "Released"
    )


class Provisioner(Stepper):
    """Polls claims and volumes in a thread until stopped."""

    name = "local-path-provisioner"
    tolerated = (ApiError, OSError)

    def __init__(self, api: Api, period: float = 0.3, disk: Path | None = None) -> None:
        super().__init__(period)
        self.api, self.disk = api, disk
        self.provisioned: dict[str, str] = {}  # "namespace/claim" -> node

    def step(self) -> None:
        for claim in self.api.items("/api/v1/persistentvolumeclaims"):
            node = wants_volume(claim)
            if node is None:
                continue
            try:
                volume = volume_for(claim, node)
                self.api.create("/api/v1/persistentvolumes", volume)
                self.provisioned[f"{claim['metadata']['namespace']}/{claim['metadata']['name']}"] = node
                directory = self.directory(volume)
                if directory is not None:
                    directory.mkdir(parents=True, exist_ok=True)
                    directory.chmod(0o777)
            except ApiError as err:
                if err.status != 409:
                    self.errors.append(f"provisioning {claim['metadata']['name']}: {err}")
        for volume in self.api.items("/api/v1/persistentvolumes"):
            if released(volume):
                self.api.delete(f"/api/v1/persistentvolumes/{volume['metadata']['name']}")
                directory = self.directory(volume)
                if directory is not None:
                    shutil.rmtree(directory, ignore_errors=True)

    def directory(self, volume: dict) -> Path | None:
        """Where the volume's data would be on its node, in the disk directory; None without one."""
        path, node = dig(volume, "spec", "hostPath", "path"), volume_node(volume)
        if self.disk is None or not isinstance(path, str) or node is None:
            return None
        return self.disk / node / path.lstrip("/")
