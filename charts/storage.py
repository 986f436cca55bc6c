"""The PersistentVolumeClaim of a service that keeps data.

k3s's local-path provisioner creates the volume on the node where the pod
first runs and binds the volume to that node for good; the Deployment is
pinned to the same node in workload.py so the pod and its data never part.
"""

from __future__ import annotations

import cdk8s
from constructs import Construct

from charts import values
from charts.context import StackContext
from charts.plus import kplus
from gitops.annotations import PRUNE_PROTECTION
from gitops.config.model import Service


def add_data_claim(scope: Construct, *, ctx: StackContext, name: str, service: Service) -> kplus.PersistentVolumeClaim:
    naming = ctx.naming
    storage = service.storage
    if storage is None:
        raise ValueError(f"service {name} keeps no data to claim storage for")
    return kplus.PersistentVolumeClaim(
        scope,
        "claim",
        metadata=cdk8s.ApiObjectMetadata(
            name=naming.claim(name),
            namespace=naming.namespace,
            labels=naming.labels(name, service.component),
            # Deleting a local-path claim deletes the data on the node with it.
            annotations=dict(PRUNE_PROTECTION),
        ),
        storage=values.gibibytes(storage.size.gibibytes),
        storage_class_name=storage.storage_class,
        access_modes=[kplus.PersistentVolumeAccessMode.READ_WRITE_ONCE],
    )
