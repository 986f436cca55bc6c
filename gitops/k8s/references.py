"""What a pod names that must exist before its containers start: Secrets, ConfigMaps and their keys.

The kubelet resolves these when it starts a pod (k8s.io/api core/v1 types.go for the fields;
pkg/kubelet/kubelet_pods.go makeEnvironmentVariables for env and envFrom, the secret, configMap
and projected volume plugins under pkg/volume/ for volumes and their items, and the image puller
for imagePullSecrets). A missing object or key leaves the pod in CreateContainerConfigError
(env), ContainerCreating (volumes) or ImagePullBackOff (pull credentials), unless the reference
says optional: true. `main.py check` (reference-unresolved) and the rehearsal's converge drill
both list a pod's references here.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from gitops.k8s.workloads import dig, mapping, pod_containers, pod_volumes, sequence

SECRET, CONFIG_MAP = "Secret", "ConfigMap"
# Where each kind of reference names its object: env and envFrom, a volume, a projected volume's source.
_KEY_REFS = (("secretKeyRef", SECRET), ("configMapKeyRef", CONFIG_MAP))
_ENV_FROM = (("secretRef", SECRET), ("configMapRef", CONFIG_MAP))
_SOURCES = (("secret", SECRET), ("configMap", CONFIG_MAP))


@dataclass(frozen=True)
class Reference:
    kind: str  # Secret or ConfigMap
    name: object  # as written: hand-written YAML may leave it out or give it another type
    keys: tuple[str, ...]  # the keys it reads; () for the whole object
    optional: bool
    field: str  # e.g. spec.template.spec.containers[api].env[DB_URL].valueFrom.secretKeyRef
    pull: bool = False  # an imagePullSecrets entry: the Secret must also hold registry credentials


def _item_keys(source: dict[str, Any]) -> tuple[str, ...]:
    return tuple(str(mapping(i).get("key")) for i in sequence(source.get("items")) if mapping(i).get("key"))


def _optional(ref: dict[str, Any]) -> bool:
    return ref.get("optional") is True


def _volume_name(volume: dict[str, Any], source: str) -> object:
    """A secret volume names its Secret in secretName; every other source in name."""
    return volume.get("secretName") if source == "secret" else volume.get("name")


def pod_references(spec: dict[str, Any], field: str) -> Iterator[Reference]:
    """Every Secret and ConfigMap reference of the pod spec found at field, in the order the spec holds them."""
    for container in pod_containers(spec, field):
        for index, env in enumerate(sequence(container.spec.get("env"))):
            env = mapping(env)
            value_from = mapping(env.get("valueFrom"))
            where = f"{container.field}.env[{env.get('name') or index}].valueFrom"
            for key, kind in _KEY_REFS:
                ref = mapping(value_from.get(key))
                if ref:
                    yield Reference(kind, ref.get("name"), (str(ref.get("key")),), _optional(ref), f"{where}.{key}")
        for index, source in enumerate(sequence(container.spec.get("envFrom"))):
            for key, kind in _ENV_FROM:
                ref = mapping(mapping(source).get(key))
                if ref:
                    yield Reference(
                        kind, ref.get("name"), (), _optional(ref), f"{container.field}.envFrom[{index}].{key}"
                    )
    for volume, where in pod_volumes(spec, field):
        for key, kind in _SOURCES:
            ref = mapping(volume.get(key))
            if ref:
                yield Reference(kind, _volume_name(ref, key), _item_keys(ref), _optional(ref), f"{where}.{key}")
        for index, source in enumerate(sequence(dig(volume, "projected", "sources"))):
            for key, kind in _SOURCES:
                ref = mapping(mapping(source).get(key))
                if ref:
                    yield Reference(
                        kind,
                        ref.get("name"),
                        _item_keys(ref),
                        _optional(ref),
                        f"{where}.projected.sources[{index}].{key}",
                    )
    for index, ref in enumerate(sequence(spec.get("imagePullSecrets"))):
        yield Reference(SECRET, mapping(ref).get("name"), (), False, f"{field}.imagePullSecrets[{index}]", pull=True)
