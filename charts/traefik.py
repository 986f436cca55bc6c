"""Reconfigures the Traefik that k3s bundles, through a HelmChartConfig.

k3s installs Traefik from its own HelmChart `kube-system/traefik`; a
HelmChartConfig of the same name and namespace is merged over that chart's
values. The values below carry their reasons as comments, so the reviewer and
`kubectl get helmchartconfig traefik -o yaml` both show why.
"""

from __future__ import annotations

import cdk8s
from constructs import Construct
from ruamel.yaml.comments import CommentedMap

from charts.context import StackContext
from charts.custom import custom_object
from gitops.annotations import ORIGIN_RULE, waiver
from gitops.formats import yamlio
from gitops.k8s import middlewares

NAME = "traefik"
NAMESPACE = "kube-system"


def _map(*entries: tuple) -> CommentedMap:
    """A mapping from (key, value) or (key, value, comment) entries, in order."""
    mapping = CommentedMap()
    for entry in entries:
        key, value = entry[0], entry[1]
        mapping[key] = value
        if len(entry) == 3:
            mapping.yaml_add_eol_comment(entry[2], key, column=0)
    return mapping


def values(ctx: StackContext) -> CommentedMap:
    """Chart values making the bundled Traefik a host-network DaemonSet on :80."""
    traefik = ctx.config.traefik
    port = traefik.http_port
    web = _map(
        ("port", port, "on the host network the chart requires port == hostPort"),
        ("hostPort", port),
    )
    if traefik.trusted_proxies:
        web["forwardedHeaders"] = _map(("trustedIPs", list(traefik.trusted_proxies)))
        web.yaml_add_eol_comment("only the CDN may set X-Forwarded-For", "forwardedHeaders", column=0)
    if _admits_only_the_cdn(ctx):
        web["middlewares"] = [middlewares.reference(NAMESPACE, ctx.naming.origin_allow_list())]
        web.yaml_add_eol_comment(
            "before every router: a client that is not the CDN gets 403, even with a node's address",
            "middlewares",
            column=0,
        )
    res = traefik.resources
    status = _status(ctx)
    return _map(
        (
            "deployment",
            _map(
                ("kind", "DaemonSet", "one Traefik on every node: DNS round-robins over all node addresses"),
                ("dnsPolicy", "ClusterFirstWithHostNet", "keep cluster DNS while on the host network"),
            ),
        ),
        ("hostNetwork", True, "listen on each node's own address, no ServiceLB or kube-proxy hop"),
        ("ports", _ports(web)),
        (
            "metrics",
            _map(("prometheus", None, "no metrics entry point (ports.metrics), so nothing to publish")),
        ),
        (
            "updateStrategy",
            _map(
                ("type", "RollingUpdate"),
                (
                    "rollingUpdate",
                    _map(
                        ("maxUnavailable", 1, "two pods cannot hold one host port: replace, never surge"),
                        ("maxSurge", 0),
                    ),
                ),
            ),
        ),
        (
            "service",
            _map(
                ("type", "ClusterIP", "a LoadBalancer Service would make ServiceLB claim the host ports too"),
            ),
        ),
        (
            "podSecurityContext",
            _map(
                ("runAsNonRoot", False, "without ambient capabilities only root can use NET_BIND_SERVICE"),
                ("runAsUser", 0),
                ("runAsGroup", 0),
            ),
        ),
        (
            "securityContext",
            _map(
                ("allowPrivilegeEscalation", False),
                (
                    "capabilities",
                    _map(
                        ("drop", ["ALL"]),
                        ("add", ["NET_BIND_SERVICE"], f"bind :{port}, nothing else"),
                    ),
                ),
                ("readOnlyRootFilesystem", True),
                ("seccompProfile", _map(("type", "RuntimeDefault"))),
            ),
        ),
        (
            "resources",
            _map(
                ("requests", _map(("cpu", res.cpu), ("memory", res.memory))),
                ("limits", _map(("memory", res.memory_limit))),
            ),
        ),
        *status,
    )


# The chart opens more entry points than web; on the host network each one listens on every node address
# unless bound to loopback. Only config's httpPort is public (docs/hardening.md, "The edge's ports").
LOOPBACK = "127.0.0.1"


def _ports(web: CommentedMap) -> CommentedMap:
    """The chart's entry points: web as config asks, the others removed or on the node's loopback only."""
    return _map(
        ("web", web),
        ("websecure", None, "TLS ends at the CDN, which reaches the origin over HTTP: no :8443 listener"),
        (
            "traefik",
            _map(("hostIP", LOOPBACK)),
            "ping for kubelet's probes, which reach the loopback; the dashboard API stays off the network",
        ),
        ("metrics", None, "nothing scrapes Traefik: no :9100 on every node's public address"),
    )


def _admits_only_the_cdn(ctx: StackContext) -> bool:
    """Whether Traefik answers only the CDN: there is one in front (trustedProxies) and no openOrigin reason."""
    return bool(ctx.config.traefik.trusted_proxies) and ctx.config.traefik.open_origin is None


def _status(ctx: StackContext) -> list[tuple]:
    """Values that give Ingresses a status (Argo CD reports an Ingress without one as Progressing)."""
    hostname = ctx.config.edge.status_hostname
    if hostname is None:
        return []
    return [
        (
            "providers",
            _map(
                (
                    "kubernetesIngress",
                    _map(
                        (
                            "publishedService",
                            _map(
                                ("enabled", False, "the Service is ClusterIP: it has no address to publish"),
                            ),
                        )
                    ),
                )
            ),
        ),
        (
            "additionalArguments",
            [f"--providers.kubernetesingress.ingressendpoint.hostname={hostname}"],
            "Ingress status names the public host; Argo CD's health check waits for it",
        ),
    ]


class TraefikConfig(Construct):
    def __init__(self, scope: Construct, id: str, *, ctx: StackContext):
        super().__init__(scope, id)
        custom_object(
            self,
            "helmchartconfig",
            api_version="helm.cattle.io/v1",
            kind="HelmChartConfig",
            metadata=cdk8s.ApiObjectMetadata(
                # Must equal the bundled HelmChart's name and namespace, or k3s ignores it.
                name=NAME,
                namespace=NAMESPACE,
                labels=ctx.naming.labels(NAME, "ingress-controller"),
                annotations={waiver(ORIGIN_RULE): ctx.config.traefik.open_origin}
                if ctx.config.traefik.open_origin
                else None,
            ),
            spec={"valuesContent": yamlio.dumps(values(ctx))},
        )
        traefik = ctx.config.traefik
        if _admits_only_the_cdn(ctx):
            # Same unit as the HelmChartConfig that names it: an entry point naming a missing
            # middleware fails every router on it (gitops/k8s/middlewares.py).
            custom_object(
                self,
                "origin-allow-list",
                api_version=middlewares.API_VERSION,
                kind=middlewares.KIND,
                metadata=cdk8s.ApiObjectMetadata(
                    name=ctx.naming.origin_allow_list(),
                    namespace=NAMESPACE,
                    labels=ctx.naming.labels(NAME, "ingress-controller"),
                ),
                # Matched against the connection's peer (no ipStrategy): X-Forwarded-For is the client's to write.
                spec={"ipAllowList": {"sourceRange": list(traefik.trusted_proxies)}},
            )
