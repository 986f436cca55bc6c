"""Does the environment still fit when one node is lost?

Demand is what the scheduler reserves: the requests of every pod a workload
runs (replicas x pod requests; a DaemonSet once per node, including the
k3s-bundled Traefik when a HelmChartConfig makes it one). Supply is the
allocatable CPU and memory of the nodes left after losing the largest one,
each minus the system reserve. Headroom is supply minus demand. Totals that fit
can still leave one node unable to hold what must run on it (packing.py):
the report carries those shortfalls, on every node and on the nodes left.
"""

from __future__ import annotations

from dataclasses import dataclass

from gitops.k8s.declared import Cluster
from gitops.k8s.manifests import Resource
from gitops.k8s.quantities import QuantityError, cpu_millis, memory_bytes
from gitops.k8s.workloads import PER_NODE, REPLICATED, mapping, pod_spec, replicas, sequence


@dataclass(frozen=True)
class Requests:
    cpu_millis: int = 0
    memory_bytes: int = 0

    def __add__(self, other: Requests) -> Requests:
        return Requests(self.cpu_millis + other.cpu_millis, self.memory_bytes + other.memory_bytes)

    def times(self, count: int) -> Requests:
        return Requests(self.cpu_millis * count, self.memory_bytes * count)

    @staticmethod
    def largest(items: list[Requests]) -> Requests:
        return Requests(max((r.cpu_millis for r in items), default=0), max((r.memory_bytes for r in items), default=0))


@dataclass(frozen=True)
class Demand:
    """One workload's share of the cluster."""

    resource: Resource
    per_pod: Requests
    pods: int
    per_node: bool

    def total(self, nodes: int) -> Requests:
        return self.per_pod.times(nodes if self.per_node else self.pods)


@dataclass(frozen=True)
class Report:
    lost: str | None  # the node taken away (the largest: the worst single loss); None with one node
    nodes_left: int
    supply: Requests
    demand: Requests
    largest_pod: Requests
    smallest_node: Requests
    workloads: list[Demand]
    shortfalls: tuple = ()  # packing.Shortfall on the nodes left
    placement: tuple = ()  # packing.Shortfall with every node up

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


def container_requests(container: dict) -> Requests:
    requests = mapping(mapping(container.get("resources")).get("requests"))
    return Requests(cpu_millis(requests.get("cpu", 0)), memory_bytes(requests.get("memory", 0)))


def pod_requests(spec: dict) -> Requests:
    """What the scheduler reserves for one pod: the containers' sum, or the largest init container if bigger."""
    running = Requests()
    for container in sequence(spec.get("containers")):
        running = running + container_requests(mapping(container))
    init = Requests.largest([container_requests(mapping(c)) for c in sequence(spec.get("initContainers"))])
    return Requests(max(running.cpu_millis, init.cpu_millis), max(running.memory_bytes, init.memory_bytes))


def _helm_daemonset(resource: Resource) -> Requests | None:
    """Requests of a chart-managed DaemonSet configured by a k3s HelmChartConfig (e.g. Traefik)."""
    from gitops.k8s.manifests import load_documents

    text = (resource.obj.get("spec") or {}).get("valuesContent")
    if not isinstance(text, str):
        return None
    try:
        (values,) = load_documents(text) or [None]
    except ValueError:
        return None
    if not isinstance(values, dict) or (values.get("deployment") or {}).get("kind") != "DaemonSet":
        return None
    return container_requests({"resources": values.get("resources") or {}})


def demands(resources: list[Resource]) -> list[Demand]:
    found = []
    for resource in resources:
        try:
            if resource.kind in REPLICATED | PER_NODE:
                per_node = resource.kind in PER_NODE
                # A count the API server refuses runs no pods.
                pods = 0 if per_node else replicas(resource.obj) or 0
                found.append(Demand(resource, pod_requests(pod_spec(resource.obj)), pods, per_node))
            elif resource.kind == "HelmChartConfig":
                per_pod = _helm_daemonset(resource)
                if per_pod is not None:
                    found.append(Demand(resource, per_pod, 0, True))
        except QuantityError:
            continue  # an unreadable quantity is reported by the resources rule, not counted here
    return found


def report(resources: list[Resource], cluster: Cluster) -> Report:
    from gitops.k8s import packing  # packing reads this module's Requests and Demand

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
