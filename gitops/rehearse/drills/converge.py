"""Drill 1, converge: everything accepted without warnings, Available, bound and placed as config says."""

from __future__ import annotations

import time

from gitops.k8s import status
from gitops.k8s.placement import pinned_node, spread_skew, volume_node
from gitops.k8s.prerequisites import Needed
from gitops.k8s.workloads import claims, dig, mapping, pod_spec, replicas
from gitops.rehearse import bootstrap, cluster, poll
from gitops.rehearse.findings import DrillResult
from gitops.rehearse.kube import Api

NAME = "converge"
AVAILABLE_TIMEOUT = 300.0


def wait_available(api: Api, namespaces: list[str], timeout: float) -> list[dict]:
    """Poll until every Deployment in namespaces is Available, the timeout passes, or a pod stays
    unschedulable (cluster.stuck: waiting longer would change nothing); returns the last listing."""
    listing: list[dict] = []

    def available() -> bool:
        listing[:] = [d for ns in namespaces for d in api.items(cluster.DEPLOYMENTS.format(ns=ns))]
        return bool(listing) and all(status.deployment_available(d) for d in listing)

    poll.until(available, timeout, stop=lambda: cluster.stuck(api, namespaces))
    return listing


Listed = dict[str, dict[tuple[str, str], set[str]]]  # namespace -> (kind, name) -> keys: the before-merge list


def listed(needed: list[Needed]) -> Listed:
    found: Listed = {}
    for item in needed:
        found.setdefault(item.namespace, {})[(item.kind, item.name)] = set(item.keys)
    return found


def reference_problems(
    api: Api, namespaces: list[str], needed: Listed | None = None
) -> dict[str, dict[str, list[str]]]:
    """Owner ("Deployment ns/name", or the pod) -> problem -> pod names, for every pod in namespaces."""
    found: dict[str, dict[str, list[str]]] = {}
    for ns in namespaces:
        existing = existing_refs(api, ns)
        deployments = api.items(cluster.DEPLOYMENTS.format(ns=ns))
        for pod in api.items(cluster.PODS.format(ns=ns)):
            name = pod["metadata"]["name"]
            deployment = cluster.owned(deployments, pod)
            owner = f"Deployment {ns}/{deployment['metadata']['name']}" if deployment else f"Pod {ns}/{name}"
            for problem in bootstrap.pod_reference_problems(pod, existing, (needed or {}).get(ns)):
                found.setdefault(owner, {}).setdefault(problem, []).append(name)
    return found


def existing_refs(api: Api, namespace: str) -> dict[tuple[str, str], set[str]]:
    found: dict[tuple[str, str], set[str]] = {}
    for kind, path in (("Secret", "secrets"), ("ConfigMap", "configmaps")):
        for obj in api.items(f"/api/v1/namespaces/{namespace}/{path}"):
            keys = set(mapping(obj.get("data"))) | set(mapping(obj.get("binaryData")))
            found[(kind, obj["metadata"]["name"])] = keys
    return found


def spread_problem(deployment: dict, pods: list[dict], schedulable_nodes: int) -> str | None:
    """Where the template spreads over nodes with maxSkew 1, its pods must sit on
    min(replicas, nodes) different nodes."""
    if spread_skew(pod_spec(deployment)) != 1:
        return None
    nodes = [dig(p, "spec", "nodeName") for p in pods if status.pod_alive(p) and not status.terminating(p)]
    counts = {n: nodes.count(n) for n in set(nodes)}
    want = min(replicas(deployment) or 0, schedulable_nodes)
    if len(counts) >= want:
        return None
    placed = ", ".join(f"{n}: {c}" for n, c in sorted(counts.items()))
    return f"{len(nodes)} pod(s) on {len(counts)} node(s) ({placed}); the spread promises {want} different nodes"


def run(
    api: Api,
    namespaces: list[str],
    nodes: list[str],
    warnings: list[str],
    expected: list[str],
    timeout: float = AVAILABLE_TIMEOUT,
    needed: Listed | None = None,
) -> DrillResult:
    """expected: namespace/name of every Deployment the commit renders; needed: the before-merge list the
    bootstrap created (a pod that needs something it omits fails the drill)."""
    result = DrillResult(NAME)
    started = time.monotonic()
    for warning in sorted(set(warnings)):
        result.fail(
            "(apply)",
            f"admission warning: {warning}",
            "change the object so the API server accepts it without a warning",
        )
    deployments = wait_available(api, namespaces, timeout)
    volumes = {
        v["spec"]["claimRef"]["namespace"] + "/" + v["spec"]["claimRef"]["name"]: v
        for v in api.items("/api/v1/persistentvolumes")
        if dig(v, "spec", "claimRef")
    }
    ready = 0
    for deployment in deployments:
        meta = deployment["metadata"]
        ref = f"Deployment {meta['namespace']}/{meta['name']}"
        pods = cluster.pods_of(api, deployment)
        if status.deployment_available(deployment):
            ready += 1
        else:
            waited = "not Available" if cluster.stuck(api, namespaces) else f"not Available after {timeout:.0f} s"
            result.fail(
                ref,
                f"{waited}: {dig(deployment, 'status', 'readyReplicas') or 0}/{replicas(deployment)} ready",
                "read the events: the pods were not created, scheduled or started",
                cluster.workload_events(api, deployment),
            )
        template = pod_spec(deployment) or {}
        pinned = pinned_node(template)
        for claim in claims(template).values():
            key = f"{meta['namespace']}/{claim}"
            pvc = api.find(f"/api/v1/namespaces/{meta['namespace']}/persistentvolumeclaims/{claim}")
            phase = dig(pvc, "status", "phase") or "missing"
            bound_on = volume_node(volumes[key]) if key in volumes else None
            if phase != "Bound":
                result.fail(
                    f"PersistentVolumeClaim {key}",
                    f"{phase}, not Bound",
                    "a local-path claim binds when its first pod is scheduled; see the pod's events",
                    cluster.events_for(api, meta["namespace"], "PersistentVolumeClaim", claim),
                )
            elif pinned and bound_on != pinned:
                result.fail(
                    f"PersistentVolumeClaim {key}",
                    f"bound on {bound_on}, config pins {pinned}",
                    "pin the workload to the node its data lives on",
                )
            else:
                result.fact(f"PersistentVolumeClaim {key} bound on {bound_on}")
            for pod in pods:
                node = pod["spec"].get("nodeName")
                if node and bound_on and node != bound_on:
                    result.fail(
                        ref,
                        f"pod {pod['metadata']['name']} on {node}, its volume on {bound_on}",
                        "pin the pod to its volume's node",
                    )
        problem = spread_problem(deployment, pods, len(nodes))
        if problem:
            result.fail(
                ref,
                problem,
                "check topologySpreadConstraints and node capacity",
                cluster.workload_events(api, deployment),
            )
    for owner, problems in sorted(reference_problems(api, namespaces, needed).items()):
        for problem, names in sorted(problems.items()):
            result.fail(
                owner,
                f"{_pods(sorted(names))}: {problem}; a kubelet would not start it",
                "the before-merge list (gitops/k8s/prerequisites.py, what `main.py diff` tells the operator to "
                "create) must hold everything a pod reads: declare the Secret and key under secrets: in config, "
                "or fix the reference",
            )
    present = {f"{d['metadata']['namespace']}/{d['metadata']['name']}" for d in deployments}
    for missing in sorted(set(expected) - present):
        result.fail(
            f"Deployment {missing}",
            "never created in the cluster",
            "see why its unit did not apply (the unit's finding above)",
        )
    result.seconds = time.monotonic() - started
    result.summary = f"{ready}/{len(set(expected) | present)} Deployments Available"
    return result


def _pods(names: list[str]) -> str:
    """How many pods: their names are random, and a report line must read the same on every run."""
    return f"{len(names)} pod{'' if len(names) == 1 else 's'}"
