"""What every construct of one environment needs to know."""

from __future__ import annotations

from dataclasses import dataclass

from charts.naming import Naming
from gitops.config import LoadedEnvironment
from gitops.config.model import Environment


def resolve_settings(config: Environment, naming: Naming) -> dict[str, str]:
    """Literal settings plus the URLs derived from services, in config order."""
    values = dict(config.settings)
    for key, url in config.service_urls.items():
        target = config.services[url.service]
        if url.public:
            values[key] = f"{config.edge.public_scheme}://{target.hosts[0]}{url.path}"
        else:
            values[key] = f"{url.scheme}://{naming.internal_host(url.service)}:{target.port}{url.path}"
    return values


@dataclass(frozen=True)
class StackContext:
    environment: str
    config: Environment
    naming: Naming
    settings: dict[str, str]

    @classmethod
    def of(cls, loaded: LoadedEnvironment) -> StackContext:
        config = loaded.config
        kept = {name: svc.keep_live for name, svc in config.services.items() if svc.keep_live is not None}
        naming = Naming(
            environment=loaded.name,
            namespace=config.namespace,
            part_of=config.part_of,
            kept_selectors={name: dict(keep.selector) for name, keep in kept.items() if keep.selector},
            kept_claims={name: keep.claim for name, keep in kept.items() if keep.claim},
        )
        return cls(
            environment=loaded.name,
            config=config,
            naming=naming,
            settings=resolve_settings(config, naming),
        )
