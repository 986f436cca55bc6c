"""Where workloads keep their pods: pod spec paths, containers, replica counts, pod labels."""

from __future__ import annotations

from gitops.review.diff.model import Named

REPLICATED = frozenset({"Deployment", "StatefulSet", "ReplicaSet", "ReplicationController"})
WORKLOADS = REPLICATED | {"DaemonSet", "Job", "CronJob", "Pod"}
CONTAINER_LISTS = ("initContainers", "containers")


def pod_spec_path(kind: str) -> tuple[str, ...] | None:
    if kind == "Pod":
        return ("spec",)
    if kind == "CronJob":
        return ("spec", "jobTemplate", "spec", "template", "spec")
    if kind in WORKLOADS:
        return ("spec", "template", "spec")
    return None


def pod_spec(obj: dict | None) -> dict | None:
    if obj is None:
        return None
    path = pod_spec_path(obj.get("kind", ""))
    if path is None:
        return None
    node: object = obj
    for key in path:
        node = node.get(key) if isinstance(node, dict) else None
    return node if isinstance(node, dict) else {}


def pod_labels(obj: dict) -> dict:
    if obj.get("kind") == "Pod":
        return (obj.get("metadata") or {}).get("labels") or {}
    path = pod_spec_path(obj.get("kind", ""))
    if path is None:
        return {}
    node: object = obj
    for key in path[:-1] + ("metadata", "labels"):
        node = node.get(key) if isinstance(node, dict) else None
    return node if isinstance(node, dict) else {}


def replicas(obj: dict | None) -> int | None:
    """Desired pods of a replicated workload (the API's default is 1); None for other kinds."""
    if obj is None or obj.get("kind") not in REPLICATED:
        return None
    value = (obj.get("spec") or {}).get("replicas", 1)
    if isinstance(value, bool) or not isinstance(value, int):
        return None
    return value


def containers(pod: dict | None) -> dict[tuple[str, str], dict]:
    """(list, name) -> container, for init and regular containers."""
    found: dict[tuple[str, str], dict] = {}
    for list_name in CONTAINER_LISTS:
        for item in (pod or {}).get(list_name) or []:
            if isinstance(item, dict) and isinstance(item.get("name"), str):
                found[(list_name, item["name"])] = item
    return found


def container_path(kind: str, list_name: str, name: str) -> tuple:
    return (pod_spec_path(kind) or ()) + (list_name, Named("name", name))


def strategy_type(obj: dict) -> str:
    spec = obj.get("spec") or {}
    if obj.get("kind") == "Deployment":
        return (spec.get("strategy") or {}).get("type") or "RollingUpdate"
    if obj.get("kind") in ("StatefulSet", "DaemonSet"):
        return (spec.get("updateStrategy") or {}).get("type") or "RollingUpdate"
    return ""
