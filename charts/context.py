"""What every construct of one environment needs to know."""

from __future__ import annotations

from dataclasses import dataclass

from charts.naming import Naming
from charts.settings import resolve_settings
from gitops.config import LoadedEnvironment
from gitops.config.model import Environment


@dataclass(frozen=True)
class StackContext:
    environment: str
    config: Environment
    naming: Naming
    settings: dict[str, str]

    @classmethod
    def of(cls, loaded: LoadedEnvironment) -> StackContext:
        config = loaded.config
        naming = Naming(environment=loaded.name, namespace=config.namespace, part_of=config.part_of)
        return cls(
            environment=loaded.name,
            config=config,
            naming=naming,
            settings=resolve_settings(config, naming),
        )
