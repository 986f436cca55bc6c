"""The origin behind the CDN: Traefik answers only the CDN, and every middleware its entry points name exists.

Cloudflare proxies the public names to the nodes' own addresses, where Traefik
listens on the host network. Those addresses are no secret (DNS history,
certificate logs, scanners): unless the entry point admits only the CDN's
ranges, anyone can reach the apps past Cloudflare's WAF, rate limits and cache.
The allow-list is a Traefik Middleware on the entry point (gitops/k8s/middlewares.py);
an entry point naming a Middleware that does not exist fails every router on it.

Both rules read the Traefik that k3s runs: its chart rendered with k3s's values and the HelmChartConfig
(gitops/review/edge.py), as the traefik-* rules do, so an entry point, trusted range or middleware that
comes from the chart's defaults, k3s's values or additionalArguments is judged like one our values set.
Findings are filed against the HelmChartConfig, at the values that set the entry point.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterator

from gitops.annotations import ORIGIN_RULE
from gitops.k8s import helmcharts, middlewares
from gitops.k8s.manifests import Resource
from gitops.k8s.workloads import Container, PodTemplate, sequence
from gitops.review.check.context import Context, edge_rendered
from gitops.review.check.registry import rule
from gitops.review.findings import Issue, Severity, Topic


def _known(ctx: Context) -> list[middlewares.Middleware]:
    return middlewares.of(r.obj for r in ctx.of_kind(middlewares.KIND))


def _traefik(ctx: Context) -> Iterator[tuple[Resource, PodTemplate, Container]]:
    """(HelmChartConfig, rendered pod, container) of every container the rendered Traefik runs."""
    for rendered in edge_rendered(ctx):
        for pod in rendered.pods():
            for container in pod.running_containers():
                yield rendered.config, pod, container


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
    for config, _, container in _traefik(ctx):
        args = sequence(container.spec.get("args"))
        for entry in helmcharts.entry_points(args):
            for ref in middlewares.entrypoint_middlewares(args, entry.name):
                if not ref.endswith(f"@{middlewares.PROVIDER}") or middlewares.resolve(ref, known):
                    continue
                yield Issue(
                    config,
                    f"spec.valuesContent (ports.{entry.name}.middlewares)",
                    f"entry point {entry.name} names middleware {ref}, and no Middleware here is it "
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
    for config, pod, container in _traefik(ctx):
        args = sequence(container.spec.get("args"))
        # The values key that puts the entry point on the node's address (the chart's ports.<ep>).
        key = "port" if pod.spec.get("hostNetwork") is True else "hostPort"
        for entry, number in helmcharts.node_entry_points(pod.spec, container.spec):
            entrypoint = entry.name
            field = f"spec.valuesContent (ports.{entrypoint}.middlewares)"
            cdn = helmcharts.listed(args, f"entryPoints.{entrypoint}.forwardedHeaders.trustedIPs")
            refs = middlewares.entrypoint_middlewares(args, entrypoint)
            lists = [
                (m, sources)
                for m in (middlewares.resolve(ref, known) for ref in refs)
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
