"""Node-local volumes: the data lives on one node's disk, for good.

k3s's local-path provisioner gives each volume a hard node affinity to the
node that first mounted it. A pod that may schedule elsewhere lands on the
wrong node after a restart and stays Pending; a PVC that the GitOps engine
prunes (a rename, a moved file) takes the data with it (reclaimPolicy Delete).
"""

from __future__ import annotations

from collections.abc import Iterator

from gitops.annotations import ARGO_SYNC_OPTIONS, FLUX_PRUNE, prune_protected_by
from gitops.k8s import storage, workloads
from gitops.k8s.manifests import Resource
from gitops.k8s.placement import HOSTNAME_LABEL, pinned_nodes
from gitops.review.check.context import Context
from gitops.review.check.registry import rule
from gitops.review.findings import Issue, Severity, Topic


def node_local_claims(ctx: Context) -> list[Resource]:
    """Claims whose volume lives on one node (gitops/k8s/storage.py: local-path, the k3s default, or a
    StorageClass in the set with a node-local provisioner)."""
    classes = ctx.of_kind("StorageClass")
    return [c for c in ctx.of_kind("PersistentVolumeClaim") if storage.node_bound(c.obj, classes)]


@rule(
    "local-volume-pinning",
    Topic.INTEGRITY,
    Severity.ERROR,
    prevents="a pod rescheduled away from the node that holds its local volume: Pending until moved back by hand",
    fix="required node affinity on kubernetes.io/hostname with the volume's node as the only value "
    "(or nodeSelector kubernetes.io/hostname / nodeName)",
)
def local_volume_pinning(ctx: Context) -> Iterator[Issue]:
    local = {(c.namespace, c.name): c for c in node_local_claims(ctx)}
    inventory = ctx.declared.cluster
    known_nodes = {n.name for n in inventory.nodes} if inventory else None
    for pod in ctx.pods:
        claims = [name for name in workloads.claims(pod.spec).values() if (pod.namespace, name) in local]
        if not claims:
            continue
        what = f"uses node-local volume {', '.join(claims)} (storageClassName local-path)"
        nodes = pinned_nodes(pod.spec)
        field = f"{pod.field}.affinity.nodeAffinity"
        if nodes is None:
            yield Issue(
                pod.resource,
                field,
                f"{what} but may be scheduled on any node",
                f"add required node affinity {HOSTNAME_LABEL} In [<the volume's node>]",
            )
        elif len(nodes) != 1:
            listed = ", ".join(sorted(nodes)) or "no node (the constraints contradict each other)"
            yield Issue(
                pod.resource,
                field,
                f"{what} but may be scheduled on {listed}",
                f"pin to exactly one node: {HOSTNAME_LABEL} In [<the volume's node>]",
            )
        elif known_nodes is not None and not nodes <= known_nodes:
            yield Issue(
                pod.resource,
                field,
                f"{what} and is pinned to node {next(iter(nodes))}, which is not in the declared node inventory "
                f"({', '.join(sorted(known_nodes))}): the pod would stay Pending",
                "pin it to the node that holds the volume",
            )


@rule(
    "local-volume-prune",
    Topic.INTEGRITY,
    Severity.ERROR,
    prevents="the GitOps engine deleting a local-path PVC (renamed, moved, removed from git) and its data with it",
    fix=f"annotate the PVC {FLUX_PRUNE}: disabled (Flux) and/or {ARGO_SYNC_OPTIONS}: Prune=false (Argo CD)",
)
def local_volume_prune(ctx: Context) -> Iterator[Issue]:
    for claim in node_local_claims(ctx):
        if prune_protected_by(claim.obj):
            continue
        yield Issue(
            claim,
            "metadata.annotations",
            "node-local volume (storageClassName local-path, reclaimPolicy Delete) is not protected from pruning: "
            "a prune deletes the claim and the data on the node",
            f"add the annotation {FLUX_PRUNE}: disabled and/or {ARGO_SYNC_OPTIONS}: Prune=false",
        )
