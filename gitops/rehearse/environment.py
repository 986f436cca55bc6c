"""What the rehearsal needs to know of one environment's config: its name, engine, namespace and repository."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from gitops.config import load_environments


@dataclass(frozen=True)
class Environment:
    """One environment as the rehearsal delivers it."""

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
