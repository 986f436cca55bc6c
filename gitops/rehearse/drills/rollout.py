"""Drill 3: roll every Deployment and watch it.

With --base, the rollout is the change itself: the base commit is converged, git moves to the
head and the engine applies it (Flux is asked to fetch; Argo CD's Applications are hard-refreshed
and sync it). Without, every Deployment is restarted (`kubectl rollout restart`, a new pod
template as any change of it would make). Per Deployment:
the minimum ready replicas during the rollout; for singletons (1 replica, Recreate) the maximum
pods alive at once, which must never exceed 1; once settled, the topology spread the template
promises. A multi-replica Deployment at 0 ready fails; new Deployments have nothing to keep up.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TypeVar

from gitops.k8s import status
from gitops.k8s.workloads import replicas, singleton
from gitops.rehearse import cluster
from gitops.rehearse.drills.converge import spread_problem, wait_available
from gitops.rehearse.drills.freshness import ConfigMapKey, Freshness
from gitops.rehearse.findings import DrillResult
from gitops.rehearse.kube import Api, Kubectl
from gitops.rehearse.sampler import Sampler, Track

T = TypeVar("T")  # what the move returns (the engine's delivery)
NAME = "rollout"
ROLLOUT_TIMEOUT = 300


def judge(result: DrillResult, deployment: dict, track: Track | None) -> str | None:
    """Fail a broken promise; returns what the summary says about this Deployment."""
    meta = deployment["metadata"]
    key = f"{meta['namespace']}/{meta['name']}"
    if track is None:
        return None
    wanted = replicas(deployment) or 0
    if singleton(deployment):
        if track.max_alive > 1:
            result.fail(
                f"Deployment {key}",
                f"singleton ran {track.max_alive} pods at once during the rollout",
                "strategy.type: Recreate, so the old pod is gone before the new one starts",
            )
        return f"{meta['name']}: {'never 2 at once' if track.max_alive <= 1 else f'{track.max_alive} at once'}"
    if wanted > 1 and not track.min_ready:
        result.fail(
            f"Deployment {key}",
            f"all {wanted} replicas down during the rollout",
            "a RollingUpdate with maxUnavailable below the replicas",
        )
    return f"{meta['name']}: never below {track.min_ready or 0} ready"


def _settle(
    result: DrillResult, api: Api, namespaces: list[str], nodes: list[str], sampler: Sampler, skip: set[str]
) -> list[str]:
    shown = []
    for deployment in wait_available(api, namespaces, ROLLOUT_TIMEOUT):
        meta = deployment["metadata"]
        key = f"{meta['namespace']}/{meta['name']}"
        if key not in skip:
            said = judge(result, deployment, sampler.tracks.get(key))
            shown += [said] if said else []
        problem = spread_problem(deployment, cluster.pods_of(api, deployment), len(nodes))
        if problem:
            result.fail(
                f"Deployment {key}",
                f"after the rollout: {problem}",
                "topology spread is applied only when pods are scheduled; check maxSurge and capacity",
                cluster.workload_events(api, deployment),
            )
        elif not status.deployment_available(deployment):
            result.fail(
                f"Deployment {key}",
                "not Available once the rollout settled",
                "read the events",
                cluster.workload_events(api, deployment),
            )
    return sorted(shown)


def run(api: Api, kubectl: Kubectl, namespaces: list[str], nodes: list[str]) -> DrillResult:
    """The forced restart of every Deployment."""
    result = DrillResult(NAME)
    started = time.monotonic()
    deployments = [d for ns in namespaces for d in api.items(cluster.DEPLOYMENTS.format(ns=ns))]
    with Sampler(api, namespaces) as sampler:
        for ns in namespaces:
            code, out, _ = kubectl.run("-n", ns, "rollout", "restart", "deployment")
            if code != 0:
                result.fail(f"Namespace {ns}", f"kubectl rollout restart failed: {out}", "see the message")
        for deployment in deployments:
            meta = deployment["metadata"]
            code, out, _ = kubectl.run(
                "-n",
                meta["namespace"],
                "rollout",
                "status",
                f"deployment/{meta['name']}",
                f"--timeout={ROLLOUT_TIMEOUT}s",
                timeout=ROLLOUT_TIMEOUT + 30,
            )
            if code != 0:
                result.fail(
                    f"Deployment {meta['namespace']}/{meta['name']}",
                    f"rollout did not finish within {ROLLOUT_TIMEOUT} s: {out.splitlines()[-1:]}",
                    "read the events",
                    cluster.workload_events(api, deployment),
                )
        shown = _settle(result, api, namespaces, nodes, sampler, set())
    result.seconds = time.monotonic() - started
    result.summary = "rolled every Deployment: " + ", ".join(shown)
    return result


def generations(api: Api, namespaces: list[str]) -> dict[str, int]:
    return {
        f"{ns}/{d['metadata']['name']}": d["metadata"].get("generation", 0)
        for ns in namespaces
        for d in api.items(cluster.DEPLOYMENTS.format(ns=ns))
    }


def run_move(
    api: Api,
    namespaces: list[str],
    nodes: list[str],
    move: Callable[[], T],
    changed: dict[ConfigMapKey, dict] | None = None,
) -> tuple[DrillResult, T]:
    """The base-to-head rollout: move() has the engine apply the head; returns (drill, move's result).
    changed: the ConfigMaps the change modifies (freshness.py): no pod may start while one it reads is old."""
    result = DrillResult(NAME)
    started = time.monotonic()
    before = generations(api, namespaces)
    with Sampler(api, namespaces) as sampler, Freshness(api, namespaces, changed or {}) as fresh:
        moved = move()
        after = generations(api, namespaces)
        new = set(after) - set(before)
        unchanged = {k for k, g in after.items() if k in before and g == before[k]}
        shown = _settle(result, api, namespaces, nodes, sampler, new | unchanged)
    _stale(result, fresh)
    result.seconds = time.monotonic() - started
    parts = [f"rolled {', '.join(shown)}" if shown else "no Deployment changed"]
    parts += [f"new: {', '.join(sorted(k.split('/')[-1] for k in new))}"] if new else []
    result.summary = "; ".join(parts)
    for key in sorted(set(before) - set(after)):
        result.fact(f"Deployment {key} removed by the change")
    return result, moved


def _stale(result: DrillResult, fresh: Freshness) -> None:
    by_owner: dict[tuple[str, ConfigMapKey], list[str]] = {}
    for start in fresh.stale:
        by_owner.setdefault((start.owner, start.config_map), []).append(start.pod)
    for (owner, (namespace, name)), pods in sorted(by_owner.items()):
        count, they = (f"{len(pods)} pod", "it runs") if len(pods) == 1 else (f"{len(pods)} pods", "they run")
        result.fail(
            owner,
            f"{count} started while ConfigMap {namespace}/{name} still held the base's data: {they} with the "
            "old values until restarted, and the rollout that was to bring the new ones is over",
            "deliver a ConfigMap with (or before) the workloads that read it: in the same unit, one apply puts "
            "ConfigMaps before Deployments; across units only Flux's dependsOn orders every change, Argo CD's "
            "sync waves order the Applications only when the root syncs them",
        )
