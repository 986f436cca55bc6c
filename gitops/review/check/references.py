"""Every name a pod or Ingress refers to must resolve, down to the key.

A missing Secret, ConfigMap or key is not an apply error: the pod is created
and then sits in CreateContainerConfigError (env) or ContainerCreating
(volumes), and a missing pull secret surfaces as ImagePullBackOff. The Swarm
stack shipped secret references that never resolved for exactly this reason.

Secrets usually live only in the cluster; the generator's declarations
ConfigMap lists them (names and keys, never values), so a reference resolves
to a Secret object in the set or to a declared secret.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from gitops.k8s.manifests import Resource
from gitops.k8s.references import pod_references
from gitops.k8s.workloads import PodTemplate, dig, mapping, sequence
from gitops.review.check.context import Context
from gitops.review.check.registry import rule
from gitops.review.findings import Issue, Severity, Topic

# Published into every namespace by kube-controller-manager's root CA publisher.
BUILTIN_CONFIGMAPS = {"kube-root-ca.crt": {"ca.crt"}}
PULL_SECRET_TYPES = {"kubernetes.io/dockerconfigjson", "kubernetes.io/dockercfg"}


@dataclass(frozen=True)
class Target:
    keys: set[str]
    type: str | None
    origin: str


def _secret(ctx: Context, namespace: str, name: str) -> Target | None:
    found = ctx.get("Secret", namespace, name)
    if found is not None:
        keys = set(mapping(found.obj.get("data"))) | set(mapping(found.obj.get("stringData")))
        return Target(keys, str(found.obj.get("type") or "Opaque"), "in this set")
    if ctx.declared.has_secret(namespace, name):
        return Target(
            ctx.declared.secret_keys(namespace, name), ctx.declared.secret_types.get((namespace, name)), "declared"
        )
    return None


def _configmap(ctx: Context, namespace: str, name: str) -> Target | None:
    found = ctx.get("ConfigMap", namespace, name)
    if found is not None:
        return Target(
            set(mapping(found.obj.get("data"))) | set(mapping(found.obj.get("binaryData"))), None, "in this set"
        )
    if name in BUILTIN_CONFIGMAPS:
        return Target(BUILTIN_CONFIGMAPS[name], None, "built in")
    return None


class _Resolver:
    def __init__(self, ctx: Context):
        self.ctx = ctx

    def _missing_secret(self, namespace: str) -> str:
        declared = sorted(name for ns, name in self.ctx.declared.secrets if ns == namespace)
        in_set = sorted(s.name for s in self.ctx.of_kind("Secret") if s.namespace == namespace)
        known = sorted(set(declared) | set(in_set))
        source = "not in this set and not declared in a declarations ConfigMap"
        return f"{source} (known secrets in {namespace or '(none)'}: {', '.join(known) or 'none'})"

    def check(
        self, owner: Resource, field: str, kind: str, name: object, keys: list[str], optional: bool = False
    ) -> Iterator[Issue]:
        if optional:
            return
        namespace = owner.namespace
        if not isinstance(name, str) or not name:
            yield Issue(owner, field, f"the {kind} reference has no name", f"name the {kind}")
            return
        target = (_secret if kind == "Secret" else _configmap)(self.ctx, namespace, name)
        if target is None:
            where = self._missing_secret(namespace) if kind == "Secret" else "not in this set"
            yield Issue(
                owner,
                field,
                f"{kind} {name} does not exist in namespace {namespace or '(none)'}: {where}",
                f"fix the name, add the {kind} (a Secret: declare it under secrets: in the environment's config), "
                "or mark the reference optional: true if the pod can run without it",
            )
            return
        for key in keys:
            if key not in target.keys:
                yield Issue(
                    owner,
                    field,
                    f"{kind} {name} ({target.origin}) has no key {key} "
                    f"(its keys: {', '.join(sorted(target.keys)) or 'none'})",
                    f"use one of those keys, or add {key} to the {kind}",
                )

    def pod(self, pod: PodTemplate) -> Iterator[Issue]:
        owner = pod.resource
        volume_names = {str(mapping(v).get("name")) for v, _ in pod.volumes()}
        volume_names |= {
            str(dig(t, "metadata", "name")) for t in sequence(dig(owner.obj, "spec", "volumeClaimTemplates"))
        }
        for reference in pod_references(pod.spec, pod.field):
            if reference.pull:
                yield from self.pull_secret(owner, reference.name, reference.field)
            else:
                yield from self.check(
                    owner, reference.field, reference.kind, reference.name, list(reference.keys), reference.optional
                )
        for container in pod.containers():
            for index, mount in enumerate(sequence(container.spec.get("volumeMounts"))):
                name = mapping(mount).get("name")
                if str(name) not in volume_names:
                    yield Issue(
                        owner,
                        f"{container.field}.volumeMounts[{name or index}]",
                        f"mounts volume {name}, which the pod does not define (volumes: "
                        f"{', '.join(sorted(volume_names)) or 'none'})",
                        "add the volume to the pod's volumes, or fix the mount's name",
                    )
        for volume, field in pod.volumes():
            yield from self.claim(owner, volume, field)
        account = pod.spec.get("serviceAccountName") or pod.spec.get("serviceAccount")
        if account and account != "default" and self.ctx.get("ServiceAccount", owner.namespace, str(account)) is None:
            yield Issue(
                owner,
                f"{pod.field}.serviceAccountName",
                f"ServiceAccount {account} does not exist in namespace {owner.namespace or '(none)'} in this set: "
                "the controller cannot create the pods",
                "add the ServiceAccount to the set, or remove serviceAccountName to use default",
            )

    def claim(self, owner: Resource, volume: dict, field: str) -> Iterator[Issue]:
        claim = mapping(volume.get("persistentVolumeClaim"))
        if claim:
            name = claim.get("claimName")
            if self.ctx.get("PersistentVolumeClaim", owner.namespace, str(name)) is None:
                yield Issue(
                    owner,
                    f"{field}.persistentVolumeClaim.claimName",
                    f"PersistentVolumeClaim {name} does not exist in namespace {owner.namespace or '(none)'} in this "
                    "set: the pod stays Pending",
                    "add the PersistentVolumeClaim to the set, or fix claimName",
                )

    def pull_secret(self, owner: Resource, name: object, field: str) -> Iterator[Issue]:
        issues = list(self.check(owner, field, "Secret", name, []))
        if issues:
            yield from issues
            return
        target = _secret(self.ctx, owner.namespace, str(name))
        if target is not None and target.type not in PULL_SECRET_TYPES:
            yield Issue(
                owner,
                field,
                f"Secret {name} is of type {target.type}; the kubelet only reads pull credentials from "
                f"{' or '.join(sorted(PULL_SECRET_TYPES))}",
                "create it with `kubectl create secret docker-registry` (type kubernetes.io/dockerconfigjson)",
            )


@rule(
    "reference-unresolved",
    Topic.INTEGRITY,
    Severity.ERROR,
    prevents="pods stuck in CreateContainerConfigError, ContainerCreating or ImagePullBackOff because a "
    "Secret, ConfigMap, key, claim, volume or service account they name does not exist",
    fix="fix the name or key, add the object (declare secrets under secrets: in config), or mark it optional: true",
)
def reference_unresolved(ctx: Context) -> Iterator[Issue]:
    resolver = _Resolver(ctx)
    for pod in ctx.pods:
        yield from resolver.pod(pod)
    for ingress in ctx.of_kind("Ingress"):
        for index, tls in enumerate(sequence(dig(ingress.obj, "spec", "tls"))):
            name = mapping(tls).get("secretName")
            if name:
                yield from resolver.check(ingress, f"spec.tls[{index}].secretName", "Secret", name, [])
