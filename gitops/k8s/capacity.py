"""Does the environment still fit when one node is lost?

Demand is what the scheduler reserves for every pod a workload runs
(requests.py). Supply is the
allocatable CPU and memory of the nodes left after losing the largest one,
each minus the system reserve. Headroom is supply minus demand. Totals that fit
can still leave one node unable to hold what must run on it (packing.py):
the report carries those shortfalls, on every node and on the nodes left.
where(), figures() and summary() word a report, for `main.py check` and
`main.py diff` alike.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from gitops.k8s import packing
from gitops.k8s.declared import DeclaredCluster
from gitops.k8s.manifests import Resource
from gitops.k8s.packing import Shortfall
from gitops.k8s.quantities import format_cpu, format_memory
from gitops.k8s.requests import Demand, Requests, demands


@dataclass(frozen=True)
class Report:
    lost: str | None  # the node taken away (the largest: the worst single loss); None with one node
    nodes_left: int
    supply: Requests
    demand: Requests
    largest_pod: Requests
    smallest_node: Requests
    workloads: list[Demand]
    shortfalls: tuple[Shortfall, ...] = ()  # on the nodes left
    placement: tuple[Shortfall, ...] = ()  # with every node up

    @property
    def totals_fit(self) -> bool:
        room = self.headroom
        return room.cpu_millis >= 0 and room.memory_bytes >= 0

    @property
    def headroom(self) -> Requests:
        return Requests(
            self.supply.cpu_millis - self.demand.cpu_millis, self.supply.memory_bytes - self.demand.memory_bytes
        )

    @property
    def fits(self) -> bool:
        return self.totals_fit and not self.shortfalls


def report(resources: list[Resource], cluster: DeclaredCluster) -> Report:
    allocatable = {
        n.name: Requests(n.cpu_millis - cluster.reserved_cpu_millis, n.memory_bytes - cluster.reserved_memory_bytes)
        for n in cluster.nodes
    }
    # Losing the largest node is the worst single loss (the first of equals, in config's order).
    lost = max(allocatable, key=lambda n: (allocatable[n].cpu_millis, allocatable[n].memory_bytes), default=None)
    if len(allocatable) < 2:
        lost = None
    left = {name: room for name, room in allocatable.items() if name != lost}
    remaining = list(left.values())
    supply = Requests()
    for node in remaining:
        supply = supply + node
    workloads = demands(resources)
    total = Requests()
    for demand in workloads:
        total = total + demand.total(len(remaining))
    return Report(
        lost=lost,
        nodes_left=len(remaining),
        supply=supply,
        demand=total,
        largest_pod=Requests.largest([d.per_pod for d in workloads]),
        smallest_node=Requests(
            min((r.cpu_millis for r in remaining), default=0), min((r.memory_bytes for r in remaining), default=0)
        ),
        workloads=workloads,
        shortfalls=tuple(packing.shortfalls(workloads, left)),
        placement=tuple(packing.shortfalls(workloads, allocatable)),
    )


# How the figures read. `main.py check` (its capacity line and findings) and `main.py diff` (its capacity
# line and the capacity-headroom risk) word them with these, so the two never describe one cluster apart.


def where(report: Report) -> str:
    """Which nodes the figures are for: the nodes left after losing the largest, or the only one."""
    if report.lost is not None:
        return f"on the {report.nodes_left} node(s) left after losing {report.lost}"
    if report.nodes_left == 1:
        return "on the only node (no node to lose)"
    return f"on {report.nodes_left} node(s)"


def verdict(report: Report) -> str:
    return "fits" if report.fits else "DOES NOT FIT"


def _signed(amount: int, fmt: Callable[[int], str]) -> str:
    return fmt(amount) if amount >= 0 else f"-{fmt(-amount)}"


def _pair(before: int | None, after: int, fmt: Callable[[int], str]) -> str:
    return fmt(after) if before is None or before == after else f"{fmt(before)} → {fmt(after)}"


def figures(after: Report, before: Report | None = None) -> str:
    """Requests, allocatable and headroom in both dimensions; with before, each figure that moved as old → new."""

    def dimension(label: str, attribute: str, fmt: Callable[[int], str], unit: str) -> str:
        def of(report: Report | None, requests: str) -> int | None:
            return None if report is None else int(getattr(getattr(report, requests), attribute))

        requested = _pair(of(before, "demand"), int(getattr(after.demand, attribute)), fmt)
        supply = _pair(of(before, "supply"), int(getattr(after.supply, attribute)), fmt)
        room = _pair(of(before, "headroom"), int(getattr(after.headroom, attribute)), lambda n: _signed(n, fmt))
        return f"{label} requests {requested} of {supply}{unit} (headroom {room})"

    return (
        f"{dimension('CPU', 'cpu_millis', format_cpu, ' allocatable')}, "
        f"{dimension('memory', 'memory_bytes', format_memory, '')}"
    )


def summary(after: Report, before: Report | None = None) -> str:
    """'fits on the 2 node(s) left after losing n1: CPU requests ... (headroom ...), memory requests ...'."""
    return f"{verdict(after)} {where(after)}: {figures(after, before)}"
