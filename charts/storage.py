"""The PersistentVolumeClaim of a service that keeps data.

k3s's local-path provisioner creates the volume on the node where the pod
first runs and binds the volume to that node for good; the Deployment is
pinned to the same node in workload.py so the pod and its data never part.
"""

from __future__ import annotations

import cdk8s
from constructs import Construct

from charts.context import StackContext
from gitops.annotations import PRUNE_PROTECTION
from charts.plus import kplus
from gitops.config.model import Service
from gitops.config.quantities import gibibytes


class DataClaim(Construct):
    def __init__(self, scope: Construct, id: str, *, ctx: StackContext, name: str, service: Service):
        super().__init__(scope, id)
        assert service.storage is not None
        naming = ctx.naming
        self.claim = kplus.PersistentVolumeClaim(
            self,
            "claim",
            metadata=cdk8s.ApiObjectMetadata(
                name=naming.claim(name),
                namespace=naming.namespace,
                labels=naming.labels(name, service.component),
                # Deleting a local-path claim deletes the data on the node with it.
                annotations=dict(PRUNE_PROTECTION),
            ),
            storage=cdk8s.Size.gibibytes(gibibytes(service.storage.size)),
            storage_class_name=service.storage.storage_class,
            access_modes=[kplus.PersistentVolumeAccessMode.READ_WRITE_ONCE],
        )
