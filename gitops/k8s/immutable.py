"""Updates the API server refuses, and what an engine's force makes of the refusal.

From Kubernetes v1.34 validation and fluxcd/pkg/ssa v0.76.2 (kustomize-controller v1.9.6), each
confirmed on the rehearsal's real control plane (docs/operations.md, "Cutover from hand-written
manifests"):

- spec.selector of a Deployment, StatefulSet, DaemonSet or ReplicaSet (pkg/apis/apps/validation,
  ValidateDeploymentUpdate and friends): `field is immutable`, 422 Invalid.
- A StatefulSet spec field other than the updatable ones (ValidateStatefulSetUpdate): 422 Invalid.
- A bound PersistentVolumeClaim's spec other than resources.requests (ValidatePersistentVolumeClaimUpdate):
  422 Invalid. Its storage request may not shrink (422 Invalid); it may grow only when the claim was
  provisioned by a StorageClass that allows volume expansion (the PersistentVolumeClaimResize admission
  plugin): `only dynamically provisioned pvc can be resized and the storageclass that provisions the
  pvc must support resize`, 403 Forbidden. k3s's local-path does not allow expansion.
- A Service's clusterIP, or headless to a virtual IP and back (ValidateServiceUpdate): 422 Invalid.
- A Job's spec.template and spec.selector (ValidateJobUpdate): 422 Invalid.

What Flux does with a refusal (fluxcd/pkg/ssa, errors/immutable.go IsImmutableError): every 422
Invalid or 409 Conflict counts as immutable, "like kubectl does". Without force the unit's apply
fails and is retried every retryInterval, nothing else of that apply stage is applied; with force
(the Kustomization's spec.force or the object's kustomize.toolkit.fluxcd.io/force: enabled) the
object is deleted and created again. A 403 Forbidden is never forced: the unit fails.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from gitops.k8s import storage
from gitops.k8s.manifests import Fields, Resource
from gitops.k8s.quantities import QuantityError, memory_bytes
from gitops.k8s.workloads import dig, mapping

SELECTOR_KINDS = frozenset({"Deployment", "StatefulSet", "DaemonSet", "ReplicaSet"})
# The StatefulSet spec fields an update may touch (apps/v1 validation); any other change is refused.
STATEFULSET_UPDATABLE = frozenset(
    {
        "replicas",
        "ordinals",
        "template",
        "updateStrategy",
        "revisionHistoryLimit",
        "persistentVolumeClaimRetentionPolicy",
        "minReadySeconds",
    }
)
# A bound claim's spec fields that never change (resources.requests has its own rule).
PVC_IMMUTABLE = (
    "storageClassName",
    "accessModes",
    "volumeMode",
    "volumeName",
    "selector",
    "dataSource",
    "dataSourceRef",
)
EXPOSED_TYPES = ("NodePort", "LoadBalancer")

INVALID, FORBIDDEN = 422, 403
IMMUTABLE = "field is immutable"
RESIZE = (
    "only dynamically provisioned pvc can be resized and the storageclass that provisions the pvc must support resize"
)
SHRINK = "field can not be less than previous value"
# fluxcd/pkg/ssa: the statuses Flux treats as "immutable", so force deletes and recreates the object.
FORCE_RECREATES = frozenset({INVALID, 409})


@dataclass(frozen=True)
class Refusal:
    """One field of an update the API server refuses: the field, the API server's words and its status."""

    field: str
    message: str
    status: int

    @property
    def forced_recreate(self) -> bool:
        """Whether an engine's force deletes and recreates the object over this refusal (Flux: 422 and 409)."""
        return self.status in FORCE_RECREATES


def _equal(a: object, b: object) -> bool:
    return a == b


def _spec(obj: Fields) -> Fields:
    return mapping(obj.get("spec"))


def storage_request(claim: Fields) -> int | None:
    """A claim's storage request in bytes, None when it has none the API would accept."""
    value = dig(claim, "spec", "resources", "requests", "storage")
    if value is None:
        return None
    try:
        return memory_bytes(value)
    except QuantityError:
        return None


_UNSET = object()
CLAIM_DEFAULTS = {"volumeMode": "Filesystem"}  # pkg/apis/core/v1/defaults.go SetDefaults_PersistentVolumeClaimSpec


def claim_refusals(live: Fields, ours: Fields, classes: Iterable[Resource] = ()) -> list[Refusal]:
    """Why updating a bound claim from live to ours is refused; [] when the update is accepted."""
    old, new = _spec(live), _spec(ours)
    found = []
    for name in PVC_IMMUTABLE:
        # A field ours leaves out keeps its live value (an apply does not clear what another manager set); one
        # the live object leaves out got the API's default (volumeMode), the default class or its binding.
        before = old.get(name, CLAIM_DEFAULTS.get(name, _UNSET))
        if name in new and before is not _UNSET and not _equal(before, new.get(name)):
            found.append(Refusal(f"spec.{name}", "spec is immutable after creation except resources.requests", INVALID))
    before, after = storage_request(live), storage_request(ours)
    if before is not None and after is not None and after != before:
        if after < before:
            found.append(Refusal("spec.resources.requests.storage", SHRINK, INVALID))
        elif not storage.expandable(ours if "storageClassName" in new else live, classes):
            found.append(Refusal("spec.resources.requests.storage", RESIZE, FORBIDDEN))
    return found


def refusals(live: Fields, ours: Fields, classes: Iterable[Resource] = ()) -> list[Refusal]:
    """Every field the API server refuses when live (the object as it runs) is updated to ours."""
    kind = ours.get("kind")
    if kind != live.get("kind"):
        return []
    found = []
    selector = _spec(ours).get("selector")
    if kind in SELECTOR_KINDS and selector is not None and not _equal(_spec(live).get("selector"), selector):
        found.append(Refusal("spec.selector", IMMUTABLE, INVALID))
    if kind == "StatefulSet":
        old, new = _spec(live), _spec(ours)
        for name in sorted(set(new) - STATEFULSET_UPDATABLE - {"selector"}):
            if not _equal(old.get(name), new.get(name)):
                found.append(
                    Refusal(
                        f"spec.{name}",
                        "updates to statefulset spec for fields other than "
                        f"{', '.join(sorted(STATEFULSET_UPDATABLE))} are forbidden",
                        INVALID,
                    )
                )
    elif kind == "PersistentVolumeClaim":
        found += claim_refusals(live, ours, classes)
    elif kind == "Service":
        old_ip, new_ip = _spec(live).get("clusterIP"), _spec(ours).get("clusterIP")
        if new_ip is not None and old_ip is not None and old_ip != new_ip:
            found.append(Refusal("spec.clusterIP", IMMUTABLE, INVALID))
    elif kind == "Job":
        for name in ("template", "selector"):
            if name in _spec(ours) and not _equal(_spec(live).get(name), _spec(ours).get(name)):
                found.append(Refusal(f"spec.{name}", IMMUTABLE, INVALID))
    return found
