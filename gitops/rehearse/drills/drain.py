"""Drill 2: drain each node in turn with kubectl (the eviction API, so budgets apply), then uncordon.

Fails when a drain does not complete in time or a multi-replica Deployment drops to 0 ready;
a singleton going down is a fact, reported with why.
"""

from __future__ import annotations

import time

from gitops.k8s import status
from gitops.k8s.placement import pinned_node
from gitops.k8s.workloads import pod_spec
from gitops.rehearse import cluster
from gitops.rehearse.drills.converge import wait_available
from gitops.rehearse.findings import DrillResult
from gitops.rehearse.kube import Api, Kubectl
from gitops.rehearse.sampler import Sampler, Track

NAME = "drain"
DRAIN_TIMEOUT = 180


def _pinned(api: Api, namespaces: list[str]) -> dict[str, str]:
    """namespace/deployment -> the node its pods are pinned to (a local volume's node)."""
    found = {}
    for ns in namespaces:
        for deployment in api.items(cluster.DEPLOYMENTS.format(ns=ns)):
            node = pinned_node(pod_spec(deployment) or {})
            if node:
                found[f"{ns}/{deployment['metadata']['name']}"] = node
    return found


def _why_down(track: Track, node: str, pinned: dict[str, str]) -> str:
    if pinned.get(track.name) == node:
        return f"it is pinned to {node} (its volume lives there), so its pod waited Pending until the uncordon"
    if track.replicas == 1:
        return "it runs 1 replica: nothing serves until the replacement pod is Ready"
    return "every replica was evicted before a replacement was Ready"


def run(
    api: Api, kubectl: Kubectl, namespaces: list[str], nodes: list[str], timeout: int = DRAIN_TIMEOUT
) -> DrillResult:
    result = DrillResult(NAME)
    started = time.monotonic()
    pinned = _pinned(api, namespaces)
    overall: dict[str, int] = {}
    replicas: dict[str, int] = {}
    incomplete: list[str] = []
    for node in nodes:
        begin = time.monotonic()
        with Sampler(api, namespaces) as sampler:
            code, out, _ = kubectl.run(
                "drain",
                node,
                "--ignore-daemonsets",
                "--delete-emptydir-data",
                f"--timeout={timeout}s",
                timeout=timeout + 30,
            )
            drained = time.monotonic() - begin
            kubectl.run("uncordon", node)
            settled = wait_available(api, namespaces, 300)
        if code != 0:
            incomplete.append(node)
            tail = " ".join(out.splitlines()[-2:])
            result.fail(
                f"Node {node}",
                f"kubectl drain did not complete within {timeout} s: {tail}",
                "a PodDisruptionBudget allows no eviction: maxUnavailable: 1, or minAvailable below the replicas",
                cluster.events_for(api, "default", "Node", node),
            )
        else:
            result.fact(f"drained {node} in {drained:.0f} s")
        for track in sorted(sampler.tracks.values(), key=lambda t: t.name):
            ready = track.min_ready or 0
            overall[track.name] = min(overall.get(track.name, ready), ready)
            replicas[track.name] = track.replicas
            if ready > 0:
                continue
            if track.replicas > 1:
                result.fail(
                    f"Deployment {track.name}",
                    f"all {track.replicas} replicas down while draining {node} ({track.zero_seconds:.0f} s at 0 ready)",
                    "spread the replicas over nodes and give them a PodDisruptionBudget",
                )
            else:
                result.fact(
                    f"Deployment {track.name} was fully down for {track.zero_seconds:.0f} s while "
                    f"draining {node}: {_why_down(track, node, pinned)}"
                )
        unsettled = [d["metadata"]["name"] for d in settled if not status.deployment_available(d)]
        if unsettled:
            result.fail(
                f"Node {node}",
                f"after the uncordon, not Available again: {', '.join(unsettled)}",
                "read the Deployments' events",
            )
    result.seconds = time.monotonic() - started
    shown = ", ".join(f"{name.split('/')[-1]} {ready}/{replicas[name]}" for name, ready in sorted(overall.items()))
    result.fact(f"fewest ready while draining: {shown}")
    done = len(nodes) - len(incomplete)
    result.summary = "drained every node" if not incomplete else f"drained {done}/{len(nodes)} nodes"
    return result
