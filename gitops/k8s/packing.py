"""Does each node hold what must be on it? The per-node view that capacity.py's totals cannot give.

Requests can fit in total and still not fit a node, because some pods cannot choose theirs:
a pod pinned to one node (nodeName, a hostname nodeSelector or required affinity: a local
volume's node) goes there; a DaemonSet runs one pod on every node; and a hard topology spread
over hostnames (maxSkew 1, DoNotSchedule, as charts/ render spreadAcrossNodes) gives each of m
nodes floor(r/m) of a workload's r pods and r mod m of them one more (kube-scheduler's
PodTopologySpread filter). Each is a necessary condition: when one fails, the scheduler
cannot place every pod (preemption aside), which is what these shortfalls say. When all hold,
placement can still fail on how spreads and free pods combine; the rehearsal's scheduler is the
judge of that (gitops/rehearse, lose-node and converge drills).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from gitops.k8s.placement import pinned_node, spread_skew
from gitops.k8s.quantities import format_cpu, format_memory
from gitops.k8s.requests import Demand, Requests
from gitops.k8s.workloads import pod_spec


def _less(room: Requests, used: Requests) -> Requests:
    return Requests(room.cpu_millis - used.cpu_millis, room.memory_bytes - used.memory_bytes)


def _holds(room: Requests, need: Requests) -> bool:
    return need.cpu_millis <= room.cpu_millis and need.memory_bytes <= room.memory_bytes


def _text(amount: Requests) -> str:
    return f"{format_cpu(amount.cpu_millis)} CPU / {format_memory(amount.memory_bytes)}"


@dataclass(frozen=True)
class Shortfall:
    node: str | None  # the node that cannot hold what must run on it; None: no node has room for a pod
    workload: str
    message: str


def shortfalls(demands: Iterable[Demand], nodes: dict[str, Requests]) -> list[Shortfall]:
    """What the constraints force onto each node of nodes (name -> allocatable) that it cannot hold,
    and the spread pods that no node has room for."""
    load = {name: Requests() for name in nodes}
    forced: dict[str, list[str]] = {name: [] for name in nodes}
    extra: list[tuple[Demand, int]] = []
    for workload in demands:
        spec = pod_spec(workload.resource.obj) if workload.resource.kind != "HelmChartConfig" else None
        pinned = pinned_node(spec) if spec is not None else None
        if workload.per_node:
            share = dict.fromkeys(nodes, 1)
        elif pinned is not None:
            # Pinned to a node that is not in the set (lost): down with it, not a question of room.
            share = {pinned: workload.pods} if pinned in nodes else {}
        elif spread_skew(spec) == 1 and nodes:
            base, remainder = divmod(workload.pods, len(nodes))
            share = dict.fromkeys(nodes, base) if base else {}
            if remainder:
                extra.append((workload, remainder))
        else:
            continue
        label = str(workload.resource)
        for name, count in share.items():
            load[name] = load[name] + workload.per_pod.times(count)
            forced[name].append(f"{label} x{count}" if count > 1 else label)
    found = [
        Shortfall(
            name,
            ", ".join(forced[name]),
            f"node {name} must hold {_text(load[name])} ({', '.join(forced[name])}) but allocates {_text(nodes[name])}",
        )
        for name in nodes
        if not _holds(nodes[name], load[name])
    ]
    for workload, remainder in extra:
        roomy = [name for name in nodes if _holds(_less(nodes[name], load[name]), workload.per_pod)]
        if len(roomy) < remainder:
            free = ", ".join(f"{name} {_text(_less(nodes[name], load[name]))}" for name in nodes)
            found.append(
                Shortfall(
                    None,
                    str(workload.resource),
                    f"{remainder} of its {workload.pods} pods spread over {len(nodes)} nodes need a "
                    f"node with room for one more ({_text(workload.per_pod)}) beyond each node's share; "
                    f"{len(roomy)} node(s) have it (free: {free})",
                )
            )
    return found
