"""The README's one-time bootstrap, step by step, with placeholder values.

Step 3 of both engines' bootstrap: create the namespace and every Secret the environment
declares (the declarations ConfigMap, as INVENTORY.md lists them), with `kubectl create`
exactly as the README shows. Values are placeholders; only names, types and keys matter.
After delivery, pod_reference_problems() says which pods reference a Secret or key that this
bootstrap did not create: kwok starts containers without reading them, a kubelet would not.
"""

from __future__ import annotations

from dataclasses import dataclass

from gitops.k8s import images
from gitops.k8s.declared import Declared
from gitops.k8s.manifests import Resource
from gitops.k8s.references import pod_references
from gitops.k8s.workloads import mapping, pod_containers, pod_spec, sequence

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
        spec = pod_spec(resource.obj) or {}
        containers = sorted(pod_containers(spec, "spec"), key=lambda c: c.init)  # the app's own images first
        registries = [images.registry_of(str(c.spec.get("image", ""))) for c in containers]
        for ref in sequence(spec.get("imagePullSecrets")):
            for registry in filter(None, registries):
                hosts.setdefault(str(mapping(ref).get("name")), registry)
    return hosts


def secret_plans(declared: Declared, resources: list[Resource]) -> list[SecretPlan]:
    hosts = registry_hosts(resources)
    plans = []
    argv: tuple[str, ...]
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


def pod_reference_problems(pod: dict, existing: dict[tuple[str, str], set[str]]) -> list[str]:
    """What a kubelet would refuse to start this pod for; existing maps (kind, name) -> keys."""
    problems = []
    for reference in pod_references(mapping(pod.get("spec")), "spec"):
        if reference.optional:
            continue
        kind, name = reference.kind, reference.name
        keys = existing.get((kind, str(name)))
        if keys is None:
            problems.append(f"{kind} {name} does not exist (the bootstrap does not create it)")
            continue
        for key in reference.keys:
            if key not in keys:
                problems.append(f"{kind} {name} has no key {key} (the bootstrap creates {', '.join(sorted(keys))})")
    return sorted(set(problems))
