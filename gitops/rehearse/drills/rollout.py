"""Drill 3 (forced restart form): roll every Deployment and watch it.

Per Deployment: the minimum ready replicas during the rollout; for singletons (1 replica,
Recreate) the maximum pods alive at once, which must never exceed 1; and, once settled, the
topology spread the template promises.
"""

from __future__ import annotations

import time

from gitops.rehearse import cluster
from gitops.rehearse.drills.converge import spread_problem, wait_available
from gitops.rehearse.findings import DrillResult
from gitops.rehearse.kube import Api, Kubectl
from gitops.rehearse.sampler import Sampler

NAME = "rollout"
ROLLOUT_TIMEOUT = 300


def is_singleton(deployment: dict) -> bool:
    spec = deployment["spec"]
    return spec.get("replicas", 1) == 1 and (spec.get("strategy") or {}).get("type") == "Recreate"


def run(api: Api, kubectl: Kubectl, namespaces: list[str], nodes: list[str]) -> DrillResult:
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
            code, out, _ = kubectl.run("-n", meta["namespace"], "rollout", "status", f"deployment/{meta['name']}",
                                       f"--timeout={ROLLOUT_TIMEOUT}s", timeout=ROLLOUT_TIMEOUT + 30)
            if code != 0:
                result.fail(f"Deployment {meta['namespace']}/{meta['name']}",
                            f"rollout did not finish within {ROLLOUT_TIMEOUT} s: {out.splitlines()[-1:]}",
                            "read the events", cluster.workload_events(api, deployment))
        settled = wait_available(api, namespaces, ROLLOUT_TIMEOUT)
    shown = []
    for deployment in settled:
        meta = deployment["metadata"]
        key = f"{meta['namespace']}/{meta['name']}"
        track = sampler.tracks.get(key)
        if track is None:
            continue
        replicas = deployment["spec"].get("replicas", 1)
        if is_singleton(deployment):
            shown.append(f"{meta['name']} max {track.max_alive} alive")
            if track.max_alive > 1:
                result.fail(f"Deployment {key}", f"singleton ran {track.max_alive} pods at once during the rollout",
                            "strategy.type: Recreate, so the old pod is gone before the new one starts")
        else:
            shown.append(f"{meta['name']} >= {track.min_ready or 0} ready")
            if replicas > 1 and not track.min_ready:
                result.fail(f"Deployment {key}", f"all {replicas} replicas down during the rollout",
                            "a RollingUpdate with maxUnavailable below the replicas")
        problem = spread_problem(deployment, cluster.pods_of(api, deployment), len(nodes))
        if problem:
            result.fail(f"Deployment {key}", f"after the rollout: {problem}",
                        "topology spread is applied only when pods are scheduled; check maxSurge and capacity",
                        cluster.workload_events(api, deployment))
    result.seconds = time.monotonic() - started
    result.summary = "restarted every Deployment: " + ", ".join(sorted(shown))
    return result
