"""A running object as the API server returns it (`kubectl get -o yaml`): what the server set on it, and
which objects the cluster made itself rather than anyone applying them.

- Server-set metadata: uid, resourceVersion, generation, creationTimestamp, managedFields, selfLink and
  the deletion fields (apimachinery ObjectMeta); annotations the controllers write
  (deployment.kubernetes.io/revision, pv.kubernetes.io/*, volume.kubernetes.io/selected-node and the
  storage-provisioner ones, endpoints.kubernetes.io/last-change-trigger-time) and the labels they add
  (kubernetes.io/metadata.name on every Namespace, since Kubernetes 1.21; pod-template-hash on a
  Deployment's ReplicaSets and pods). status is the controllers', never applied.
- Made by the cluster: an object a controller owns (ownerReferences with controller: true: a
  Deployment's ReplicaSets and their pods, a CronJob's Jobs), a Service's Endpoints and EndpointSlices,
  a PersistentVolume a provisioner made for a claim, Events, Leases, each namespace's ConfigMap
  kube-root-ca.crt and ServiceAccount default (the root-ca-cert-publisher and serviceaccount
  controllers), and service-account token Secrets.
"""

from __future__ import annotations

import copy

from gitops.k8s.manifests import Fields
from gitops.k8s.workloads import dig, mapping, sequence

SERVER_METADATA = (
    "uid",
    "resourceVersion",
    "generation",
    "creationTimestamp",
    "managedFields",
    "selfLink",
    "deletionTimestamp",
    "deletionGracePeriodSeconds",
)
SERVER_ANNOTATIONS = frozenset(
    {
        "deployment.kubernetes.io/revision",
        "pv.kubernetes.io/bind-completed",
        "pv.kubernetes.io/bound-by-controller",
        "pv.kubernetes.io/provisioned-by",
        "volume.beta.kubernetes.io/storage-provisioner",
        "volume.kubernetes.io/storage-provisioner",
        "volume.kubernetes.io/selected-node",
        "endpoints.kubernetes.io/last-change-trigger-time",
    }
)
SERVER_LABELS = frozenset({"kubernetes.io/metadata.name", "pod-template-hash"})
MADE_FOR_SERVICES = frozenset({"Endpoints", "EndpointSlice"})
ALWAYS_MADE = frozenset({"Event", "Lease", "ControllerRevision"})
PER_NAMESPACE = {("ConfigMap", "kube-root-ca.crt"), ("ServiceAccount", "default")}
TOKEN_SECRET = "kubernetes.io/service-account-token"


def made_by_cluster(obj: Fields) -> str | None:
    """Why the cluster made this object itself (nobody applied it), or None when someone did."""
    kind, name = str(obj.get("kind", "")), str(dig(obj, "metadata", "name") or "")
    for owner in sequence(dig(obj, "metadata", "ownerReferences")):
        owner = mapping(owner)
        if owner.get("controller") is True:
            return f"made by the controller of {owner.get('kind')} {owner.get('name')}"
    if kind in MADE_FOR_SERVICES:
        return "made for a Service by the endpoints controllers"
    if kind in ALWAYS_MADE:
        return f"{kind} objects are written by the cluster"
    if (kind, name) in PER_NAMESPACE:
        return "made in every namespace by the cluster"
    if kind == "Secret" and obj.get("type") == TOKEN_SECRET:
        return "a service-account token the cluster made"
    if kind == "PersistentVolume" and (
        dig(obj, "metadata", "annotations", "pv.kubernetes.io/provisioned-by") or dig(obj, "spec", "claimRef")
    ):
        return "provisioned for a claim"
    return None


def stripped(obj: Fields) -> Fields:
    """The object without status and without what the server set in its metadata."""
    found = copy.deepcopy(obj)
    found.pop("status", None)
    meta = mapping(found.get("metadata"))
    for key in SERVER_METADATA:
        meta.pop(key, None)
    for field, server in (("annotations", SERVER_ANNOTATIONS), ("labels", SERVER_LABELS)):
        values = meta.get(field)
        if isinstance(values, dict):
            for key in server & set(values):
                values.pop(key)
            if not values:
                meta.pop(field)
    return found


def bound_claim(volume: Fields) -> tuple[str, str] | None:
    """(namespace, claim) a PersistentVolume is bound to."""
    ref = mapping(dig(volume, "spec", "claimRef"))
    if ref.get("name"):
        return str(ref.get("namespace") or ""), str(ref["name"])
    return None


def volume_path(volume: Fields) -> str | None:
    """Where a hostPath or local PersistentVolume keeps its data on its node (local-path: a hostPath)."""
    path = dig(volume, "spec", "hostPath", "path") or dig(volume, "spec", "local", "path")
    return path if isinstance(path, str) else None


# What the API server fills in when a manifest leaves a field out (pkg/apis/core/v1/defaults.go,
# pkg/apis/apps/v1/defaults.go): an apply that writes the same value changes nothing.
DEFAULTS: dict[str, object] = {
    "dnsPolicy": "ClusterFirst",
    "restartPolicy": "Always",
    "terminationGracePeriodSeconds": 30,
    "schedulerName": "default-scheduler",
    "progressDeadlineSeconds": 600,
    "revisionHistoryLimit": 10,
    "minReadySeconds": 0,
    "hostNetwork": False,
    "timeoutSeconds": 1,
    "periodSeconds": 10,
    "successThreshold": 1,
    "failureThreshold": 3,
    "scheme": "HTTP",
    "protocol": "TCP",
    "volumeMode": "Filesystem",
    "sessionAffinity": "None",
    "readOnly": False,
    "terminationMessagePath": "/dev/termination-log",
    "terminationMessagePolicy": "File",
    "externalIPs": [],
}
SERVICE_TYPE_DEFAULT = "ClusterIP"


def defaulted(path: tuple[object, ...], value: object) -> bool:
    """Whether value is what the API server fills in at path when a manifest leaves the field out."""
    keys = [p for p in path if isinstance(p, str)]
    if not keys:
        return False
    if keys == ["spec", "type"]:
        return value == SERVICE_TYPE_DEFAULT
    default = DEFAULTS.get(keys[-1], DEFAULTS)
    return default is not DEFAULTS and type(default) is type(value) and default == value
