"""The README's one-time bootstrap, step by step, with placeholder values.

Step 3 of both engines' bootstrap: create the namespace and every object the environment needs that
git does not deliver, the list `main.py diff` gives the operator before a merge
(gitops/k8s/prerequisites.py: the Secrets config declares, as INVENTORY.md lists them, and whatever
else the pods read), with `kubectl create` exactly as the README shows. Values are placeholders;
only names, types and keys matter. After delivery, pod_reference_problems() says which pods
reference an object or key that the list omits: kwok starts containers without reading them, a
kubelet would not.
"""

from __future__ import annotations

from dataclasses import dataclass

from gitops.k8s import images
from gitops.k8s.manifests import Resource
from gitops.k8s.prerequisites import Needed
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
    kind: str = "Secret"  # or ConfigMap


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


def secret_plans(needed: list[Needed], resources: list[Resource]) -> list[SecretPlan]:
    """A kubectl create for each object of the list (prerequisites.needed() of what the engine delivers)."""
    hosts = registry_hosts(resources)
    plans = []
    argv: tuple[str, ...]
    for item in needed:
        namespace, name, keys = item.namespace, item.name, item.keys
        literals = tuple(f"--from-literal={key}={PLACEHOLDER}" for key in keys)
        if item.kind == "ConfigMap":
            argv = ("-n", namespace, "create", "configmap", name, *literals)
        elif item.type == DOCKER_CONFIG:
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
            argv = ("-n", namespace, "create", "secret", "generic", name, f"--type={item.type}", *literals)
        plans.append(SecretPlan(namespace, name, item.type or item.kind, keys, argv, item.kind))
    return plans


def pod_reference_problems(
    pod: dict, existing: dict[tuple[str, str], set[str]], listed: dict[tuple[str, str], set[str]] | None = None
) -> list[str]:
    """What a kubelet would refuse to start this pod for; existing maps (kind, name) -> keys in the cluster,
    listed the same for the objects of the before-merge list (what the bootstrap created)."""
    listed = listed or {}
    problems = []
    for reference in pod_references(mapping(pod.get("spec")), "spec"):
        if reference.optional:
            continue
        kind, name = reference.kind, str(reference.name)
        keys = existing.get((kind, name))
        if keys is None:
            why = "the before-merge list names it" if (kind, name) in listed else "the before-merge list omits it"
            problems.append(f"{kind} {name} does not exist ({why})")
            continue
        for key in reference.keys:
            if key in keys:
                continue
            if (kind, name) in listed:
                given = ", ".join(sorted(listed[(kind, name)])) or "no keys"
                problems.append(f"{kind} {name} has no key {key} (the before-merge list gives it {given})")
            else:
                problems.append(f"{kind} {name} has no key {key} (its keys: {', '.join(sorted(keys)) or 'none'})")
    return sorted(set(problems))
