"""One environment as cdk8s charts, one chart per delivery unit.

`infrastructure` (namespace, settings, declarations, ingress controller,
stateful services)
is applied before `apps`; each unit is a directory under dist/<env>/ that a
GitOps engine can sync on its own.
"""

from __future__ import annotations

import cdk8s

from charts.app_service import AppService
from charts.context import StackContext
from charts.declarations import Declarations
from charts.namespace import AppNamespace
from charts.settings import SettingsMap
from charts.traefik import TraefikConfig
from gitops.config import LoadedEnvironment

UNITS = ("infrastructure", "apps")


def build(app: cdk8s.App, loaded: LoadedEnvironment) -> dict[str, cdk8s.Chart]:
    """Add the environment's charts to app; returns them by unit."""
    ctx = StackContext.of(loaded)
    charts = {
        unit: cdk8s.Chart(app, f"{loaded.name}-{unit}", disable_resource_name_hashes=True)
        for unit in UNITS
    }
    infrastructure = charts["infrastructure"]
    AppNamespace(infrastructure, "namespace", ctx=ctx)
    SettingsMap(infrastructure, "settings", ctx=ctx)
    Declarations(infrastructure, "declarations", ctx=ctx)
    TraefikConfig(infrastructure, "traefik", ctx=ctx)
    for name, service in ctx.config.services.items():
        AppService(charts[service.unit], name, ctx=ctx, name=name, service=service)
    return charts


def synthesize(environments: list[LoadedEnvironment]) -> dict[str, dict[str, list[dict]]]:
    """Every environment's objects as plain dicts: {environment: {unit: [object, ...]}}.

    All environments share one cdk8s App, so one jsii runtime serves them all.
    """
    app = cdk8s.App()
    built = {loaded.name: build(app, loaded) for loaded in environments}
    return {
        name: {unit: list(chart.to_json()) for unit, chart in charts.items()}
        for name, charts in built.items()
    }
