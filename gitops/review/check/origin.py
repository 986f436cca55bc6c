"""The origin behind the CDN: Traefik answers only the CDN, and every middleware its entry points name exists.

Cloudflare proxies the public names to the nodes' own addresses, where Traefik
listens on the host network. Those addresses are no secret (DNS history,
certificate logs, scanners): unless the entry point admits only the CDN's
ranges, anyone can reach the apps past Cloudflare's WAF, rate limits and cache.
The allow-list is a Traefik Middleware on the entry point (gitops/k8s/middlewares.py);
an entry point naming a Middleware that does not exist fails every router on it.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterator

from gitops.annotations import ORIGIN_RULE
from gitops.k8s import middlewares
from gitops.k8s.helmcharts import chart_values, host_bound_ports
from gitops.k8s.workloads import dig, mapping, sequence
from gitops.review.check.context import Context
from gitops.review.check.registry import rule
from gitops.review.findings import Issue, Severity, Topic


def _known(ctx: Context) -> list[middlewares.Middleware]:
    return middlewares.of(r.obj for r in ctx.of_kind(middlewares.KIND))


def _outside(ranges: list[str], allowed: list[str]) -> list[str]:
    """The ranges not inside any of allowed (unparsable ones count as outside)."""
    try:
        networks = [ipaddress.ip_network(a, strict=False) for a in allowed]
    except ValueError:
        return list(ranges)
    extra = []
    for text in ranges:
        try:
            network = ipaddress.ip_network(text, strict=False)
        except ValueError:
            extra.append(text)
            continue
        if not any(network.version == n.version and network.subnet_of(n) for n in networks):  # type: ignore[arg-type]
            extra.append(text)
    return extra


@rule(
    "entrypoint-middleware",
    Topic.INTEGRITY,
    Severity.ERROR,
    prevents="every domain on an entry point answering 404: Traefik builds no router on it while a middleware it "
    "names is missing",
    fix="add the Middleware to the same delivery unit, or remove it from ports.<entry point>.middlewares",
)
def entrypoint_middleware(ctx: Context) -> Iterator[Issue]:
    known = _known(ctx)
    for config in ctx.of_kind("HelmChartConfig"):
        values = chart_values(config)
        if values is None:
            continue
        for entrypoint in mapping(values.get("ports")):
            for ref in middlewares.entrypoint_middlewares(values, str(entrypoint)):
                if not ref.endswith(f"@{middlewares.PROVIDER}") or middlewares.resolve(ref, known):
                    continue
                yield Issue(
                    config,
                    f"spec.valuesContent (ports.{entrypoint}.middlewares)",
                    f"entry point {entrypoint} names middleware {ref}, and no Middleware here is it "
                    f"(Middlewares here: {', '.join(m.reference for m in known) or 'none'})",
                    f"add a {middlewares.KIND} whose namespace-name is {ref.split('@')[0]}, or remove the reference",
                )


@rule(
    ORIGIN_RULE,
    Topic.POLICY,
    Severity.ERROR,
    prevents="anyone who finds a node's address reaching the apps directly, past the CDN in front of them",
    fix="leave config traefik.openOrigin unset (charts/traefik.py then puts an allow-list of trustedProxies on the "
    "entry point), or waive with the reason the origin may be open",
)
def origin_allow_list(ctx: Context) -> Iterator[Issue]:
    known = _known(ctx)
    for config in ctx.of_kind("HelmChartConfig"):
        values = chart_values(config)
        if values is None:
            continue
        for entrypoint, key, number, port in host_bound_ports(values):
            field = f"spec.valuesContent (ports.{entrypoint}.middlewares)"
            cdn = [str(r) for r in sequence(dig(port, "forwardedHeaders", "trustedIPs"))]
            lists = [
                (m, sources)
                for m in (
                    middlewares.resolve(ref, known) for ref in middlewares.entrypoint_middlewares(values, entrypoint)
                )
                if m is not None and (sources := m.allowed_sources()) is not None
            ]
            if not cdn:
                # No CDN in front (no trusted proxies): the node addresses are the public edge.
                continue
            if not lists:
                yield Issue(
                    config,
                    field,
                    f"entry point {entrypoint} (port {number} on every node's address, ports.{entrypoint}.{key}) "
                    "has no ipAllowList middleware: behind the CDN of its forwardedHeaders.trustedIPs, it answers "
                    "anyone, not only the CDN",
                    f"put a {middlewares.KIND} with spec.ipAllowList.sourceRange = the CDN's ranges "
                    f"(ports.{entrypoint}.forwardedHeaders.trustedIPs) on ports.{entrypoint}.middlewares",
                )
                continue
            middleware, sources = min(lists, key=lambda listed: len(_outside(listed[1], cdn)))
            extra = _outside(sources, cdn)
            if extra:
                yield Issue(
                    config,
                    field,
                    f"middleware {middleware.reference} on entry point {entrypoint} admits {', '.join(extra)}, "
                    f"outside the CDN's ranges (ports.{entrypoint}.forwardedHeaders.trustedIPs)",
                    "make the allow-list's sourceRange the CDN's ranges, as trustedIPs lists them",
                )
