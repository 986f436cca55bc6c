"""Everything one entry under `services:` becomes."""

from __future__ import annotations

from constructs import Construct

from charts.context import StackContext
from charts.disruption import DisruptionBudget
from charts.network import ServiceNetwork
from charts.storage import DataClaim
from charts.workload import Workload
from gitops.config.model import Service


class AppService(Construct):
    def __init__(self, scope: Construct, id: str, *, ctx: StackContext, name: str, service: Service):
        super().__init__(scope, id)
        claim = DataClaim(self, "storage", ctx=ctx, name=name, service=service).claim if service.storage else None
        Workload(self, "workload", ctx=ctx, name=name, service=service, claim=claim)
        if service.port is not None:
            ServiceNetwork(self, "network", ctx=ctx, name=name, service=service)
        DisruptionBudget(self, "disruption", ctx=ctx, name=name, service=service)
