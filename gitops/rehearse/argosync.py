"""The order in which Argo CD syncs one Application, and what it prunes: the stand-in's rules.

From argo-cd's gitops-engine (gitops-engine/pkg/sync/sync_tasks.go, sync_context.go, v3.x):
tasks sort by wave (annotation argocd.argoproj.io/sync-wave, default 0), then by kind in the
order of `kindOrder` (Helm's kind_sorter order; a kind not in the list sorts after all of them),
then by name; a Namespace is moved up to the first wave of the objects inside it. Prune tasks
take their live object's wave, with the waves reversed (what was created first is deleted last),
and PruneLast (the Application's sync option or the object's annotation) moves them to one wave
after the last. Within a wave, pruning runs before applying. An object whose sync-options
annotation says Prune=false is never pruned; nothing is pruned unless the Application's
syncPolicy.automated.prune is true.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from gitops.annotations import argo_sync_options
from gitops.k8s.workloads import dig, mapping, sequence

WAVE = "argocd.argoproj.io/sync-wave"

# gitops-engine pkg/sync/sync_tasks.go, kindOrder.
KIND_ORDER = (
    "Namespace",
    "NetworkPolicy",
    "ResourceQuota",
    "LimitRange",
    "PodSecurityPolicy",
    "PodDisruptionBudget",
    "ServiceAccount",
    "Secret",
    "SecretList",
    "ConfigMap",
    "StorageClass",
    "PersistentVolume",
    "PersistentVolumeClaim",
    "CustomResourceDefinition",
    "ClusterRole",
    "ClusterRoleList",
    "ClusterRoleBinding",
    "ClusterRoleBindingList",
    "Role",
    "RoleList",
    "RoleBinding",
    "RoleBindingList",
    "Service",
    "DaemonSet",
    "Pod",
    "ReplicationController",
    "ReplicaSet",
    "Deployment",
    "HorizontalPodAutoscaler",
    "StatefulSet",
    "Job",
    "CronJob",
    "IngressClass",
    "Ingress",
    "APIService",
)
_RANK = {kind: index - len(KIND_ORDER) for index, kind in enumerate(KIND_ORDER)}


def kind_rank(kind: str) -> int:
    """Negative for the listed kinds, in their order; 0 (last) for any other kind."""
    return _RANK.get(kind, 0)


def key(obj: dict) -> tuple[str, str, str, str]:
    """(group, kind, namespace, name): how Argo CD tells objects apart."""
    group = obj.get("apiVersion", "").rpartition("/")[0]
    meta = mapping(obj.get("metadata"))
    return group, obj.get("kind", ""), meta.get("namespace", ""), meta.get("name", "")


def wave(obj: dict) -> int:
    try:
        return int(str(dig(obj, "metadata", "annotations", WAVE) or "0"))
    except ValueError:
        return 0


def options(obj: dict) -> set[str]:
    """An object's sync options (annotation, comma-separated), or an Application's syncPolicy.syncOptions."""
    if obj.get("kind") == "Application" and "spec" in obj:
        return set(sequence(dig(obj, "spec", "syncPolicy", "syncOptions")))
    return argo_sync_options(obj)


@dataclass(frozen=True)
class Task:
    wave: int
    obj: dict
    prune: bool = False

    @property
    def sort_key(self) -> tuple:
        return self.wave, kind_rank(self.obj.get("kind", "")), str(dig(self.obj, "metadata", "name") or "")


@dataclass
class Plan:
    waves: list[tuple[int, list[Task], list[Task]]]  # (wave, prune tasks, apply tasks), in order
    kept: list[dict]  # live objects no longer in git that Argo CD leaves: Prune=false, or pruning is off


def plan(app: dict, target: list[dict], previous: list[dict]) -> Plan:
    """The sync of app from previous (what its last sync applied) to target (git now)."""
    wanted = {key(o) for o in target}
    applying = _namespaces_first([Task(wave(o), o) for o in target])
    gone = [o for o in previous if key(o) not in wanted]
    policy = mapping(dig(app, "spec", "syncPolicy", "automated"))
    kept = [o for o in gone if not policy.get("prune") or "Prune=false" in options(o)]
    pruning = [o for o in gone if o not in kept]
    prune_waves = sorted({wave(o) for o in pruning})
    mirrored = dict(zip(prune_waves, reversed(prune_waves), strict=True))
    last = max([t.wave for t in applying] + list(prune_waves) + [0]) + 1
    prune_last = "PruneLast=true" in options(app)
    prunes = [
        Task(last if prune_last or "PruneLast=true" in options(o) else mirrored[wave(o)], o, prune=True)
        for o in pruning
    ]
    grouped: dict[int, tuple[list[Task], list[Task]]] = defaultdict(lambda: ([], []))
    for task in sorted(applying + prunes, key=lambda t: t.sort_key):
        grouped[task.wave][0 if task.prune else 1].append(task)
    return Plan([(w, *grouped[w]) for w in sorted(grouped)], kept)


def _namespaces_first(tasks: list[Task]) -> list[Task]:
    """A Namespace syncs in the first wave of the objects inside it (sync_tasks.go, adjustDeps)."""
    first: dict[str, int] = {}
    for task in tasks:
        namespace = dig(task.obj, "metadata", "namespace")
        if isinstance(namespace, str) and namespace and task.obj.get("kind") != "Namespace":
            first[namespace] = min(first.get(namespace, task.wave), task.wave)
    return [
        Task(min(t.wave, first.get(t.obj["metadata"]["name"], t.wave)), t.obj)
        if t.obj.get("kind") == "Namespace" and not t.obj.get("apiVersion", "").count("/")
        else t
        for t in tasks
    ]
