"""The one place the rehearsal reaches into the rest of the project.

Config loading, manifest reading, declarations and the capacity model are owned by other
modules that are being reorganised; pointing the rehearsal at their new homes is an edit
to this file only.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from gitops.config import ConfigError, environment_names, load_environments
from gitops.k8s import capacity, crds, declared, manifests
from gitops.k8s.declared import Cluster, DeclarationError, Declared
from gitops.k8s.manifests import ManifestError, Resource
from gitops.k8s.quantities import cpu_millis, format_cpu, format_memory, memory_bytes
from gitops.layout import CLUSTERS, PROJECT

__all__ = [
    "CLUSTERS",
    "PROJECT",
    "Cluster",
    "ConfigError",
    "DeclarationError",
    "Declared",
    "Environment",
    "ManifestError",
    "Resource",
    "capacity_line",
    "capacity_report",
    "cpu_millis",
    "crds",
    "demands",
    "environments",
    "format_cpu",
    "format_memory",
    "load_manifests",
    "memory_bytes",
    "pod_requests",
    "read_declared",
]


@dataclass(frozen=True)
class Environment:
    """What the rehearsal needs to know of one environment's config."""

    name: str
    engine: str  # "flux" or "argocd"
    architecture: str
    namespace: str
    repository_url: str
    repository_secret: str | None


def environments(config_dir: Path, names: list[str] | None) -> list[Environment]:
    """The named environments (all when None); raises ConfigError on bad config or an unknown name."""
    found = []
    for loaded in load_environments(config_dir, names):
        config = loaded.config
        repository = config.delivery.repository
        found.append(
            Environment(
                name=loaded.name,
                engine=config.delivery.engine,
                architecture=config.cluster.architecture,
                namespace=config.namespace,
                repository_url=repository.url,
                repository_secret=repository.secret_ref,
            )
        )
    return found


def all_environment_names(config_dir: Path) -> list[str]:
    return environment_names(config_dir)


def load_manifests(paths: list[Path]) -> list[Resource]:
    return manifests.load(paths)


def read_declared(resources: list[Resource]) -> Declared:
    return declared.read(resources)


def capacity_report(resources: list[Resource], cluster: Cluster) -> capacity.Report:
    """What `main.py check` predicts when the largest node is lost."""
    return capacity.report(resources, cluster)


def pod_requests(spec: dict) -> capacity.Requests:
    """What the scheduler reserves for one pod, as `main.py check` counts it."""
    return capacity.pod_requests(spec)


def demands(resources: list[Resource]) -> list[capacity.Demand]:
    """Each workload's requests as `main.py check` counts them (Traefik's from its HelmChartConfig)."""
    return capacity.demands(resources)


def capacity_line(resources: list[Resource], cluster: Cluster) -> tuple[capacity.Report, str]:
    """check's capacity report and the line `main.py check` prints for it, word for word."""
    from gitops.review.check.headroom import Headroom
    from gitops.review.check.report import capacity_line as line

    report = capacity.report(resources, cluster)
    return report, line(Headroom(report, report.lost, None))
