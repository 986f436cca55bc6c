"""Drill 5, lose a node: its heartbeat stops, and its pods must find room on the rest.

The node's kwok label is changed, so kwok stops managing it and stops renewing its Lease,
as a crashed or cut-off machine stops its kubelet's: the node lifecycle controller marks it
Unknown after --node-monitor-grace-period, taints it node.kubernetes.io/unreachable, and evicts
its pods once their toleration runs out (the API server's --default-unreachable-toleration-
seconds); they stay Terminating, as on a real unreachable node, while their replacements are
scheduled onto the rest. (Deleting the Node instead would model a machine removed for good, and
its pods would only go after the pod garbage collector's delay.)

Nodes lost, one at a time: the one `main.py check`'s capacity line assumes lost (the largest),
and each node a pod is pinned to (Redis's volume). Everything not pinned to the lost node must
be rescheduled; whether it was is compared with check's capacity line, and a disagreement is a
bug in one of the two (exit 1, with both numbers). A pinned pod cannot move: a fact, with why.
Then the heartbeat comes back and everything must be Available again.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from gitops.k8s import capacity, status
from gitops.k8s.declared import DeclaredCluster
from gitops.k8s.manifests import Resource
from gitops.k8s.placement import pinned_node
from gitops.k8s.quantities import format_cpu, format_memory
from gitops.k8s.requests import Requests, pod_requests
from gitops.k8s.workloads import dig, pod_spec, replicas
from gitops.rehearse import cluster, nodes, poll
from gitops.rehearse.drills.converge import wait_available
from gitops.rehearse.findings import DrillResult
from gitops.rehearse.kube import Api
from gitops.rehearse.sampler import Sampler

NAME = "lose-node"
DETECT_TIMEOUT = 60.0
SETTLE_TIMEOUT = 90.0
RETURN_TIMEOUT = 120.0
STOPPED = "stopped"  # any value other than the selector's: kwok lets go of the node


@dataclass(frozen=True)
class Loss:
    node: str
    why: str
    checked: bool  # the node check's capacity line assumes lost


@dataclass
class Aftermath:
    """What followed one lost node: seconds until it was noticed, until the rest settled and until it was
    back (None: not within the timeout), and the pods that found no room."""

    detected: float | None = None
    settled: float | None = None
    returned: float | None = None
    pending: dict[str, list[tuple[str, Requests]]] = field(default_factory=dict)  # owner -> (message, requests)
    pinned_down: list[str] = field(default_factory=list)  # Deployments pinned to the lost node


def losses(cluster_inventory: DeclaredCluster, resources: list[Resource], checked: str | None) -> list[Loss]:
    """check's lost node first, then every node a Deployment is pinned to, each once."""
    found = [Loss(checked, "the largest, the one check's capacity line assumes lost", True)] if checked else []
    if len(cluster_inventory.nodes) < 2:
        return []
    for resource in sorted(resources, key=lambda r: r.name):
        if resource.kind != "Deployment":
            continue
        node = pinned_node(pod_spec(resource.obj) or {})
        if node and node not in {loss.node for loss in found}:
            found.append(Loss(node, f"Deployment {resource.namespace}/{resource.name} is pinned to it", False))
    return found


def _owner(deployments: list[dict], pod: dict) -> str:
    meta = pod["metadata"]
    deployment = cluster.owned(deployments, pod)
    return f"{meta['namespace']}/{(deployment or pod)['metadata']['name']}"


def settled(api: Api, namespaces: list[str], lost: str) -> tuple[bool, dict[str, list[tuple[str, Requests]]]]:
    """Whether every Deployment has its replicas either Ready or unschedulable off the lost node;
    returns the unschedulable pods' scheduler messages and requests by owner."""
    pending: dict[str, list[tuple[str, Requests]]] = {}
    done = True
    for ns in namespaces:
        deployments = api.items(cluster.DEPLOYMENTS.format(ns=ns))
        pods = [p for p in api.items(cluster.PODS.format(ns=ns)) if not status.terminating(p)]
        for deployment in deployments:
            mine = [p for p in pods if cluster.selected(deployment, p)]
            if len(mine) != replicas(deployment):
                done = False
        for pod in pods:
            message = status.unschedulable(pod)
            if message is not None:
                pending.setdefault(_owner(deployments, pod), []).append((message, pod_requests(pod["spec"])))
            elif dig(pod, "spec", "nodeName") == lost or not status.pod_ready(pod):
                done = False
    return done, pending


def _set_heartbeat(api: Api, node: str, value: str) -> None:
    api.merge_patch(f"/api/v1/nodes/{node}", {"metadata": {"labels": {nodes.KWOK_LABEL: value}}})


def lose(api: Api, namespaces: list[str], loss: Loss, pinned: dict[str, str]) -> tuple[Aftermath, Sampler]:
    aftermath = Aftermath()
    aftermath.pinned_down = sorted(name for name, node in pinned.items() if node == loss.node)
    with Sampler(api, namespaces) as sampler:
        begin = time.monotonic()
        _set_heartbeat(api, loss.node, STOPPED)
        aftermath.detected = poll.until(lambda: loss.node not in nodes.ready_nodes(api), DETECT_TIMEOUT).held_after
        if aftermath.detected is not None:

            def calm() -> bool:
                done, aftermath.pending = settled(api, namespaces, loss.node)
                return done

            if poll.until(calm, SETTLE_TIMEOUT).held:
                aftermath.settled = time.monotonic() - begin
    _set_heartbeat(api, loss.node, nodes.MANAGED)
    back = time.monotonic()
    if poll.until(lambda: loss.node in nodes.ready_nodes(api), RETURN_TIMEOUT).held:
        deployments = wait_available(api, namespaces, RETURN_TIMEOUT)
        if all(status.deployment_available(d) for d in deployments):
            aftermath.returned = time.monotonic() - back
    return aftermath, sampler


def _moved(pending: dict, pinned_down: list[str]) -> dict:
    """The unschedulable pods that could have moved: everything not pinned to the lost node."""
    return {owner: messages for owner, messages in pending.items() if owner not in pinned_down}


def _count(pending: dict) -> str:
    """How many pods and what they request, not whose: which of two competing Deployments loses is
    the scheduler's pick, and a report line must read the same on every run (the events say whose)."""
    pods = [requests for found in pending.values() for _, requests in found]
    cpu, memory = sum(r.cpu_millis for r in pods), sum(r.memory_bytes for r in pods)
    return (
        f"{len(pods)} pod{'' if len(pods) == 1 else 's'} ({format_cpu(cpu)} CPU / {format_memory(memory)} of requests)"
    )


def judge(result: DrillResult, loss: Loss, aftermath: Aftermath, sampler: Sampler, prediction) -> None:
    """prediction: (capacity report, capacity line) of `main.py check` for loss.checked losses."""
    ref = f"Node {loss.node}"
    if aftermath.detected is None:
        result.fail(
            ref,
            f"still Ready {DETECT_TIMEOUT:.0f} s after its heartbeat stopped",
            "the node lifecycle controller did not notice: read kube-controller-manager's log",
        )
        return
    for name in aftermath.pinned_down:
        result.fact(
            f"Deployment {name} cannot leave {loss.node}: it is pinned there (its volume lives on "
            f"that node), so it is down until the node returns"
        )
    stuck = _moved(aftermath.pending, aftermath.pinned_down)
    events = [
        f"{owner}: {message}" for owner, found in sorted(stuck.items()) for message in sorted({m for m, _ in found})
    ]
    agreed = True
    where, seen = " onto the nodes left", ""
    if loss.checked:
        report, line = prediction
        where, seen = ", as check's capacity line predicts", f", as check's capacity line predicts ({line})"
        if report.fits and stuck:
            agreed = False
            result.fail(
                ref,
                f"lost: check's capacity line says everything fits, the cluster could not reschedule "
                f"{_count(stuck)}; check: {line}",
                "a bug in check's capacity model or in the config it reads: the scheduler could not place "
                "these pods on the nodes left; lower requests, or add a node",
                events,
            )
        elif not report.fits and not stuck:
            agreed = False
            result.fail(
                ref,
                f"lost: check's capacity line says it does not fit, the cluster rescheduled every pod; check: {line}",
                "a bug in check's capacity model: it predicts a shortage the scheduler does not see",
            )
    if agreed and stuck:
        result.fail(
            ref,
            f"lost: {_count(stuck)} not rescheduled{where}",
            "lower requests or replicas, or add a node to cluster.nodes",
            events,
        )
    elif agreed:
        result.fact(
            f"lost {loss.node} ({loss.why}): everything else rescheduled within {aftermath.settled or 0:.0f} s{seen}"
        )
    if aftermath.settled is None and not stuck:
        result.fail(
            ref,
            f"pods not rescheduled within {SETTLE_TIMEOUT:.0f} s of the heartbeat stopping",
            "read the pods' events",
        )
    for track in sorted(sampler.tracks.values(), key=lambda t: t.name):
        if track.replicas == 1 and track.max_alive > 1:
            result.fact(
                f"Deployment {track.name}: its replacement started while the pod on {loss.node} was still "
                "Terminating (an unreachable kubelet never confirms): on a real partition both may run"
            )
        if track.replicas > 1 and not track.min_ready:
            result.fail(
                f"Deployment {track.name}",
                f"all {track.replicas} replicas down while {loss.node} was lost",
                "spread the replicas over nodes (spreadAcrossNodes)",
            )
    if aftermath.returned is None:
        result.fail(
            ref,
            f"not everything Available within {RETURN_TIMEOUT:.0f} s of the node returning",
            "read the Deployments' events",
        )


def capacity_line(resources: list[Resource], inventory: DeclaredCluster) -> tuple[capacity.Report, str]:
    """check's capacity report and the line `main.py check` prints for it, word for word."""
    from gitops.review.check.headroom import Headroom
    from gitops.review.check.report import capacity_line as line

    report = capacity.report(resources, inventory)
    return report, line(Headroom(report, report.lost, None))


def run(api: Api, namespaces: list[str], inventory: DeclaredCluster, resources: list[Resource]) -> DrillResult:
    result = DrillResult(NAME)
    started = time.monotonic()
    prediction = capacity_line(resources, inventory)
    plan = losses(inventory, resources, prediction[0].lost)
    if not plan:
        result.summary = "one node: nothing to reschedule onto (not rehearsed)"
        return result
    pinned = {
        f"{r.namespace}/{r.name}": pinned_node(pod_spec(r.obj) or {}) for r in resources if r.kind == "Deployment"
    }
    shown = []
    for loss in plan:
        aftermath, sampler = lose(api, namespaces, loss, {k: v for k, v in pinned.items() if v})
        judge(result, loss, aftermath, sampler, prediction)
        shown.append(loss.node)
    result.seconds = time.monotonic() - started
    verdict = "everything else rescheduled" if not result.findings else "not everything rescheduled"
    result.summary = f"lost {' then '.join(shown)}: {verdict}"
    return result
