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


class ServiceNetwork(Construct):
    """The Service of one service and, when it has public hosts, its Ingress."""

    def __init__(self, scope: Construct, id: str, *, ctx: StackContext, name: str, service: Service):
        super().__init__(scope, id)
        naming = ctx.naming
        assert service.port is not None
        self.service = kplus.Service(
            self,
            "service",
            metadata=cdk8s.ApiObjectMetadata(
                name=naming.service(name),
                namespace=naming.namespace,
                labels=naming.labels(name, service.component),
            ),
            type=kplus.ServiceType.CLUSTER_IP,
            ports=[
                kplus.ServicePort(
                    name=naming.port(name, service.health.kind == "http"),
                    port=service.port,
                    target_port=service.port,
                )
            ],
        )
        for key, value in naming.selector(name).items():
            self.service.select_label(key, value)

        self.ingress = None
        if service.hosts:
            edge = ctx.config.edge
            self.ingress = kplus.Ingress(
                self,
                "ingress",
                metadata=cdk8s.ApiObjectMetadata(
                    name=naming.ingress(name),
                    namespace=naming.namespace,
                    labels=naming.labels(name, service.component),
                    annotations={ENTRYPOINTS_ANNOTATION: edge.entry_point},
                ),
                class_name=edge.class_name,
            )
            backend = kplus.IngressBackend.from_service(self.service, port=service.port)
            for host in service.hosts:
                self.ingress.add_host_rule(host, "/", backend, kplus.HttpIngressPathType.PREFIX)
