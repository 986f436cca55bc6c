"""Whether the pods a change starts read the ConfigMaps that change gives them, watched while an engine applies it.

The kubelet resolves a container's environment from the ConfigMaps it names when it starts the
container, and never again (pkg/kubelet/kubelet_pods.go, makeEnvironmentVariables): a pod that
starts before the ConfigMap it reads holds the change's data runs with the old values until it is
restarted, and when the same change rolled it (the settings hash on the pod template) nothing will
restart it. Which comes first is the engine's order of applying: Flux applies a unit only once the
units it depends on are Ready at the same revision; Argo CD syncs each Application on its own, so
its sync waves order the Applications only when the root Application syncs them.

Pods are listed before the ConfigMaps on every look: a pod already running while the ConfigMap still
holds the base's data started before it changed, for certain. (A pod that started between two looks
while the ConfigMap changed is given the benefit of the doubt.)
"""

from __future__ import annotations

import contextlib
import threading
from dataclasses import dataclass
from urllib.parse import quote

from gitops.k8s.manifests import Resource
from gitops.k8s.references import CONFIG_MAP, pod_references
from gitops.k8s.workloads import dig, mapping, sequence
from gitops.rehearse import cluster
from gitops.rehearse.kube import Api, ApiError

CONFIG_MAPS = "/api/v1/namespaces/{ns}/configmaps"
ConfigMapKey = tuple[str, str]  # (namespace, name)


def changed_config_maps(before: list[Resource], after: list[Resource]) -> dict[ConfigMapKey, dict]:
    """The ConfigMaps both commits hold whose data the change modifies, with the head's data. (A ConfigMap
    the change adds cannot be read stale: a pod that names it does not start without it.)"""
    old = {(r.namespace or "", r.name): mapping(r.obj.get("data")) for r in before if r.kind == "ConfigMap"}
    return {
        (r.namespace or "", r.name): mapping(r.obj.get("data"))
        for r in after
        if r.kind == "ConfigMap"
        and (r.namespace or "", r.name) in old
        and old[(r.namespace or "", r.name)] != mapping(r.obj.get("data"))
    }


def reads(pod: dict) -> set[str]:
    """The ConfigMaps a pod's containers take their environment from (env and envFrom)."""
    return {
        str(ref.name)
        for ref in pod_references(mapping(pod.get("spec")), "spec")
        if ref.kind == CONFIG_MAP and ".env" in ref.field
    }


@dataclass(frozen=True)
class StaleStart:
    owner: str  # "Deployment ns/name", or the pod's own reference
    pod: str
    config_map: ConfigMapKey


class Freshness:
    """Polls in a thread until stopped; `stale` lists each pod that started while a ConfigMap it reads was old."""

    def __init__(self, api: Api, namespaces: list[str], changed: dict[ConfigMapKey, dict], period: float = 0.2) -> None:
        self.api, self.namespaces, self.changed, self.period = api, namespaces, changed, period
        self.decided: set[str] = set()  # pods already running before the change, or judged once running
        self.stale: list[StaleStart] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="freshness", daemon=True)

    def look(self, first: bool = False) -> None:
        running = [
            pod
            for ns in self.namespaces
            for pod in self.api.items(cluster.PODS.format(ns=quote(ns)))
            if dig(pod, "status", "phase") == "Running"
        ]
        current = {
            key: mapping(dig(self.api.find(f"{CONFIG_MAPS.format(ns=quote(key[0]))}/{quote(key[1])}") or {}, "data"))
            for key in self.changed
        }
        for pod in running:
            uid = str(dig(pod, "metadata", "uid"))
            if uid in self.decided:
                continue
            self.decided.add(uid)
            if first:
                continue  # running before the change was applied: it belongs to the base
            namespace = str(dig(pod, "metadata", "namespace"))
            for name in sorted(reads(pod)):
                key = (namespace, name)
                if key in self.changed and current[key] != self.changed[key]:
                    self.stale.append(StaleStart(self._owner(pod), str(dig(pod, "metadata", "name")), key))

    def _owner(self, pod: dict) -> str:
        namespace = str(dig(pod, "metadata", "namespace"))
        for deployment in self.api.items(cluster.DEPLOYMENTS.format(ns=quote(namespace))):
            if cluster.selected(deployment, pod):
                return f"Deployment {namespace}/{deployment['metadata']['name']}"
        owners = [mapping(o).get("name") for o in sequence(dig(pod, "metadata", "ownerReferences"))]
        return f"Pod {namespace}/{dig(pod, 'metadata', 'name')}" + (f" (owned by {owners[0]})" if owners else "")

    def _loop(self) -> None:
        while not self._stop.wait(self.period):
            with contextlib.suppress(ApiError, OSError):  # a missed look; the next one follows
                self.look()

    def __enter__(self) -> Freshness:
        if self.changed:
            self.look(first=True)
            self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(timeout=5)
            with contextlib.suppress(ApiError, OSError):
                self.look()
