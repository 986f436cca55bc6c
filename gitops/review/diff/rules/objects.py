"""Objects leaving git: what the engine prunes, and what data goes with it."""

from __future__ import annotations

from collections.abc import Iterator

from gitops.annotations import ARGO_CD, FLUX, prune_protected_by
from gitops.k8s import workloads
from gitops.review.diff.model import FieldPath, Named, ObjectDiff, Status
from gitops.review.diff.rules import network
from gitops.review.diff.rules.context import Area, Context, risk, rule
from gitops.review.findings import Issue, Severity

ENGINES = (FLUX, ARGO_CD)
# Deleting these deletes data: a claim's volume (local-path reclaims with Delete), a namespace's everything.
DATA_KINDS = frozenset({"PersistentVolumeClaim", "Namespace"})
DELETING_CLASSES = {None, "", "local-path"}  # k3s' default class is local-path


def _moved(context: Context, removed: ObjectDiff) -> ObjectDiff | None:
    for added in context.with_status(Status.ADDED, kinds={removed.key.kind}):
        if (added.key.namespace, added.key.name) == (removed.key.namespace, removed.key.name):
            return added
    return None


def _replacements(context: Context, removed: ObjectDiff) -> list[ObjectDiff]:
    return [
        added
        for added in context.with_status(Status.ADDED, kinds={removed.key.kind})
        if added.key.namespace == removed.key.namespace and added.key.name != removed.key.name
    ]


def _mounted_by(context: Context, claim: ObjectDiff) -> list[str]:
    """Workloads on the new side whose pods still mount the claim."""
    users = []
    for d in context.present_after(kinds=workloads.WORKLOADS):
        if d.key.namespace != claim.key.namespace:
            continue
        for volume in workloads.sequence(workloads.mapping(workloads.pod_spec(d.new)).get("volumes")):
            if workloads.dig(volume, "persistentVolumeClaim", "claimName") == claim.key.name:
                users.append(d.key.local)
                break
    return users


def _claim_message(obj: dict, protected: tuple[str, ...], replaced_by: list[ObjectDiff], users: list[str]) -> str:
    unprotected = [engine for engine in ENGINES if engine not in protected]
    verb = "mounts" if len(users) == 1 else "mount"
    removed = f"removed from git while {', '.join(users)} still {verb} it" if users else "removed from git"
    if replaced_by:
        names = ", ".join(d.key.local for d in replaced_by)
        fate = (
            "pruning the old one deletes the data on its volume"
            if unprotected
            else "the data stays behind on the old claim, no longer managed"
        )
        return f"replaced by {names}: the new claim starts empty, and {fate}."
    if not unprotected:
        return (
            f"{removed}: prune is disabled on it, so the claim and its data stay in the cluster, "
            "but unmanaged and one manual delete away from being lost."
        )
    if protected:
        return (
            f"{removed}: prune is disabled only for {', '.join(protected)}, "
            f"so {', '.join(unprotected)} would prune the claim and delete its data."
        )
    storage_class = workloads.dig(obj, "spec", "storageClassName")
    if isinstance(storage_class, str) and storage_class in DELETING_CLASSES:
        return f"{removed}: the engine prunes the claim, and local-path deletes its volume and the data on it."
    return (
        f"{removed}: the engine prunes the claim, and unless its StorageClass retains volumes "
        "the data on it is deleted."
    )


def _namespace_message(protected: tuple[str, ...], replaced_by: list[ObjectDiff]) -> str:
    unprotected = [engine for engine in ENGINES if engine not in protected]
    if replaced_by:
        names = ", ".join(d.key.local for d in replaced_by)
        fate = "is pruned with everything in it" if unprotected else "stays behind, unmanaged"
        return (
            f"replaced by {names}: objects start over in a new namespace, and the old one, "
            f"volume claims and their data included, {fate}."
        )
    if not unprotected:
        return (
            "removed from git: prune is disabled on it, so it stays, but unmanaged, with everything in it "
            "one manual delete away from being lost."
        )
    if protected:
        return (
            f"removed from git: prune is disabled only for {', '.join(protected)}, "
            f"so {', '.join(unprotected)} would delete it with everything in it, volume claims included."
        )
    return "removed from git: pruning a Namespace deletes everything in it, volume claims and their data included."


def _generic(removed: ObjectDiff, protected: tuple[str, ...]) -> Issue:
    unprotected = [engine for engine in ENGINES if engine not in protected]
    if not unprotected:
        return risk(
            Severity.LOW,
            removed.key,
            "",
            f"removed from git, but prune is disabled on it ({', '.join(protected)}): "
            "it stays in the cluster, unmanaged.",
        )
    if protected:
        return risk(
            Severity.MEDIUM,
            removed.key,
            "",
            f"removed from git: prune is disabled only for {', '.join(protected)}, "
            f"so {', '.join(unprotected)} would prune it from the cluster.",
        )
    if removed.key.kind == "Ingress":
        hosts = ", ".join(network.hosts(removed.old)) or "its default backend"
        return risk(
            Severity.MEDIUM,
            removed.key,
            "",
            f"removed from git: the engine prunes it, and requests for {hosts} are no longer routed.",
        )
    return risk(Severity.MEDIUM, removed.key, "", "removed from git: the engine prunes it from the cluster.")


@rule(
    "removed-object",
    Area.OBJECTS,
    Severity.HIGH,
    prevents="data pruned with the object that leaves git: a PersistentVolumeClaim takes its "
    "local-path volume with it, a Namespace everything in it, and a claim replaced by another "
    "in its namespace (a rename) starts empty; any other removed object is pruned too, and a "
    "removed Ingress's hosts stop being routed",
    fix="keep the object, or move the data first; a claim or Namespace with prune disabled for "
    "both engines stays in the cluster unmanaged, to be deleted by hand once its data is safe",
    severity_note="high (claim, Namespace) / medium / low (prune disabled for both engines)",
)
def removed_objects(context: Context) -> Iterator[Issue]:
    for removed in context.with_status(Status.REMOVED):
        if _moved(context, removed) is not None:
            continue
        protected = prune_protected_by(removed.before)
        if removed.key.kind == "PersistentVolumeClaim":
            yield risk(
                Severity.HIGH,
                removed.key,
                "",
                _claim_message(
                    removed.before, protected, _replacements(context, removed), _mounted_by(context, removed)
                ),
            )
        elif removed.key.kind == "Namespace":
            yield risk(Severity.HIGH, removed.key, "", _namespace_message(protected, _replacements(context, removed)))
        else:
            yield _generic(removed, protected)


@rule(
    "api-version-move",
    Area.OBJECTS,
    Severity.MEDIUM,
    prevents="an object that only moves to a new apiVersion being pruned: it is updated in place, but "
    "an engine that tracks objects by API group may prune the old entry, which is the same "
    "cluster object",
    fix="within one API group, nothing; across groups, confirm the engine will not prune the live object",
    severity_note="low (same API group) / medium (another group)",
)
def api_version_moves(context: Context) -> Iterator[Issue]:
    for removed in context.with_status(Status.REMOVED):
        added = _moved(context, removed)
        if added is None:
            continue
        old, new = removed.key.api_version, added.key.api_version
        if removed.key.group == added.key.group:
            yield risk(
                Severity.LOW,
                added.key,
                "apiVersion",
                f"apiVersion moves from {old} to {new}: the same cluster object is updated in place, not pruned.",
            )
        else:
            yield risk(
                Severity.MEDIUM,
                added.key,
                "apiVersion",
                f"apiVersion moves from {old} to {new}, another API group: an engine that tracks objects by "
                "group may prune the old entry, which is this same cluster object.",
            )


@rule(
    "prune-protection-dropped",
    Area.OBJECTS,
    Severity.MEDIUM,
    prevents="a PersistentVolumeClaim or Namespace that loses prune protection for Flux or Argo CD: "
    "the next time it leaves git, the engine deletes it and its data",
    fix="keep `kustomize.toolkit.fluxcd.io/prune: disabled` and `argocd.argoproj.io/sync-options: "
    "Prune=false,Delete=false` on it",
)
def prune_protection_dropped(context: Context) -> Iterator[Issue]:
    for changed in context.changed(kinds=DATA_KINDS):
        lost = [e for e in prune_protected_by(changed.before) if e not in prune_protected_by(changed.after)]
        if not lost:
            continue
        what = "its data" if changed.key.kind == "PersistentVolumeClaim" else "everything in it"
        field = "metadata.annotations"
        yield risk(
            Severity.MEDIUM,
            changed.key,
            field,
            f"prune protection removed for {', '.join(lost)}: if it ever leaves git, the engine deletes it and {what}.",
        )


def _claims(pod: dict | None) -> dict[str, str]:
    """Volume name -> claim name."""
    found = {}
    for volume in workloads.sequence(workloads.mapping(pod).get("volumes")):
        claim = workloads.dig(volume, "persistentVolumeClaim", "claimName")
        if isinstance(claim, str) and isinstance(volume.get("name"), str):
            found[volume["name"]] = claim
    return found


@rule(
    "claim-switch",
    Area.WORKLOADS,
    Severity.HIGH,
    prevents="a workload volume pointed at another PersistentVolumeClaim: the pods start on that "
    "claim's data, not the data they had",
    fix="copy the data to the new claim before the switch, or keep the old claim",
)
def claim_switches(context: Context) -> Iterator[Issue]:
    for changed in context.changed(kinds=workloads.WORKLOADS):
        before, after = _claims(workloads.pod_spec(changed.old)), _claims(workloads.pod_spec(changed.new))
        for volume, claim in after.items():
            if volume in before and before[volume] != claim:
                path: FieldPath = (
                    *(workloads.pod_spec_path(changed.key.kind) or ()),
                    "volumes",
                    Named("name", volume),
                    "persistentVolumeClaim",
                    "claimName",
                )
                yield risk(
                    Severity.HIGH,
                    changed.key,
                    path,
                    f"volume {volume} switches from claim {before[volume]} to {claim}: the pods start on "
                    "that claim's data, not the data they had.",
                )
