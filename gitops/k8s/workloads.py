"""Workloads and the pods they run, read from any Kubernetes YAML: one module for charts, check, diff,
capacity and the inventory.

Input may be hand-written, so every accessor tolerates a field of the wrong
type by treating it as absent: schema errors are kubeconform's job, and the
readers must report on the rest instead of crashing.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator
from dataclasses import dataclass
from typing import Any

from gitops.k8s.manifests import Fields, Resource

# kind -> keys from the object to its pod template (metadata + spec).
TEMPLATE_PATHS: dict[str, tuple[str, ...]] = {
    "Deployment": ("spec", "template"),
    "StatefulSet": ("spec", "template"),
    "DaemonSet": ("spec", "template"),
    "ReplicaSet": ("spec", "template"),
    "ReplicationController": ("spec", "template"),
    "Job": ("spec", "template"),
    "CronJob": ("spec", "jobTemplate", "spec", "template"),
}
# Kinds whose spec.replicas says how many pods run (and that have a scale subresource).
REPLICATED = frozenset({"Deployment", "StatefulSet", "ReplicaSet", "ReplicationController"})
# One pod on every node the pod template may run on.
PER_NODE = frozenset({"DaemonSet"})
LONG_RUNNING = frozenset({"Deployment", "StatefulSet", "DaemonSet"})
# Everything that runs pods: the template kinds and a bare Pod.
WORKLOADS = frozenset(TEMPLATE_PATHS) | {"Pod"}
CONTAINER_LISTS = ("initContainers", "containers")


def mapping(value: object) -> Fields:
    return value if isinstance(value, dict) else {}


def one_of(value: object, choices: Collection[str]) -> bool:
    """Whether value is text and one of choices: a field of hand-written YAML may hold a list or a mapping, which no
    set can look up."""
    return isinstance(value, str) and value in choices


def sequence(value: object) -> list[Any]:
    return value if isinstance(value, list) else []


def dig(obj: object, *keys: str) -> object:
    for key in keys:
        obj = mapping(obj).get(key)
    return obj


def as_int(value: object) -> int | None:
    """A number written as a YAML integer or as digits (ports, thresholds of hand-written YAML)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().isdigit():
        return int(value)
    return None


def pod_spec_path(kind: str) -> tuple[str, ...] | None:
    """Keys from an object of this kind to its pod spec; None for kinds that run no pods."""
    if kind == "Pod":
        return ("spec",)
    keys = TEMPLATE_PATHS.get(kind)
    return None if keys is None else (*keys, "spec")


def pod_spec(obj: Fields | None) -> Fields | None:
    """The pod spec of a workload ({} when it is malformed), None for anything else."""
    if obj is None:
        return None
    path = pod_spec_path(str(obj.get("kind", "")))
    return None if path is None else mapping(dig(obj, *path))


def pod_labels(obj: Fields) -> Fields:
    """Labels of the pods a workload runs: the template's, or a bare Pod's own."""
    if obj.get("kind") == "Pod":
        return mapping(dig(obj, "metadata", "labels"))
    keys = TEMPLATE_PATHS.get(str(obj.get("kind", "")))
    return {} if keys is None else mapping(dig(obj, *keys, "metadata", "labels"))


def replicas(obj: Fields | None) -> int | None:
    """Desired pods of a replicated workload; None for other kinds and for a count the API server refuses.

    spec.replicas is an int32 the API server defaults to 1 when absent or null
    (apps/v1 SetDefaults_Deployment and friends); text such as "3" does not
    decode into it, and validation refuses a negative count.
    """
    if obj is None or obj.get("kind") not in REPLICATED:
        return None
    value = mapping(obj.get("spec")).get("replicas")
    if value is None:
        return 1
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        return None
    return value


def containers(spec: Fields | None) -> dict[tuple[str, str], Fields]:
    """(list, name) -> container, for init and regular containers of a pod spec."""
    found: dict[tuple[str, str], Fields] = {}
    for list_name in CONTAINER_LISTS:
        for item in sequence(mapping(spec).get(list_name)):
            if isinstance(item, dict) and isinstance(item.get("name"), str):
                found[(list_name, item["name"])] = item
    return found


def claims(spec: dict[str, Any] | None) -> dict[str, str]:
    """Volume name -> claim name, for the persistentVolumeClaim volumes of a pod spec."""
    found: dict[str, str] = {}
    for volume in sequence(mapping(spec).get("volumes")):
        name, claim = mapping(volume).get("name"), dig(volume, "persistentVolumeClaim", "claimName")
        if isinstance(name, str) and isinstance(claim, str):
            found[name] = claim
    return found


def strategy_type(obj: Fields) -> str:
    """How a workload replaces its pods (the API's default is RollingUpdate); "" for kinds without one."""
    spec = mapping(obj.get("spec"))
    if obj.get("kind") == "Deployment":
        written = dig(spec, "strategy", "type")
    elif obj.get("kind") in ("StatefulSet", "DaemonSet"):
        written = dig(spec, "updateStrategy", "type")
    else:
        return ""
    return str(written) if written else "RollingUpdate"


def singleton(obj: dict[str, Any]) -> bool:
    """One replica replaced with Recreate: its pods never overlap, since the Deployment controller scales
    the old ReplicaSet to 0 and waits for its pods to go before it starts the new one
    (pkg/controller/deployment/recreate.go)."""
    return obj.get("kind") == "Deployment" and replicas(obj) == 1 and strategy_type(obj) == "Recreate"


@dataclass(frozen=True)
class Container:
    spec: Fields
    field: str  # e.g. spec.template.spec.containers[api]
    init: bool

    @property
    def name(self) -> str:
        return str(self.spec.get("name", ""))

    @property
    def ports(self) -> list[Fields]:
        return [p for p in sequence(self.spec.get("ports")) if isinstance(p, dict)]

    @property
    def security(self) -> Fields:
        return mapping(self.spec.get("securityContext"))

    @property
    def long_running(self) -> bool:
        """Regular containers, and init containers that keep running beside them (sidecars)."""
        return not self.init or self.spec.get("restartPolicy") == "Always"


def pod_containers(spec: dict[str, Any], field: str, *, init: bool = True) -> Iterator[Container]:
    """The containers of a pod spec found at field (e.g. spec.template.spec), init containers first."""
    keys = CONTAINER_LISTS if init else ("containers",)
    for key in keys:
        for index, item in enumerate(sequence(spec.get(key))):
            if isinstance(item, dict):
                label = item.get("name") or index
                yield Container(item, f"{field}.{key}[{label}]", key == "initContainers")


def pod_volumes(spec: dict[str, Any], field: str) -> Iterator[tuple[dict[str, Any], str]]:
    """(volume, its field) for the volumes of a pod spec found at field."""
    for index, volume in enumerate(sequence(spec.get("volumes"))):
        if isinstance(volume, dict):
            yield volume, f"{field}.volumes[{volume.get('name') or index}]"


@dataclass(frozen=True)
class PodTemplate:
    """The pods one object runs: a workload's template, or a bare Pod."""

    resource: Resource
    spec: Fields
    labels: Fields
    field: str  # path of the pod spec in the object, e.g. spec.template.spec

    @property
    def kind(self) -> str:
        return self.resource.kind

    @property
    def namespace(self) -> str:
        return self.resource.namespace

    @property
    def replicas(self) -> int | None:
        """Pods the object keeps running; None where that is not a fixed number (DaemonSet, Job)."""
        return 1 if self.kind == "Pod" else replicas(self.resource.obj)

    @property
    def long_running(self) -> bool:
        return self.kind in LONG_RUNNING

    def containers(self, *, init: bool = True) -> Iterator[Container]:
        return pod_containers(self.spec, self.field, init=init)

    def running_containers(self) -> Iterator[Container]:
        return (c for c in self.containers() if c.long_running)

    def volumes(self) -> Iterator[tuple[Fields, str]]:
        return pod_volumes(self.spec, self.field)

    def __str__(self) -> str:
        return str(self.resource)


def pod_template(resource: Resource) -> PodTemplate | None:
    path = pod_spec_path(resource.kind)
    if path is None:
        return None
    return PodTemplate(resource, mapping(dig(resource.obj, *path)), pod_labels(resource.obj), ".".join(path))
