"""The edge as k3s runs it: the Traefik chart rendered with k3s's values and the HelmChartConfig.

k3s's Traefik runs whatever its chart makes of the values, defaults included, so these rules read the
chart's rendered pods (gitops/review/edge.py), not the values: a default the values never mention (an
entry point, a probe, a priority class) is judged like one they set. Findings are filed against the
HelmChartConfig, the object to change; their field names the rendered object and its field. What
config asks for comes from the declarations ConfigMap (config's traefik.httpPort and trustedProxies).
"""

from __future__ import annotations

from collections.abc import Iterator

from gitops.k8s import helmcharts, podsecurity, rollout
from gitops.k8s.workloads import Container, PodTemplate
from gitops.review.check.context import Context, edge_rendered
from gitops.review.check.registry import rule
from gitops.review.edge import CHART_VERSION
from gitops.review.findings import Issue, Severity, Topic

# What k3s's own HelmChart values give the chart (gitops/review/k3s-traefik-values.yaml): Traefik is
# evicted last and scheduled first, before the workloads it routes to.
PRIORITY_CLASS = "system-cluster-critical"
TRUSTED_IPS = "forwardedHeaders.trustedIPs"


def _where(pod: PodTemplate, field: str) -> str:
    return f"rendered {pod.resource}: {field}"


def _traefik(pod: PodTemplate) -> Container | None:
    """The Traefik container: the one whose args open entry points."""
    for container in pod.running_containers():
        if helmcharts.entry_points(container.spec.get("args") or []):
            return container
    return None


@rule(
    "traefik-chart-values",
    Topic.INTEGRITY,
    Severity.ERROR,
    prevents="a HelmChartConfig the chart refuses (k3s's install job fails and retries forever, Traefik keeps "
    "the old values) or a misspelt key the chart silently ignores",
    fix="give the value the type the chart's values.schema.json asks for; spell keys as its values.yaml does",
)
def chart_values(ctx: Context) -> Iterator[Issue]:
    for rendered in edge_rendered(ctx):
        if rendered.refused is not None:
            yield Issue(
                rendered.config,
                "spec.valuesContent",
                f"the Traefik chart {CHART_VERSION} refuses these values: {rendered.refused}",
                "fix the value the chart names (its values.schema.json says which types it takes)",
            )
        for path in rendered.unknown:
            yield Issue(
                rendered.config,
                f"spec.valuesContent ({path})",
                f"{path} is not a value of the Traefik chart {CHART_VERSION} (neither its values.yaml nor its "
                "values.schema.json has it): the chart ignores it",
                "remove it, or spell it as the chart's values.yaml does",
            )


def _open(pod: PodTemplate) -> list[tuple[int, str, str]]:
    """(port, protocol, field) of everything the pod listens on at the node's own addresses."""
    host_network = pod.spec.get("hostNetwork") is True
    found = []
    for container in pod.running_containers():
        for index, port in enumerate(container.ports):
            number = helmcharts.node_port(port, host_network)
            if number:
                where = f"{container.field}.ports[{port.get('name') or index}]{'' if host_network else '.hostPort'}"
                found.append((number, str(port.get("protocol") or "TCP"), where))
        if host_network:
            for entry, _ in helmcharts.node_entry_points(pod.spec, container.spec):
                found.append((entry.port, entry.protocol, f"{container.field}.args (--entryPoints.{entry.name})"))
    return found


@rule(
    "traefik-host-ports",
    Topic.POLICY,
    Severity.ERROR,
    prevents="Traefik listening on the nodes' public addresses on ports config never asked for (the dashboard "
    "API, metrics, a second entry point), each reachable from the internet around the CDN",
    fix="remove the entry point from the HelmChartConfig's ports (ports.<name>: null) or bind it to the "
    "loopback (ports.<name>.hostIP: 127.0.0.1)",
)
def host_ports(ctx: Context) -> Iterator[Issue]:
    cluster = ctx.declared.cluster
    wanted = cluster.http_port if cluster else None
    if wanted is None:
        return
    for rendered in edge_rendered(ctx):
        for pod in rendered.pods():
            opened = _open(pod)
            for port, protocol, field in opened:
                if port != wanted:
                    yield Issue(
                        rendered.config,
                        _where(pod, field),
                        f"the rendered Traefik opens {port}/{protocol} on every node's own address; config asks "
                        f"for {wanted} only (traefik.httpPort)",
                        "set ports.<name>: null for an entry point nobody uses, or ports.<name>.hostIP: 127.0.0.1 "
                        "for one only the node itself reaches",
                    )
            if opened and not any(port == wanted for port, _, _ in opened):
                yield Issue(
                    rendered.config,
                    _where(pod, f"{pod.field}.containers"),
                    f"the rendered Traefik does not open {wanted} (config's traefik.httpPort) on the node",
                    f"set ports.web.port: {wanted} in the HelmChartConfig",
                )


@rule(
    "traefik-update-strategy",
    Topic.INTEGRITY,
    Severity.ERROR,
    prevents="a Traefik rollout that stalls: a surged pod needs the host ports its node's old pod still holds",
    fix="updateStrategy.rollingUpdate: maxSurge 0, maxUnavailable 1",
)
def update_strategy(ctx: Context) -> Iterator[Issue]:
    cluster = ctx.declared.cluster
    nodes = len(cluster.nodes) if cluster and cluster.nodes else 1
    for rendered in edge_rendered(ctx):
        for pod in rendered.pods():
            if not _open(pod) and pod.spec.get("hostNetwork") is not True:
                continue
            problem = rollout.surge_on_host_ports(pod.resource.obj, nodes)
            if problem:
                yield Issue(
                    rendered.config,
                    _where(pod, "spec.updateStrategy.rollingUpdate"),
                    f"the rendered Traefik holds host ports, but {problem}",
                    "set updateStrategy.rollingUpdate.maxSurge: 0 and maxUnavailable: 1 in the HelmChartConfig",
                )


@rule(
    "traefik-priority-class",
    Topic.POLICY,
    Severity.ERROR,
    prevents="Traefik preempted or evicted before the workloads it routes to when a node runs short",
    fix=f"leave priorityClassName to k3s's values ({PRIORITY_CLASS})",
)
def priority_class(ctx: Context) -> Iterator[Issue]:
    for rendered in edge_rendered(ctx):
        for pod in rendered.pods():
            found = pod.spec.get("priorityClassName")
            if found != PRIORITY_CLASS:
                yield Issue(
                    rendered.config,
                    _where(pod, f"{pod.field}.priorityClassName"),
                    f"the rendered Traefik has priorityClassName {found!r}, not {PRIORITY_CLASS} as k3s gives it",
                    "remove priorityClassName from the HelmChartConfig so k3s's value stays",
                )


@rule(
    "traefik-trusted-proxies",
    Topic.POLICY,
    Severity.ERROR,
    prevents="client IPs that are the CDN's (no trust) or forgeable by anyone (trust beyond the CDN's ranges) "
    "in logs, rate limits and allow-lists",
    fix="ports.web.forwardedHeaders.trustedIPs equal to config's traefik.trustedProxies",
)
def trusted_proxies(ctx: Context) -> Iterator[Issue]:
    cluster = ctx.declared.cluster
    if cluster is None or cluster.http_port is None or cluster.trusted_proxies is None:
        return
    wanted = list(cluster.trusted_proxies)
    for rendered in edge_rendered(ctx):
        for pod in rendered.pods():
            container = _traefik(pod)
            if container is None:
                continue
            entry = next(
                (e for e, port in helmcharts.node_entry_points(pod.spec, container.spec) if port == cluster.http_port),
                None,
            )
            if entry is None:
                continue  # traefik-host-ports names the missing entry point
            flag = f"entryPoints.{entry.name}.{TRUSTED_IPS}"
            found = helmcharts.listed(container.spec.get("args") or [], flag)
            if sorted(found) != sorted(wanted):
                missing = [ip for ip in wanted if ip not in found]
                extra = [ip for ip in found if ip not in wanted]
                said = "; ".join(
                    part
                    for part in (
                        f"missing {', '.join(missing)}" if missing else "",
                        f"not in config: {', '.join(extra)}" if extra else "",
                    )
                    if part
                )
                yield Issue(
                    rendered.config,
                    _where(pod, f"{container.field}.args (--{flag})"),
                    f"the rendered Traefik trusts X-Forwarded-* from {len(found)} range(s), config's "
                    f"traefik.trustedProxies lists {len(wanted)}: {said}",
                    f"set ports.{entry.name}.{TRUSTED_IPS} to config's traefik.trustedProxies",
                )


@rule(
    "traefik-pod-security",
    Topic.POLICY,
    Severity.ERROR,
    prevents="a Traefik pod with more power than binding the node's port needs: kube-system admits anything "
    "(k3s leaves it privileged), so nothing else refuses it",
    fix="only hostNetwork, root and NET_BIND_SERVICE: capabilities drop ALL, allowPrivilegeEscalation false, "
    "seccomp RuntimeDefault, readOnlyRootFilesystem true, never privileged",
)
def pod_security(ctx: Context) -> Iterator[Issue]:
    for rendered in edge_rendered(ctx):
        for pod in rendered.pods():
            excess = podsecurity.host_network_proxy_excess(pod.spec)
            if excess:
                yield Issue(
                    rendered.config,
                    _where(pod, pod.field),
                    f"the rendered Traefik asks for more than a host-network proxy needs: {', '.join(excess)}",
                    "set securityContext (capabilities drop ALL, add NET_BIND_SERVICE; allowPrivilegeEscalation "
                    "false; readOnlyRootFilesystem true; seccompProfile RuntimeDefault) in the HelmChartConfig",
                )
