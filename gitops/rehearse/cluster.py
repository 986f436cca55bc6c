"""Read the rehearsal cluster's state: workloads, pods, claims, events."""

from __future__ import annotations

from datetime import UTC

from gitops.rehearse.kube import Api

DEPLOYMENTS = "/apis/apps/v1/namespaces/{ns}/deployments"
PODS = "/api/v1/namespaces/{ns}/pods"


def condition(obj: dict, kind: str) -> dict:
    for item in (obj.get("status") or {}).get("conditions") or []:
        if item.get("type") == kind:
            return item
    return {}


def available(deployment: dict) -> bool:
    spec, status = deployment.get("spec") or {}, deployment.get("status") or {}
    want = spec.get("replicas", 1)
    return (
        condition(deployment, "Available").get("status") == "True"
        and status.get("observedGeneration", 0) >= deployment["metadata"].get("generation", 0)
        and status.get("updatedReplicas", 0) == want
        and status.get("readyReplicas", 0) == want
        and status.get("replicas", 0) == want
    )


def selector_query(deployment: dict) -> str:
    labels = ((deployment.get("spec") or {}).get("selector") or {}).get("matchLabels") or {}
    return ",".join(f"{k}={v}" for k, v in sorted(labels.items()))


def selects(deployment: dict, pod: dict) -> bool:
    """Whether the Deployment's matchLabels select the pod (the project's selectors are matchLabels only)."""
    labels = pod["metadata"].get("labels") or {}
    wanted = ((deployment.get("spec") or {}).get("selector") or {}).get("matchLabels") or {}
    return bool(wanted) and all(labels.get(k) == v for k, v in wanted.items())


def pods_of(api: Api, deployment: dict) -> list[dict]:
    from urllib.parse import quote

    ns = deployment["metadata"]["namespace"]
    return api.items(PODS.format(ns=ns) + "?labelSelector=" + quote(selector_query(deployment)))


def pod_ready(pod: dict) -> bool:
    return (not pod["metadata"].get("deletionTimestamp")) and condition(pod, "Ready").get("status") == "True"


def alive(pod: dict) -> bool:
    """A pod whose containers may be running: scheduled and not yet gone (terminating counts)."""
    phase = (pod.get("status") or {}).get("phase")
    return bool((pod.get("spec") or {}).get("nodeName")) and phase not in ("Succeeded", "Failed")


def events_for(api: Api, namespace: str, kind: str, name: str, limit: int = 6) -> list[str]:
    from urllib.parse import quote

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
        owners = rs["metadata"].get("ownerReferences") or []
        if any(o.get("kind") == "Deployment" and o.get("name") == name for o in owners):
            found += events_for(api, ns, "ReplicaSet", rs["metadata"]["name"], 3)
    for pod in pods_of(api, deployment):
        found += events_for(api, ns, "Pod", pod["metadata"]["name"], 2)
    return found[-8:]


def required_hostname(pod_spec: dict) -> str | None:
    """The one node a pod template is pinned to by required node affinity or nodeSelector."""
    selector = (pod_spec.get("nodeSelector") or {}).get("kubernetes.io/hostname")
    if selector:
        return selector
    affinity = ((pod_spec.get("affinity") or {}).get("nodeAffinity") or {}).get(
        "requiredDuringSchedulingIgnoredDuringExecution"
    ) or {}
    for term in affinity.get("nodeSelectorTerms") or []:
        for expression in term.get("matchExpressions") or []:
            values = expression.get("values") or []
            if (
                expression.get("key") == "kubernetes.io/hostname"
                and expression.get("operator") == "In"
                and len(values) == 1
            ):
                return values[0]
    return None


def hostname_spread(pod_spec: dict) -> dict | None:
    """The hard topology spread over nodes, if the template has one."""
    for constraint in pod_spec.get("topologySpreadConstraints") or []:
        if (
            constraint.get("topologyKey") == "kubernetes.io/hostname"
            and constraint.get("whenUnsatisfiable") == "DoNotSchedule"
        ):
            return constraint
    return None


def claims(pod_spec: dict) -> list[str]:
    return [
        v["persistentVolumeClaim"]["claimName"] for v in pod_spec.get("volumes") or [] if v.get("persistentVolumeClaim")
    ]


# How long a pod may stay unschedulable before waiting longer is pointless: the scheduler retries an
# unschedulable pod within seconds of any change (kube-scheduler's backoff is 1 s to 10 s), and in a
# rehearsal nothing changes unless the rehearsal changes it.
UNSCHEDULABLE_SECONDS = 20.0


def _age(stamp: str | None) -> float:
    from datetime import datetime

    if not stamp:
        return 0.0
    when = datetime.strptime(stamp, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
    return (datetime.now(UTC) - when).total_seconds()


def unschedulable(pod: dict) -> str | None:
    """The scheduler's message for a pod it could not place, or None."""
    scheduled = condition(pod, "PodScheduled")
    if (
        pod["metadata"].get("deletionTimestamp")
        or scheduled.get("status") != "False"
        or scheduled.get("reason") != "Unschedulable"
    ):
        return None
    return " ".join((scheduled.get("message") or "").split())


def stuck(api: Api, namespaces: list[str], older_than: float = UNSCHEDULABLE_SECONDS) -> str | None:
    """The first pod no node has taken for older_than seconds, with the scheduler's reason."""
    for ns in namespaces:
        for pod in api.items(PODS.format(ns=ns)):
            message = unschedulable(pod)
            if message is not None and _age(condition(pod, "PodScheduled").get("lastTransitionTime")) >= older_than:
                return f"pod {ns}/{pod['metadata']['name']} unschedulable for {older_than:.0f} s: {message}"
    return None
