"""Argo CD objects that make the committed dist/ reach the cluster (dist/clusters/<env>/).

An AppProject that may use only this repository and only the namespaces and
kinds the environment renders, one Application per delivery unit ordered by
sync waves from the unit graph (charts/delivery.py), and a root Application
(app of apps) that applies dist/clusters/<env>/ itself.
"""

from __future__ import annotations

from dataclasses import dataclass

import cdk8s
from constructs import Construct

from charts.context import StackContext
from charts.custom import custom_object
from charts.delivery import UNITS, waves
from gitops.annotations import ARGO_SYNC_WAVE

API = "argoproj.io/v1alpha1"
# Deleting an Application deletes what it applied (except objects marked Delete=false), in the
# foreground. The path-qualified spelling (argo-cd v3.2.11 ForegroundPropagationPolicyFinalizer)
# means the same as the bare name; the bare name makes a 1.34 API server warn on every apply
# ("prefer a domain-qualified finalizer name including a path"), as the rehearsal showed.
CASCADE_FINALIZER = "resources-finalizer.argocd.argoproj.io/foreground"
SYNC_OPTIONS = [
    # Large objects (CRDs, long valuesContent) exceed the last-applied annotation limit of client-side apply.
    "ServerSideApply=true",
    # Remove objects only after everything else synced, so a rename never leaves a gap.
    "PruneLast=true",
]
RETRY = {"limit": 5, "backoff": {"duration": "10s", "factor": 2, "maxDuration": "5m"}}


@dataclass(frozen=True, order=True)
class RenderedKind:
    group: str
    kind: str
    namespace: str


def rendered_kinds(objects: list[dict]) -> set[RenderedKind]:
    """The (group, kind, namespace) of every rendered object (the core group is "")."""
    return {
        RenderedKind(obj["apiVersion"].rpartition("/")[0], obj["kind"], obj["metadata"].get("namespace", ""))
        for obj in objects
    }


def _object(scope: Construct, id: str, kind: str, metadata: cdk8s.ApiObjectMetadata, spec: dict) -> None:
    custom_object(scope, id, api_version=API, kind=kind, metadata=metadata, spec=spec)


class ArgoDelivery(Construct):
    def __init__(self, scope: Construct, id: str, *, ctx: StackContext, kinds: set[RenderedKind]):
        super().__init__(scope, id)
        naming = ctx.naming
        delivery = ctx.config.delivery
        argo, repository = delivery.argocd, delivery.repository
        labels = naming.shared_labels("delivery")

        def metadata(name: str, wave: int | None = None, finalizer: bool = False) -> cdk8s.ApiObjectMetadata:
            return cdk8s.ApiObjectMetadata(
                name=name,
                namespace=argo.namespace,
                labels=labels,
                annotations={ARGO_SYNC_WAVE: str(wave)} if wave is not None else None,
                finalizers=[CASCADE_FINALIZER] if finalizer else None,
            )

        namespaced = sorted({(k.group, k.kind) for k in kinds if k.namespace})
        cluster_scoped = sorted({(k.group, k.kind) for k in kinds if not k.namespace})
        namespaces = sorted({k.namespace for k in kinds if k.namespace})
        # The project exists before the Applications that name it (lowest wave).
        _object(
            self,
            "project",
            "AppProject",
            metadata(naming.project(), wave=-1),
            {
                "description": f"{ctx.config.part_of} {ctx.environment}: only this repository, only what it renders",
                "sourceRepos": [repository.url],
                "destinations": [{"server": argo.destination_server, "namespace": ns} for ns in namespaces],
                "clusterResourceWhitelist": [{"group": g, "kind": k} for g, k in cluster_scoped],
                "namespaceResourceWhitelist": [{"group": g, "kind": k} for g, k in namespaced],
            },
        )

        order = waves()
        for unit in UNITS:
            _object(
                self,
                f"unit-{unit.name}",
                "Application",
                metadata(naming.delivery_unit(unit.name), wave=order[unit.name], finalizer=True),
                {
                    "project": naming.project(),
                    "source": {
                        "repoURL": repository.url,
                        "targetRevision": repository.branch,
                        "path": naming.repo_path(naming.unit_dir(unit.name)),
                        "directory": {"recurse": True},
                    },
                    "destination": {"server": argo.destination_server, "namespace": ctx.config.namespace},
                    "syncPolicy": {
                        "automated": {"prune": True, "selfHeal": True},
                        "syncOptions": SYNC_OPTIONS,
                        "retry": RETRY,
                    },
                },
            )

        # The root sits in Argo CD's own `default` project: putting it in the
        # project it manages would let a commit widen that project's limits.
        _object(
            self,
            "root",
            "Application",
            metadata(naming.delivery_root()),
            {
                "project": "default",
                "source": {
                    "repoURL": repository.url,
                    "targetRevision": repository.branch,
                    "path": naming.repo_path(naming.cluster_dir()),
                    "directory": {"recurse": True},
                },
                "destination": {"server": argo.destination_server, "namespace": argo.namespace},
                "syncPolicy": {
                    "automated": {"prune": True, "selfHeal": True},
                    "syncOptions": SYNC_OPTIONS,
                    "retry": RETRY,
                },
            },
        )
