"""Everything one entry under `services:` becomes."""

from __future__ import annotations

from constructs import Construct

from charts.context import StackContext
from charts.disruption import add_disruption_budget
from charts.network import add_network
from charts.storage import add_data_claim
from charts.workload import add_deployment
from gitops.config.model import Service


class AppService(Construct):
    # One construct per service; its parts are added straight into it, because every
    # nested construct is one more round trip to jsii's Node.js process.
    def __init__(self, scope: Construct, id: str, *, ctx: StackContext, name: str, service: Service):
        super().__init__(scope, id)
        claim = add_data_claim(self, ctx=ctx, name=name, service=service) if service.storage else None
        add_deployment(self, ctx=ctx, name=name, service=service, claim=claim)
        if service.port is not None:
            add_network(self, ctx=ctx, name=name, service=service)
        add_disruption_budget(self, ctx=ctx, name=name, service=service)
