"""Data the cluster keeps: what a change does to a workload's persistent volumes, judged as the cluster will.

Derived from the objects, not from field paths (gitops/k8s/storage.py, gitops/k8s/placement.py): a
claim on a node-bound class (k3s local-path) has its data on the node its pods were pinned to in the
base; a pod that may no longer run there stays Pending forever. A bound claim's class, access modes
and volume mode cannot change and a local-path volume cannot grow: the API server refuses the update,
the sync fails, and forcing it (a new claim) means a new, empty volume. A pod pointed at another
claim starts on that claim's data. A pod that runs as another user or group than the one that wrote
a volume's files can no longer read them: local-path volumes get no fsGroup ownership.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from gitops.k8s import placement, rollout, storage, workloads
from gitops.k8s.immutable import PVC_IMMUTABLE
from gitops.k8s.manifests import Resource
from gitops.k8s.quantities import QuantityError, format_memory, memory_bytes
from gitops.layout import UNITS
from gitops.review.diff.fields import equal, get
from gitops.review.diff.load import Side
from gitops.review.diff.model import MISSING, FieldPath, Named, ObjectDiff, Status
from gitops.review.diff.rules.context import Context, risk, rule
from gitops.review.findings import Issue, ObjectKey, Severity, Topic

# A bound claim's spec fields the API server refuses to change (ValidatePersistentVolumeClaimUpdate).
CLAIM_IMMUTABLE = PVC_IMMUTABLE  # a bound claim's fields that never change (gitops/k8s/immutable.py)
PLACEMENT_FIELDS = ("nodeName", "nodeSelector", "affinity")


def claims(side: Side) -> dict[tuple[str, str], Resource]:
    return {(r.namespace, r.name): r for r in side.resources if r.kind == "PersistentVolumeClaim"}


def classes(side: Side) -> list[Resource]:
    return [r for r in side.resources if r.kind == "StorageClass"]


def data_nodes(side: Side) -> dict[tuple[str, str], str]:
    """(namespace, claim) -> the node its data is on, for node-bound claims whose pods were pinned to one node."""
    bound = {key for key, c in claims(side).items() if storage.node_bound(c.obj, classes(side))}
    found: dict[tuple[str, str], str] = {}
    for resource in side.resources:
        spec = workloads.pod_spec(resource.obj) if resource.kind in workloads.WORKLOADS else None
        if spec is None:
            continue
        node = placement.pinned_node(spec)
        if node is None:
            continue
        for claim in workloads.claims(spec).values():
            if (resource.namespace, claim) in bound:
                found[(resource.namespace, claim)] = node
    return found


def _unit(side: Side, key: ObjectKey) -> str | None:
    """The delivery unit the object is applied by, when the side is laid out as dist/ is."""
    found = next((r for k, r in side.objects.items() if k == key), None)
    if found is None or found.path.parent.name not in UNITS:
        return None
    return found.path.parent.name


def _fails(side: Side, key: ObjectKey) -> str:
    unit = _unit(side, key)
    if unit is None:
        return "the sync that applies it fails"
    return f"the {unit} unit's sync fails, and every unit after it waits"


def _placement_field(d: ObjectDiff) -> str:
    pod_path = ".".join(workloads.pod_spec_path(d.key.kind) or ())
    old = workloads.pod_spec(d.old) if d.old is not None else None
    new = workloads.pod_spec(d.new) or {}
    for field in PLACEMENT_FIELDS:
        if old is None or not equal(old.get(field, MISSING), new.get(field, MISSING)):
            return f"{pod_path}.{field}"
    return pod_path


def _stops(obj: dict) -> bool:
    plan = rollout.plan(obj, None)
    return plan is not None and plan.stops_first


@rule(
    "volume-node",
    Topic.STATE,
    Severity.HIGH,
    prevents="a pod that can never be scheduled again: its node-bound volume (k3s local-path, "
    "WaitForFirstConsumer, the volume pinned to the node that first mounted it) is on a node its new "
    "placement (nodeName, nodeSelector, required node affinity) excludes, or that leaves `cluster.nodes`; "
    "the pod stays Pending forever",
    fix="keep the workload on the volume's node; to move it, back the data up, delete the claim and its "
    "volume so it is provisioned on the new node, and restore the data there",
    severity_note="high / low (the placement widens: the volume still holds the pod on its node)",
)
def volume_node(context: Context) -> Iterator[Issue]:
    where = data_nodes(context.old)
    old_claims = claims(context.old)
    nodes, architecture = _nodes(context.new_cluster or context.old_cluster)
    old_nodes, _ = _nodes(context.old_cluster)
    for d in context.with_status(Status.ADDED, Status.CHANGED, kinds=workloads.WORKLOADS):
        spec = workloads.pod_spec(d.new) or {}
        old_spec = workloads.pod_spec(d.old) if d.old is not None else None
        moved = old_spec is None or any(
            not equal(old_spec.get(f, MISSING), spec.get(f, MISSING)) for f in PLACEMENT_FIELDS
        )
        for claim in sorted(set(workloads.claims(spec).values())):
            node = where.get((d.key.namespace, claim))
            if node is None or (d.key.namespace, claim) not in old_claims:
                continue  # a new claim, or one whose node the base does not say: no data to be far from
            node_left = bool(nodes) and node in old_nodes and node not in nodes
            if not moved and not node_left:
                continue
            kind = storage.claim_class(old_claims[(d.key.namespace, claim)].obj)
            allowed = placement.may_run_on(spec, placement.node_labels(node, architecture))
            elsewhere = [
                n for n in nodes if n != node and placement.may_run_on(spec, placement.node_labels(n, architecture))
            ]
            down = (
                f"{d.key.name} is down (its old pod stops first)" if _stops(d.after) else "the rollout never finishes"
            )
            move = (
                f"Keep {d.key.name} on {node}, or move the data first: back up the volume's directory on {node}, "
                f"delete claim {claim} and its volume so it is provisioned on the new node, and restore it there."
            )
            if allowed is False:
                may = f"may now run only on {', '.join(elsewhere)}" if elsewhere else "may now run on no declared node"
                yield risk(
                    Severity.HIGH,
                    d.key,
                    _placement_field(d),
                    f"its pods {may}, but claim {claim}'s volume is on {node} ({kind} keeps a volume on the node "
                    f"that first mounted it): the new pod stays Pending forever and {down}. {move}",
                )
            elif node_left:
                yield risk(
                    Severity.HIGH,
                    d.key,
                    "",
                    f"claim {claim}'s volume is on {node}, which leaves the declared nodes: once that node is gone, "
                    f"{d.key.name}'s pod stays Pending forever. {move}",
                )
            elif elsewhere and old_spec is not None and placement.pinned_nodes(old_spec) == {node}:
                yield risk(
                    Severity.LOW,
                    d.key,
                    _placement_field(d),
                    f"its pods are no longer pinned to {node}, where claim {claim}'s volume is: the volume's own node "
                    "affinity still holds them there, so nothing moves, but the placement no longer says so.",
                )


def _nodes(cluster) -> tuple[list[str], str | None]:
    if cluster is None:
        return [], None
    return [n.name for n in cluster.nodes], cluster.architecture


def _storage(obj: dict) -> int | None:
    value = get(obj, "spec", "resources", "requests", "storage")
    try:
        return None if value is MISSING else memory_bytes(value)
    except QuantityError:
        return None


def _users(context: Context, key: tuple[str, str]) -> list[str]:
    """Workloads on the new side whose pods mount the claim."""
    return sorted(
        d.key.name
        for d in context.present_after(kinds=workloads.WORKLOADS)
        if d.key.namespace == key[0] and key[1] in workloads.claims(workloads.pod_spec(d.new)).values()
    )


@rule(
    "claim-changed",
    Topic.STATE,
    Severity.HIGH,
    prevents="a bound PersistentVolumeClaim changed where the API server refuses it: its "
    f"{', '.join(CLAIM_IMMUTABLE)}, or a storage request that shrinks or grows on a class that cannot expand "
    "(k3s local-path): the sync fails, and forcing it (deleting the claim) gives its pods a new, empty volume",
    fix="revert the field; to change it, make a new claim, copy the data over and switch the workload to it",
    severity_note="high / low (storage grows on a class that allows expansion)",
)
def claim_changed(context: Context) -> Iterator[Issue]:
    for d in context.changed(kinds={"PersistentVolumeClaim"}):
        old, new = workloads.mapping(d.before.get("spec")), workloads.mapping(d.after.get("spec"))
        users = _users(context, (d.key.namespace, d.key.name))
        empty = (
            f"forcing it (deleting the claim) gives {', '.join(users)} a new, empty volume"
            if users
            else "forcing it (deleting the claim) loses the data on its volume"
        )
        fails = _fails(context.new, d.key)
        for name in CLAIM_IMMUTABLE:
            if not equal(old.get(name, MISSING), new.get(name, MISSING)):
                yield risk(
                    Severity.HIGH,
                    d.key,
                    f"spec.{name}",
                    f"spec.{name} of a bound claim cannot change: the API server refuses it, so {fails}; {empty}. "
                    "Revert it, or make a new claim, copy the data over and switch to it.",
                )
        before, after = _storage(d.before), _storage(d.after)
        if before is None or after is None or before == after:
            continue
        sizes = f"{format_memory(before)} → {format_memory(after)}"
        field = "spec.resources.requests.storage"
        if after < before:
            yield risk(
                Severity.HIGH,
                d.key,
                field,
                f"a claim cannot shrink ({sizes}): the API server refuses it, so {fails}; {empty}.",
            )
        elif storage.expandable(d.after, classes(context.new)):
            yield risk(Severity.LOW, d.key, field, f"the volume grows ({sizes}); its StorageClass allows expansion.")
        else:
            which = storage.claim_class(d.after)
            yield risk(
                Severity.HIGH,
                d.key,
                field,
                f"a claim of class {which} cannot grow ({sizes}): the class does not allow volume expansion, the API "
                f"server refuses it, so {fails}; {empty}.",
            )


@rule(
    "claim-switch",
    Topic.STATE,
    Severity.HIGH,
    prevents="a workload volume pointed at another PersistentVolumeClaim: the pods start on that "
    "claim's data (a new claim: an empty volume), not the data they had",
    fix="copy the data to the new claim before the switch, or keep the old claim",
)
def claim_switches(context: Context) -> Iterator[Issue]:
    old_claims = claims(context.old)
    for changed in context.changed(kinds=workloads.WORKLOADS):
        before = workloads.claims(workloads.pod_spec(changed.old))
        after = workloads.claims(workloads.pod_spec(changed.new))
        for volume, claim in after.items():
            if volume not in before or before[volume] == claim:
                continue
            path: FieldPath = (
                *(workloads.pod_spec_path(changed.key.kind) or ()),
                "volumes",
                Named("name", volume),
                "persistentVolumeClaim",
                "claimName",
            )
            fresh = (changed.key.namespace, claim) not in old_claims
            starts = "a new, empty volume" if fresh else "that claim's data"
            yield risk(
                Severity.HIGH,
                changed.key,
                path,
                f"volume {volume} switches from claim {before[volume]} to {claim}: the pods start on {starts}, not the "
                f"data they had. Copy the data from {before[volume]} to {claim} before merging, or keep "
                f"{before[volume]}.",
            )


@dataclass(frozen=True)
class OwnerChange:
    """A container that now runs as another user or group than the one that wrote a persistent volume's files."""

    key: ObjectKey
    container: str
    volume: str
    what: str  # "claim redis-data" or "host path /srv/x"
    before: storage.Owner
    after: storage.Owner
    node: str | None  # where the files are, when known
    directory: str | None  # the files' directory on that node, when known
    ownership: bool  # whether the kubelet gives the volume fsGroup ownership (not for local-path or host paths)


def owner_changes(context: Context) -> list[OwnerChange]:
    """Every container of a changed workload whose user or group changes while it mounts a persistent volume."""
    old_claims, where = claims(context.old), data_nodes(context.old)
    found = []
    for d in context.changed(kinds=workloads.WORKLOADS):
        old_spec, new_spec = workloads.pod_spec(d.old) or {}, workloads.pod_spec(d.new) or {}
        old_containers = workloads.containers(old_spec)
        for volume in workloads.sequence(new_spec.get("volumes")):
            volume = workloads.mapping(volume)
            name = volume.get("name")
            claim = workloads.dig(volume, "persistentVolumeClaim", "claimName")
            host = workloads.dig(volume, "hostPath", "path")
            if not isinstance(name, str) or (claim is None and host is None):
                continue
            if claim is not None:
                existing = old_claims.get((d.key.namespace, str(claim)))
                if existing is None:
                    continue  # a new claim holds no files yet
                bound = storage.node_bound(existing.obj, classes(context.old))
                what, node = f"claim {claim}", where.get((d.key.namespace, str(claim)))
                directory = storage.volume_directory(d.key.namespace, str(claim)) if bound else None
            else:
                node = placement.pinned_node(new_spec)
                bound, what, directory = True, f"host path {host}", str(host)
            for container_name, container in storage.mounts(new_spec, name):
                old_container = next((c for (_, n), c in old_containers.items() if n == container_name), None)
                if old_container is None:
                    continue
                before, after = storage.owner(old_container, old_spec), storage.owner(container, new_spec)
                if (before.user, before.group) == (after.user, after.group):
                    continue
                found.append(OwnerChange(d.key, container_name, name, what, before, after, node, directory, not bound))
    return found


def chown_command(change: OwnerChange) -> str | None:
    """The command that gives the volume's files to the new user, run on the volume's node."""
    if change.after.user is None or change.directory is None:
        return None
    group = change.after.group if change.after.group is not None else change.after.user
    return f"sudo chown -R {change.after.user}:{group} {change.directory}"


@rule(
    "volume-owner",
    Topic.STATE,
    Severity.HIGH,
    prevents="a container that runs as another user or group than the one that wrote its persistent volume: "
    "local-path and host-path volumes get no fsGroup ownership, so the files keep their old owner and the "
    "process can no longer read or write them",
    fix="before merging, chown the volume's files to the new user and group on the node that holds them, "
    "or keep runAsUser and runAsGroup",
    severity_note="high / medium (the volume type applies fsGroup ownership)",
)
def volume_owner(context: Context) -> Iterator[Issue]:
    for change in owner_changes(context):
        path: FieldPath = (
            *(workloads.pod_spec_path(change.key.kind) or ()),
            "containers",
            Named("name", change.container),
            "securityContext",
        )
        where = f" on {change.node}" if change.node else ""
        command = chown_command(change)
        fix = f" Before merging, on {change.node or 'its node'}: {command}." if command else ""
        if change.ownership:
            yield risk(
                Severity.MEDIUM,
                change.key,
                path,
                f"container {change.container} now runs as {change.after} instead of {change.before} on volume "
                f"{change.volume} ({change.what}): only files its fsGroup can reach stay readable.{fix}",
            )
        else:
            yield risk(
                Severity.HIGH,
                change.key,
                path,
                f"container {change.container} now runs as {change.after} instead of {change.before}, but the files "
                f"of volume {change.volume} ({change.what}{where}) belong to {change.before} and get no fsGroup "
                f"ownership: the process can no longer read or write what it wrote before.{fix}",
            )
