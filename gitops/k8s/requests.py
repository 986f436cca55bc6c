"""What the scheduler reserves: the requests of a container, a pod and a workload's pods.

A pod reserves the sum of its containers' requests, or its largest init container's if that is
bigger (the scheduler's resource fit, computePodResourceRequest). A workload reserves that per pod,
replicas times over, or once per node for a DaemonSet, including the k3s-bundled Traefik when a
HelmChartConfig makes it one. capacity.py (totals) and packing.py (per node) both count with this.
"""

from __future__ import annotations

from dataclasses import dataclass

from gitops.k8s.helmcharts import chart_values, per_node
from gitops.k8s.manifests import Fields, Resource
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


def container_requests(container: Fields) -> Requests:
    requests = mapping(mapping(container.get("resources")).get("requests"))
    return Requests(cpu_millis(requests.get("cpu", 0)), memory_bytes(requests.get("memory", 0)))


def pod_requests(spec: Fields | None) -> Requests:
    """What the scheduler reserves for one pod: the containers' sum, or the largest init container if bigger."""
    spec = mapping(spec)
    running = Requests()
    for container in sequence(spec.get("containers")):
        running = running + container_requests(mapping(container))
    init = Requests.largest([container_requests(mapping(c)) for c in sequence(spec.get("initContainers"))])
    return Requests(max(running.cpu_millis, init.cpu_millis), max(running.memory_bytes, init.memory_bytes))


def _helm_daemonset(resource: Resource) -> Requests | None:
    """Requests of a chart-managed DaemonSet configured by a k3s HelmChartConfig (e.g. Traefik)."""
    values = chart_values(resource)
    if values is None or not per_node(values):
        return None
    return container_requests({"resources": mapping(values.get("resources"))})


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
