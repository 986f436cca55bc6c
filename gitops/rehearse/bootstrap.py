"""The README's one-time bootstrap, step by step, with placeholder values.

Step 3 of both engines' bootstrap: create the namespace and every Secret the environment
declares (the declarations ConfigMap, as INVENTORY.md lists them), with `kubectl create`
exactly as the README shows. Values are placeholders; only names, types and keys matter.
After delivery, pod_reference_problems() says which pods reference a Secret or key that this
bootstrap did not create: kwok starts containers without reading them, a kubelet would not.
"""

from __future__ import annotations

from dataclasses import dataclass

from gitops.k8s.declared import Declared
from gitops.k8s.manifests import Resource

PLACEHOLDER = "rehearsal-placeholder"
DOCKER_CONFIG = "kubernetes.io/dockerconfigjson"


@dataclass(frozen=True)
class SecretPlan:
    namespace: str
    name: str
    type: str
    keys: tuple[str, ...]
    argv: tuple[str, ...]  # the kubectl command line, without the kubectl binary and kubeconfig


def registry_hosts(resources: list[Resource]) -> dict[str, str]:
    """Pull secret name -> the registry host of the images pulled with it."""
    hosts: dict[str, str] = {}
    for resource in resources:
        pod = ((resource.obj.get("spec") or {}).get("template") or {}).get("spec") or {}
        for ref in pod.get("imagePullSecrets") or []:
            for container in (pod.get("containers") or []) + (pod.get("initContainers") or []):
                image = container.get("image", "")
                if "/" in image and "." in image.split("/", 1)[0]:
                    hosts.setdefault(ref.get("name"), image.split("/", 1)[0])
    return hosts


def secret_plans(declared: Declared, resources: list[Resource]) -> list[SecretPlan]:
    hosts = registry_hosts(resources)
    plans = []
    for (namespace, name), keys in sorted(declared.secrets.items()):
        kind = declared.secret_types.get((namespace, name), "Opaque")
        if kind == DOCKER_CONFIG:
            argv = (
                "-n",
                namespace,
                "create",
                "secret",
                "docker-registry",
                name,
                f"--docker-server={hosts.get(name, 'registry.invalid')}",
                "--docker-username=rehearsal",
                f"--docker-password={PLACEHOLDER}",
            )
        else:
            argv = (
                "-n",
                namespace,
                "create",
                "secret",
                "generic",
                name,
                f"--type={kind}",
                *(f"--from-literal={key}={PLACEHOLDER}" for key in sorted(keys)),
            )
        plans.append(SecretPlan(namespace, name, kind, tuple(sorted(keys)), argv))
    return plans


def _refs(pod_spec: dict) -> list[tuple[str, str, str | None, bool]]:
    """(kind, name, key or None, optional) for every Secret/ConfigMap a pod's kubelet would read."""
    found = []
    for container in (pod_spec.get("containers") or []) + (pod_spec.get("initContainers") or []):
        for env in container.get("env") or []:
            source = env.get("valueFrom") or {}
            for field, kind in (("secretKeyRef", "Secret"), ("configMapKeyRef", "ConfigMap")):
                ref = source.get(field)
                if ref:
                    found.append((kind, ref.get("name"), ref.get("key"), bool(ref.get("optional"))))
        for env_from in container.get("envFrom") or []:
            for field, kind in (("secretRef", "Secret"), ("configMapRef", "ConfigMap")):
                ref = env_from.get(field)
                if ref:
                    found.append((kind, ref.get("name"), None, bool(ref.get("optional"))))
    for volume in pod_spec.get("volumes") or []:
        if "secret" in volume:
            ref = volume["secret"]
            found.append(("Secret", ref.get("secretName"), None, bool(ref.get("optional"))))
        if "configMap" in volume:
            ref = volume["configMap"]
            found.append(("ConfigMap", ref.get("name"), None, bool(ref.get("optional"))))
    for ref in pod_spec.get("imagePullSecrets") or []:
        found.append(("Secret", ref.get("name"), None, False))
    return found


def pod_reference_problems(pod: dict, existing: dict[tuple[str, str], set[str]]) -> list[str]:
    """What a kubelet would refuse to start this pod for; existing maps (kind, name) -> keys."""
    problems = []
    for kind, name, key, optional in _refs(pod.get("spec") or {}):
        if optional:
            continue
        keys = existing.get((kind, name))
        if keys is None:
            problems.append(f"{kind} {name} does not exist (the bootstrap does not create it)")
        elif key is not None and key not in keys:
            problems.append(f"{kind} {name} has no key {key} (the bootstrap creates {', '.join(sorted(keys))})")
    return sorted(set(problems))
