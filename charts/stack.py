"""One environment as cdk8s charts: one chart per delivery unit, one for the delivery objects.

Each chart becomes one directory of dist/ that a GitOps engine syncs on its
own: dist/<env>/<unit>/ for the units (charts/delivery.py says which and in
what order) and dist/clusters/<env>/ for the engine's own objects.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from collections.abc import Set as AbstractSet
from dataclasses import dataclass

import cdk8s
from constructs import Construct

from charts.app_service import AppService
from charts.argocd import ArgoDelivery, rendered_kinds
from charts.context import StackContext
from charts.declarations import Declarations
from charts.delivery import settings_unit
from charts.flux import FluxDelivery
from charts.namespace import AppNamespace
from charts.netpol import NetworkPolicies
from charts.settings import SettingsMap
from charts.traefik import TraefikConfig
from gitops.config import LoadedEnvironment
from gitops.layout import INFRASTRUCTURE, UNITS, Unit


@dataclass(frozen=True)
class Piece:
    """One top-level construct of a unit: it reads config through ctx and adds its objects to scope."""

    id: str
    unit: Unit
    build: Callable[[Construct, StackContext], object]


def _service(name: str) -> Callable[[Construct, StackContext], object]:
    return lambda scope, ctx: AppService(scope, name, ctx=ctx, name=name, service=ctx.config.services[name])


def pieces(ctx: StackContext) -> list[Piece]:
    """The environment's top-level constructs, in rendering order; each depends on config alone, never on
    another's objects, so each can be rendered apart (gitops/render/pieces.py renders only those whose config
    changed)."""
    return [
        Piece("namespace", INFRASTRUCTURE, lambda scope, c: AppNamespace(scope, "namespace", ctx=c)),
        # With the earliest unit that reads them (charts/delivery.py: Argo CD orders units only on the first sync).
        Piece("settings", settings_unit(ctx.config), lambda scope, c: SettingsMap(scope, "settings", ctx=c)),
        Piece("declarations", INFRASTRUCTURE, lambda scope, c: Declarations(scope, "declarations", ctx=c)),
        Piece("network-policies", INFRASTRUCTURE, lambda scope, c: NetworkPolicies(scope, "network-policies", ctx=c)),
        Piece("traefik", INFRASTRUCTURE, lambda scope, c: TraefikConfig(scope, "traefik", ctx=c)),
        *(Piece(f"service-{name}", service.unit, _service(name)) for name, service in ctx.config.services.items()),
    ]


def unit_chart(app: cdk8s.App, ctx: StackContext, unit: str, suffix: str = "") -> cdk8s.Chart:
    return cdk8s.Chart(app, f"{ctx.environment}-{unit}{suffix}", disable_resource_name_hashes=True)


def build_units(app: cdk8s.App, ctx: StackContext) -> dict[Unit, cdk8s.Chart]:
    """The environment's delivery units as charts, by unit name."""
    units = {unit: unit_chart(app, ctx, unit) for unit in UNITS}
    for piece in pieces(ctx):
        piece.build(units[piece.unit], ctx)
    return units


def build_delivery(
    app: cdk8s.App, ctx: StackContext, unit_objects: list[dict], encrypted_units: AbstractSet[str]
) -> cdk8s.Chart:
    """The engine's own objects; Argo CD's project is limited to what the units render."""
    delivery = cdk8s.Chart(app, f"{ctx.environment}-delivery", disable_resource_name_hashes=True)
    if ctx.config.delivery.engine == "flux":
        FluxDelivery(delivery, "flux", ctx=ctx, encrypted_units=encrypted_units)
    else:
        ArgoDelivery(delivery, "argocd", ctx=ctx, kinds=rendered_kinds(unit_objects))
    return delivery


def synthesize(
    environments: list[LoadedEnvironment], encrypted_units: Mapping[str, AbstractSet[str]] | None = None
) -> dict[str, dict[str, list[dict]]]:
    """Every environment's objects as plain dicts: {environment: {dir under dist/: [object, ...]}}.

    encrypted_units names, per environment, the units that will also hold
    SOPS-encrypted Secrets (their Flux Kustomization must decrypt). All
    environments share one cdk8s App, so one jsii runtime serves them all.
    """
    encrypted_units = encrypted_units or {}
    app = cdk8s.App()
    result = {}
    for loaded in environments:
        ctx = StackContext.of(loaded)
        rendered = {ctx.naming.unit_dir(unit): list(chart.to_json()) for unit, chart in build_units(app, ctx).items()}
        unit_objects = [obj for objects in rendered.values() for obj in objects]
        delivery = build_delivery(app, ctx, unit_objects, encrypted_units.get(loaded.name, set()))
        rendered[ctx.naming.cluster_dir()] = list(delivery.to_json())
        result[loaded.name] = rendered
    return result
