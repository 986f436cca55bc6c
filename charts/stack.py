"""One environment as cdk8s charts: one chart per delivery unit, one for the delivery objects.

Each chart becomes one directory of dist/ that a GitOps engine syncs on its
own: dist/<env>/<unit>/ for the units (charts/delivery.py says which and in
what order) and dist/clusters/<env>/ for the engine's own objects.
"""

from __future__ import annotations

import cdk8s

from charts.app_service import AppService
from charts.argocd import ArgoDelivery, rendered_kinds
from charts.context import StackContext
from charts.declarations import Declarations
from charts.delivery import UNIT_NAMES
from charts.flux import FluxDelivery
from charts.namespace import AppNamespace
from charts.netpol import NetworkPolicies
from charts.settings import SettingsMap
from charts.traefik import TraefikConfig
from gitops.config import LoadedEnvironment


def build(app: cdk8s.App, loaded: LoadedEnvironment, encrypted_units: set[str]) -> dict[str, cdk8s.Chart]:
    """Add the environment's charts to app; returns them by their directory under dist/."""
    ctx = StackContext.of(loaded)
    naming = ctx.naming
    units = {
        unit: cdk8s.Chart(app, f"{loaded.name}-{unit}", disable_resource_name_hashes=True)
        for unit in UNIT_NAMES
    }
    infrastructure = units["infrastructure"]
    AppNamespace(infrastructure, "namespace", ctx=ctx)
    SettingsMap(infrastructure, "settings", ctx=ctx)
    Declarations(infrastructure, "declarations", ctx=ctx)
    NetworkPolicies(infrastructure, "network-policies", ctx=ctx)
    TraefikConfig(infrastructure, "traefik", ctx=ctx)
    for name, service in ctx.config.services.items():
        AppService(units[service.unit], name, ctx=ctx, name=name, service=service)

    delivery = cdk8s.Chart(app, f"{loaded.name}-delivery", disable_resource_name_hashes=True)
    if ctx.config.delivery.engine == "flux":
        FluxDelivery(delivery, "flux", ctx=ctx, encrypted_units=encrypted_units)
    else:
        ArgoDelivery(delivery, "argocd", ctx=ctx, kinds=rendered_kinds(list(units.values())))

    charts = {naming.unit_dir(unit): chart for unit, chart in units.items()}
    charts[naming.cluster_dir()] = delivery
    return charts


def synthesize(
    environments: list[LoadedEnvironment], encrypted_units: dict[str, set[str]] | None = None
) -> dict[str, dict[str, list[dict]]]:
    """Every environment's objects as plain dicts: {environment: {dir under dist/: [object, ...]}}.

    encrypted_units names, per environment, the units that will also hold
    SOPS-encrypted Secrets (their Flux Kustomization must decrypt). All
    environments share one cdk8s App, so one jsii runtime serves them all.
    """
    encrypted_units = encrypted_units or {}
    app = cdk8s.App()
    built = {loaded.name: build(app, loaded, encrypted_units.get(loaded.name, set())) for loaded in environments}
    return {
        name: {directory: list(chart.to_json()) for directory, chart in charts.items()}
        for name, charts in built.items()
    }
