"""How traffic reaches a service: its Service, and an Ingress for its public hosts.

Ingresses carry no TLS: Cloudflare (SSL mode Flexible) terminates HTTPS and
reaches the nodes over plain HTTP on :80, where Traefik listens.
"""

from __future__ import annotations

import cdk8s
from constructs import Construct

from charts.context import StackContext
from charts.plus import kplus
from gitops.config.model import Service

ENTRYPOINTS_ANNOTATION = "traefik.ingress.kubernetes.io/router.entrypoints"


def add_network(scope: Construct, *, ctx: StackContext, name: str, service: Service) -> kplus.Service:
    """The Service of one service and, when it has public hosts, its Ingress."""
    naming = ctx.naming
    port = service.port
    if port is None:
        raise ValueError(f"service {name} listens on no port to expose")
    network = kplus.Service(
        scope,
        "service",
        metadata=cdk8s.ApiObjectMetadata(
            name=naming.service(name),
            namespace=naming.namespace,
            labels=naming.labels(name, service.component),
        ),
        type=kplus.ServiceType.CLUSTER_IP,
        # Labels from the naming module, never the workload object: that would select on cdk8s.io/metadata.addr.
        selector=kplus.Pods.select(scope, "pods", labels=naming.selector(name)),
        ports=[
            kplus.ServicePort(
                name=naming.port(name, service.health.kind == "http"),
                port=port,
                target_port=port,
            )
        ],
    )

    if service.hosts:
        edge = ctx.config.edge
        ingress = kplus.Ingress(
            scope,
            "ingress",
            metadata=cdk8s.ApiObjectMetadata(
                name=naming.ingress(name),
                namespace=naming.namespace,
                labels=naming.labels(name, service.component),
                annotations={ENTRYPOINTS_ANNOTATION: edge.entry_point},
            ),
            class_name=edge.class_name,
        )
        backend = kplus.IngressBackend.from_service(network, port=service.port)
        for host in service.hosts:
            ingress.add_host_rule(host, "/", backend, kplus.HttpIngressPathType.PREFIX)
    return network
