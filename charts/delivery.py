"""The delivery units of an environment and the order they are applied in.

One dependency graph feeds both engines: Flux gets it as `dependsOn`, Argo CD
as sync waves (a unit's wave is the length of its longest dependency chain),
so the two can never disagree about what must be ready first.
"""

from __future__ import annotations

from dataclasses import dataclass

from gitops.config.model import Environment, Service
from gitops.layout import APPS, INFRASTRUCTURE, Unit

MINIMUM_TIMEOUT_SECONDS = 300
TIMEOUT_MARGIN_SECONDS = 120


@dataclass(frozen=True)
class Delivered:
    """A delivery unit, what it must wait for, and what it holds."""

    name: Unit
    depends_on: tuple[Unit, ...]
    description: str


# infrastructure: what the apps need to exist first (namespace, Redis, policies).
UNITS = (
    Delivered(INFRASTRUCTURE, (), "namespace, network policies, ingress controller and stateful services"),
    Delivered(APPS, (INFRASTRUCTURE,), "the application services, their settings, Services, Ingresses and budgets"),
)


def waves(units: tuple[Delivered, ...] = UNITS) -> dict[str, int]:
    by_name = {unit.name: unit for unit in units}
    memo: dict[Unit, int] = {}

    def depth(name: Unit, seen: tuple[Unit, ...] = ()) -> int:
        if name in seen:
            raise ValueError(f"delivery units depend on each other in a cycle: {' -> '.join((*seen, name))}")
        if name not in memo:
            memo[name] = max((depth(dep, (*seen, name)) + 1 for dep in by_name[name].depends_on), default=0)
        return memo[name]

    return {unit.name: depth(unit.name) for unit in units}


def settings_unit(config: Environment) -> Unit:
    """The unit the settings ConfigMap is delivered with: the earliest unit whose services read settings.

    A container reads its settings from the ConfigMap once, when it starts, and the settings hash on
    its pod template rolls it when they change: the ConfigMap must be applied no later than the pods
    that read it. Within one unit both engines apply ConfigMaps before Deployments (Flux's apply sorts
    by kind; Argo CD waits for each kind's group, gitops-engine pkg/sync/sync_context.go). Across units
    only Flux orders every commit (dependsOn waits for the dependency at the same revision); Argo CD
    syncs each Application on its own and its sync waves order them only when the root Application
    syncs them, so with the ConfigMap in infrastructure the rehearsal saw the apps roll onto the old
    settings (tests/e2e/rehearse_argocd.py)."""
    order = waves()
    readers = [service.unit for service in config.services.values() if service.settings]
    return min(readers, key=lambda unit: order[unit]) if readers else INFRASTRUCTURE


def rollout_seconds(service: Service) -> int:
    """Worst-case time to roll every pod: pods start one after another (maxSurge 1, or Recreate)."""
    return service.startup_seconds * (1 if service.singleton else service.replicas)


def timeout_seconds(config: Environment, unit: str) -> int:
    """How long an engine waits for a unit to become healthy before calling the apply failed."""
    slowest = max(
        (rollout_seconds(s) for s in config.services.values() if s.unit == unit),
        default=0,
    )
    return max(MINIMUM_TIMEOUT_SECONDS, slowest + TIMEOUT_MARGIN_SECONDS)
