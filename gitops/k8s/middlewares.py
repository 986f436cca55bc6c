"""Traefik Middlewares as the k3s-bundled Traefik reads them: one module for charts, check and the rehearsal.

Facts (Traefik v3 docs, "Kubernetes CRD provider" and "IPAllowList"; the Traefik
chart's values.yaml `ports.<name>.middlewares`):
- a Middleware object (traefik.io/v1alpha1) is known to Traefik as
  `<namespace>-<name>@kubernetescrd`; that is how an entry point's
  `--entryPoints.<ep>.http.middlewares` names it, and the chart writes that flag
  from `ports.<ep>.middlewares`;
- middlewares of an entry point run before every router on it, whatever
  provider the router comes from (Ingress or IngressRoute);
- an entry point naming a middleware that does not exist makes every router on
  it fail to build: every domain served there answers 404;
- `spec.ipAllowList.sourceRange` without `ipStrategy` matches the connection's own
  peer address (not X-Forwarded-For), so behind a CDN it admits the CDN's edges.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from gitops.k8s import helmcharts
from gitops.k8s.manifests import Fields
from gitops.k8s.workloads import dig, mapping, sequence

API_VERSION = "traefik.io/v1alpha1"
KIND = "Middleware"
PROVIDER = "kubernetescrd"


def reference(namespace: str, name: str) -> str:
    """How an entry point or router names the Middleware namespace/name."""
    return f"{namespace}-{name}@{PROVIDER}"


@dataclass(frozen=True)
class Middleware:
    namespace: str
    name: str
    spec: Fields

    @property
    def reference(self) -> str:
        return reference(self.namespace, self.name)

    def allowed_sources(self) -> list[str] | None:
        """The ranges an ipAllowList admits by peer address; None when it is no such allow-list."""
        allow = mapping(self.spec.get("ipAllowList"))
        if not allow or mapping(allow.get("ipStrategy")):
            # With an ipStrategy the list is matched against X-Forwarded-For, which any client can write.
            return None
        ranges = [str(r) for r in sequence(allow.get("sourceRange"))]
        return ranges or None


def of(objects: Iterable[Fields]) -> list[Middleware]:
    """The Traefik Middlewares among parsed objects."""
    return [
        Middleware(
            str(dig(obj, "metadata", "namespace") or ""), str(dig(obj, "metadata", "name")), mapping(obj.get("spec"))
        )
        for obj in objects
        if obj.get("kind") == KIND and str(obj.get("apiVersion", "")).startswith("traefik.io/")
    ]


def resolve(ref: str, known: Iterable[Middleware]) -> Middleware | None:
    """The Middleware a reference names, among known ones; None when none of them is it."""
    return next((m for m in known if m.reference == ref), None)


def entrypoint_middlewares(args: list[Any], entrypoint: str) -> list[str]:
    """The references to middlewares a Traefik container's args put on an entry point
    (`--entryPoints.<ep>.http.middlewares`, which the chart writes from `ports.<ep>.middlewares`)."""
    return helmcharts.listed(args, f"entryPoints.{entrypoint}.http.middlewares")
