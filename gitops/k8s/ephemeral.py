"""Ephemeral storage: what the kubelet counts against a pod's and a container's limit, and what it evicts for.

The one definition for charts/ (which derives each container's ephemeral-storage from the emptyDir sizes
config states) and `main.py check` (rule ephemeral-storage). The kubelet's eviction manager
(pkg/kubelet/eviction/eviction_manager.go) evicts a pod in three cases, each checked on its own:

- an emptyDir (not medium Memory, which is memory) holds more than its sizeLimit (emptyDirLimitEviction);
- a container's writable layer plus its logs exceed its limits.ephemeral-storage
  (containerEphemeralStorageLimitEviction);
- everything the pod writes to the node's disk (every container's writable layer and logs, and its
  disk-backed emptyDirs) exceeds the pod's limit: its containers' limits.ephemeral-storage summed, or an init
  container's if larger (podEphemeralStorageLimitEviction, the pod's limits as resourcehelper.PodLimits adds them).

So a pod whose limit is below the sum of its emptyDir sizeLimits is evicted before its volumes are full: the
limit must cover every sizeLimit plus what each container writes besides (logs, its writable layer).

Logs: the kubelet rotates a container's log when its periodic check (every containerLogMonitorInterval, 10 s)
finds it above containerLogMaxSize, and keeps containerLogMaxFiles files (KubeletConfiguration defaults, 10Mi
and 5, pkg/kubelet/apis/config/v1beta1/defaults.go; k3s does not change them). A container's logs stay within
5 x 10Mi = 50Mi, plus what it writes between two checks: LOG_ALLOWANCE counts one more file for that, 60Mi.
The writable layer of a container with readOnlyRootFilesystem takes no writes; one without it can fill its
limit, which is why a limit is required at all.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from gitops.k8s.manifests import Fields
from gitops.k8s.quantities import QuantityError, memory_bytes
from gitops.k8s.workloads import PodTemplate, mapping

RESOURCE = "ephemeral-storage"
MEBIBYTE = 2**20
CONTAINER_LOG_MAX_SIZE = 10 * MEBIBYTE
CONTAINER_LOG_MAX_FILES = 5
# The rotated files and the live one, with one file more for what is written between two rotation checks.
LOG_ALLOWANCE = (CONTAINER_LOG_MAX_FILES + 1) * CONTAINER_LOG_MAX_SIZE


def container_limit(volume_bytes: list[int]) -> int:
    """The ephemeral-storage limit of a pod's only container, when its root filesystem is read-only: its
    emptyDirs' sizeLimits and its logs (the writable layer takes no writes)."""
    return sum(volume_bytes) + LOG_ALLOWANCE


@dataclass(frozen=True)
class Scratch:
    """A disk-backed emptyDir of a pod: its name, its field, and its sizeLimit (None: unbounded)."""

    name: str
    field: str
    size_limit: int | None
    written: object  # the sizeLimit as written, for messages


def scratch_volumes(pod: PodTemplate) -> Iterator[Scratch]:
    """The pod's emptyDirs on the node's disk (medium Memory counts as memory, not here); a sizeLimit the API
    server would refuse is read as none (kubeconform reports it)."""
    for volume, field in pod.volumes():
        if "emptyDir" not in volume:
            continue
        empty_dir = mapping(volume.get("emptyDir"))
        if empty_dir.get("medium") == "Memory":
            continue
        written = empty_dir.get("sizeLimit")
        size: int | None = None
        if written is not None:
            try:
                size = memory_bytes(written)
            except QuantityError:
                size = None
        yield Scratch(str(volume.get("name", "")), f"{field}.emptyDir.sizeLimit", size, written)


def amount(container: Fields, section: str) -> int | None:
    """A container's requests or limits ephemeral-storage in bytes; None when absent.
    Raises QuantityError for a value the API server refuses."""
    values = mapping(mapping(container.get("resources")).get(section))
    if RESOURCE not in values:
        return None
    return memory_bytes(values[RESOURCE])


def pod_limit(pod: PodTemplate) -> int | None:
    """The pod's ephemeral-storage limit as the kubelet sums it: the running containers' limits (sidecars
    included) added, or the largest init container's if bigger; None when no container sets one, or one is
    unreadable."""
    running, init, found = 0, 0, False
    try:
        for container in pod.containers():
            limit = amount(container.spec, "limits")
            if limit is None:
                continue
            found = True
            if container.long_running:
                running += limit
            else:
                init = max(init, limit)
    except QuantityError:
        return None
    return max(running, init) if found else None


def pod_needs(pod: PodTemplate) -> int:
    """What the pod may write to the node's disk without being evicted for an emptyDir: every sizeLimit, and
    each container's log allowance (init containers' logs stay on disk while the pod exists)."""
    volumes = sum(s.size_limit or 0 for s in scratch_volumes(pod))
    return volumes + LOG_ALLOWANCE * sum(1 for _ in pod.containers())
