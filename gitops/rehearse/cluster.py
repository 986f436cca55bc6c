"""Read the rehearsal cluster's state: the pods of a workload, events, and pods no node takes.

What the state means (Ready, Available, unschedulable, which pods a selector picks) is Kubernetes'
rule and lives in gitops/k8s (status.py, selectors.py); this module only asks the API server.
"""

from __future__ import annotations

from datetime import UTC, datetime
from urllib.parse import quote

from gitops.k8s import selectors, status
from gitops.k8s.workloads import dig, mapping, sequence
from gitops.rehearse.kube import Api

DEPLOYMENTS = "/apis/apps/v1/namespaces/{ns}/deployments"
PODS = "/api/v1/namespaces/{ns}/pods"


def pods_of(api: Api, deployment: dict) -> list[dict]:
    """The pods the Deployment's selector picks, terminating ones included."""
    query = selectors.query(dig(deployment, "spec", "selector"))
    if query is None:
        return []
    return api.items(PODS.format(ns=deployment["metadata"]["namespace"]) + "?labelSelector=" + quote(query))


def selected(deployment: dict, pod: dict) -> bool:
    """Whether the Deployment's selector picks the pod."""
    return selectors.selects(dig(deployment, "spec", "selector"), dig(pod, "metadata", "labels"))


def owned(deployments: list[dict], pod: dict) -> dict | None:
    """The Deployment whose selector picks the pod, if one does."""
    return next((d for d in deployments if selected(d, pod)), None)


def events_for(api: Api, namespace: str, kind: str, name: str, limit: int = 6) -> list[str]:
    selector = quote(f"involvedObject.kind={kind},involvedObject.name={name}")
    items = api.items(f"/api/v1/namespaces/{namespace}/events?fieldSelector={selector}")
    items.sort(key=lambda e: e.get("lastTimestamp") or e.get("eventTime") or "")
    lines = [f"{kind} {name}: {e.get('reason')}: {' '.join((e.get('message') or '').split())}" for e in items]
    return list(dict.fromkeys(lines))[-limit:]  # the same event recorded twice is shown once


def workload_events(api: Api, deployment: dict) -> list[str]:
    """Events of a Deployment, its ReplicaSets and its pods, newest last."""
    ns, name = deployment["metadata"]["namespace"], deployment["metadata"]["name"]
    found = events_for(api, ns, "Deployment", name, 3)
    for rs in api.items(f"/apis/apps/v1/namespaces/{ns}/replicasets"):
        owners = [mapping(o) for o in sequence(dig(rs, "metadata", "ownerReferences"))]
        if any(o.get("kind") == "Deployment" and o.get("name") == name for o in owners):
            found += events_for(api, ns, "ReplicaSet", rs["metadata"]["name"], 3)
    for pod in pods_of(api, deployment):
        found += events_for(api, ns, "Pod", pod["metadata"]["name"], 2)
    return found[-8:]


# How long a pod may stay unschedulable before waiting longer is pointless: the scheduler retries an
# unschedulable pod within seconds of any change (kube-scheduler's backoff is 1 s to 10 s), and in a
# rehearsal nothing changes unless the rehearsal changes it.
UNSCHEDULABLE_SECONDS = 20.0


def _age(stamp: object) -> float:
    if not isinstance(stamp, str) or not stamp:
        return 0.0
    when = datetime.strptime(stamp, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
    return (datetime.now(UTC) - when).total_seconds()


def stuck(api: Api, namespaces: list[str], older_than: float = UNSCHEDULABLE_SECONDS) -> str | None:
    """The first pod no node has taken for older_than seconds, with the scheduler's reason."""
    for ns in namespaces:
        for pod in api.items(PODS.format(ns=ns)):
            message = status.unschedulable(pod)
            since = status.condition(pod, "PodScheduled").get("lastTransitionTime")
            if message is not None and _age(since) >= older_than:
                return f"pod {ns}/{pod['metadata']['name']} unschedulable for {older_than:.0f} s: {message}"
    return None
