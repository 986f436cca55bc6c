"""Objects leaving git: what the engine prunes, and what data goes with it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from gitops.annotations import ARGO_CD, FLUX, prune_protected_by
from gitops.k8s import selectors, workloads
from gitops.review.diff.model import FieldPath, Named, ObjectDiff, Status
from gitops.review.diff.rules import network
from gitops.review.diff.rules.context import Context, risk, rule
from gitops.review.findings import Issue, Severity, Topic

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
        if claim.key.name in workloads.claims(workloads.pod_spec(d.new)).values():
            users.append(d.key.local)
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
    if storage_class in DELETING_CLASSES:
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


def _selected_by(context: Context, workload: ObjectDiff) -> list[ObjectDiff]:
    """Services on the new side that select the workload's pods."""
    labels = workloads.pod_labels(workload.before)
    return [
        d
        for d in context.present_after(kinds={"Service"})
        if d.key.namespace == workload.key.namespace
        and selectors.service_selects(((d.new or {}).get("spec") or {}).get("selector"), labels)
    ]


def _routed_to(context: Context, namespace: str, service: str) -> list[str]:
    """Hosts that Ingresses on the new side route to a Service."""
    found: list[str] = []
    for d in context.present_after(kinds={"Ingress"}):
        if d.key.namespace != namespace:
            continue
        for route, backend in network.routes(d.new).items():
            if backend.split(":", 1)[0] == service and route.split("/", 1)[0] not in found:
                found.append(route.split("/", 1)[0])
    return found


def _pods_of(obj: dict) -> str:
    count = workloads.replicas(obj)
    if obj.get("kind") == "DaemonSet":
        return "its pod on every node"
    return f"its {count} pod(s)" if count is not None else "its pods"


def _workload_message(context: Context, removed: ObjectDiff) -> str:
    images = sorted(
        {str(c.get("image")) for c in (workloads.pod_spec(removed.before) or {}).get("containers") or [] if c}
    )
    stops = [f"the engine deletes it and {_pods_of(removed.before)}: nothing runs {', '.join(images) or 'it'}"]
    for service in _selected_by(context, removed):
        hosts = _routed_to(context, service.key.namespace, service.key.name)
        where = f", and requests for {', '.join(hosts)} fail" if hosts else ""
        stops.append(f"Service {service.key.name} has no endpoints left: connections to it fail{where}")
    return "removed from git: " + "; ".join(stops) + "."


def _service_message(context: Context, removed: ObjectDiff) -> str:
    hosts = _routed_to(context, removed.key.namespace, removed.key.name)
    routed = f"; Ingresses still route {', '.join(hosts)} to it, and those requests fail" if hosts else ""
    return (
        f"removed from git: the engine deletes it, the name {removed.key.name} stops resolving in the cluster and "
        f"every client that connects to it fails{routed}."
    )


def _ingress_message(context: Context, removed: ObjectDiff) -> str:
    still = {h for d in context.present_after(kinds={"Ingress"}) for h in network.hosts(d.new)}
    gone = [h for h in network.hosts(removed.before) if h not in still]
    if not gone:
        return "removed from git: the engine prunes it; its hosts are still routed by other Ingresses."
    return f"removed from git: the engine prunes it, and requests for {', '.join(gone)} are no longer routed (404)."


STOPS = {"Service": _service_message, "Ingress": _ingress_message}


@rule(
    "removed-serving-object",
    Topic.OBJECTS,
    Severity.HIGH,
    prevents="a workload, Service or Ingress leaving git without anyone saying what stops working: the engine "
    "deletes it, so its pods stop, its name stops resolving, its hosts stop being routed",
    fix="confirm the removal is meant (an environment file says it under remove:, with the reason) and that "
    "nothing still needs what it served; keep it until its clients have moved",
)
def removed_serving_objects(context: Context) -> Iterator[Issue]:
    for removed in context.with_status(Status.REMOVED):
        kind = removed.key.kind
        if (kind not in workloads.WORKLOADS and kind not in STOPS) or _moved(context, removed) is not None:
            continue
        if prune_protected_by(removed.before):
            continue  # removed-object says what prune protection leaves behind
        message = _workload_message(context, removed) if kind in workloads.WORKLOADS else STOPS[kind](context, removed)
        yield risk(Severity.HIGH, removed.key, "", message)


@rule(
    "removed-host",
    Topic.TRAFFIC,
    Severity.HIGH,
    prevents="a public host that no Ingress routes any more: requests for it get 404 from the ingress controller",
    fix="keep the host on an Ingress until DNS and its clients have moved; an environment drops one by saying so "
    "in its config",
)
def removed_hosts(context: Context) -> Iterator[Issue]:
    still = {h for d in context.present_after(kinds={"Ingress"}) for h in network.hosts(d.new)}
    for changed in context.changed(kinds={"Ingress"}):
        gone = [h for h in network.hosts(changed.old) if h not in network.hosts(changed.new) and h not in still]
        if gone:
            yield risk(
                Severity.HIGH,
                changed.key,
                "spec.rules",
                f"host {', '.join(gone)} is no longer routed by any Ingress: its requests get 404.",
            )


@rule(
    "removed-volume",
    Topic.WORKLOADS,
    Severity.HIGH,
    prevents="a volume taken out of a workload's pods: what it held (a claim's data, a config or secret file, a "
    "writable scratch directory on a read-only root filesystem) is gone from its mount path at the next rollout",
    fix="keep the volume while the container still reads or writes its mount path",
)
def removed_volumes(context: Context) -> Iterator[Issue]:
    for changed in context.changed(kinds=workloads.WORKLOADS):
        before, after = workloads.pod_spec(changed.old) or {}, workloads.pod_spec(changed.new) or {}
        kept = {v.get("name") for v in after.get("volumes") or [] if isinstance(v, dict)}
        for volume in before.get("volumes") or []:
            if not isinstance(volume, dict) or volume.get("name") in kept:
                continue
            name = volume.get("name")
            mounts = sorted(
                {
                    str(m.get("mountPath"))
                    for c in before.get("containers") or []
                    for m in (c or {}).get("volumeMounts") or []
                    if isinstance(m, dict) and m.get("name") == name
                }
            )
            claim = (volume.get("persistentVolumeClaim") or {}).get("claimName")
            what = f"claim {claim}'s data" if claim else "its files"
            at = f" at {', '.join(mounts)}" if mounts else ""
            path: FieldPath = (*(workloads.pod_spec_path(changed.key.kind) or ()), "volumes", Named("name", name))
            yield risk(
                Severity.HIGH,
                changed.key,
                path,
                f"volume {name} is removed: after the rollout the pods no longer see {what}{at}.",
            )


@rule(
    "removed-object",
    Topic.OBJECTS,
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
        elif protected or (removed.key.kind not in workloads.WORKLOADS and removed.key.kind not in STOPS):
            yield _generic(removed, protected)


@rule(
    "api-version-move",
    Topic.OBJECTS,
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
    Topic.OBJECTS,
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


# What a moment without the object means, by kind; anything else is simply not there.
MISSING = {
    "ConfigMap": "pods that start meanwhile wait in CreateContainerConfigError until it is back",
    "Secret": "pods that start meanwhile wait in CreateContainerConfigError until it is back",
    "Service": "its name stops resolving and its traffic fails until it is back",
}


def _engines(context: Context) -> tuple[str, ...]:
    """The engines that deliver this environment, by their objects beside it; both when it has none."""
    kinds = {key.kind for key in context.new.objects}
    found = tuple(e for e, kind in ((FLUX, "Kustomization"), (ARGO_CD, "Application")) if kind in kinds)
    return found or ENGINES


@rule(
    "moves-between-units",
    Topic.OBJECTS,
    Severity.MEDIUM,
    prevents="an object moved from one delivery unit to another: the old unit stops delivering it and can prune it "
    "before the new unit creates it (Flux's later unit waits for the earlier one; Argo CD syncs Applications in "
    "any order), and in between it does not exist",
    fix="merge when nothing needs it to exist for those seconds (no rollout or drain under way), or disable "
    "pruning on it for the change that moves it",
)
def moved_between_units(context: Context) -> Iterator[Issue]:
    for d in context.with_status(Status.CHANGED, Status.UNCHANGED):
        old, new = context.old.directories.get(d.key), context.new.directories.get(d.key)
        if old is None or new is None or old == new:
            continue
        unprotected = [e for e in _engines(context) if e not in prune_protected_by(d.after)]
        if not unprotected:
            continue  # the old unit leaves it in place, and the new one takes it over
        gap = MISSING.get(d.key.kind, "nothing can use it until it is back")
        a, b = Path(old).name, Path(new).name
        when = {FLUX: f"Flux when {b} waits for {a}", ARGO_CD: f"Argo CD when {a} syncs first"}
        yield risk(
            Severity.MEDIUM,
            d.key,
            "",
            f"moves from unit {a} to unit {b}: the engine can prune it from {a} before {b} creates it again "
            f"({'; '.join(when[engine] for engine in unprotected)}), and {gap}.",
        )
