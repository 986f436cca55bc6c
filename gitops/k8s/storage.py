"""Persistent volumes as k3s provisions them: which claims live on one node, and who owns their files.

- k3s's default StorageClass is local-path (rancher/local-path-provisioner, provisioner.go):
  volumeBindingMode WaitForFirstConsumer, so a claim is provisioned on the node its first pod is
  scheduled to, as the directory /var/lib/rancher/k3s/storage/<volume>_<namespace>_<claim>; the
  PersistentVolume gets a required node affinity to that node, so every later pod of the claim may
  run there and nowhere else (kube-scheduler's VolumeBinding filter): a pod whose own placement
  excludes that node stays Pending forever. Its reclaimPolicy is Delete: pruning the claim deletes
  the directory. The class does not allow volume expansion, and a bound claim's class, access
  modes, volume mode and volume are immutable (pkg/apis/core/validation ValidatePersistentVolumeClaimUpdate):
  the API server refuses such an update.
- A claim without storageClassName gets the cluster's default class (local-path on k3s); "" means
  no class at all (a statically provisioned volume).
- The kubelet applies a pod's fsGroup to a volume's files only for volume types that support
  ownership management; local-path volumes are host paths and get none (pkg/volume/hostpath). Files
  on them keep the user and group that wrote them, so a pod that now runs as another user cannot
  read them (docs/hardening.md: Redis's first move from 999 to 10001).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from gitops.k8s.manifests import Fields, Resource
from gitops.k8s.workloads import CONTAINER_LISTS, dig, mapping, sequence

LOCAL_PATH = "local-path"
DEFAULT_CLASS = LOCAL_PATH  # k3s marks local-path as the default StorageClass
STORAGE_DIR = "/var/lib/rancher/k3s/storage"
# Provisioners whose volumes live on one node: k3s's local-path, and statically made local volumes.
NODE_LOCAL_PROVISIONERS = frozenset({"rancher.io/local-path", "kubernetes.io/no-provisioner"})


def claim_class(claim: Fields) -> str:
    """The StorageClass a claim is provisioned by: its storageClassName, the default class when it has none."""
    name = dig(claim, "spec", "storageClassName")
    return DEFAULT_CLASS if name is None else str(name)


def _class(name: str, classes: Iterable[Resource]) -> Resource | None:
    return next((c for c in classes if c.kind == "StorageClass" and c.name == name), None)


def node_bound(claim: Fields, classes: Iterable[Resource] = ()) -> bool:
    """Whether the claim's volume lives on one node: a StorageClass in the set says so by its provisioner;
    otherwise the class is k3s's local-path."""
    name = claim_class(claim)
    found = _class(name, classes)
    if found is not None:
        return found.obj.get("provisioner") in NODE_LOCAL_PROVISIONERS
    return name == LOCAL_PATH


def expandable(claim: Fields, classes: Iterable[Resource] = ()) -> bool:
    """Whether a bound claim may grow: its StorageClass says allowVolumeExpansion: true (local-path does not)."""
    found = _class(claim_class(claim), classes)
    return found is not None and found.obj.get("allowVolumeExpansion") is True


def volume_directory(namespace: str, claim: str) -> str:
    """Where local-path keeps a claim's data on its node (the volume's name comes first, unknown here)."""
    return f"{STORAGE_DIR}/<the directory ending in _{namespace}_{claim}>"


@dataclass(frozen=True)
class Owner:
    """Who a container's processes run as, and the pod's fsGroup; None where the image decides."""

    user: int | None
    group: int | None
    fs_group: int | None

    def __str__(self) -> str:
        user = "the image's user" if self.user is None else str(self.user)
        group = "" if self.group is None else f":{self.group}"
        return f"{user}{group}"


def _number(value: object) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def owner(container: Fields, pod_spec: Fields) -> Owner:
    """runAsUser and runAsGroup as the kubelet takes them (the container's securityContext, else the pod's)."""
    pod, own = mapping(pod_spec.get("securityContext")), mapping(container.get("securityContext"))

    def effective(field: str) -> int | None:
        return _number(own[field]) if field in own else _number(pod.get(field))

    return Owner(effective("runAsUser"), effective("runAsGroup"), _number(pod.get("fsGroup")))


def mounts(pod_spec: Fields, volume: str) -> list[tuple[str, Fields]]:
    """(name, container) of every container, init containers included, that mounts the named volume."""
    found = []
    for list_name in CONTAINER_LISTS:
        for container in sequence(pod_spec.get(list_name)):
            container = mapping(container)
            if any(mapping(m).get("name") == volume for m in sequence(container.get("volumeMounts"))):
                found.append((str(container.get("name")), container))
    return found
