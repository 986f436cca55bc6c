"""Fields the API server will not update: the apply is rejected, or the object must be recreated.

Which fields those are is Kubernetes' rule, gitops/k8s/immutable.py; this rule says what a change to one means."""

from __future__ import annotations

from collections.abc import Iterator

from gitops.k8s.immutable import EXPOSED_TYPES, PVC_IMMUTABLE, SELECTOR_KINDS, STATEFULSET_UPDATABLE
from gitops.k8s.quantities import QuantityError, format_memory, memory_bytes
from gitops.review.diff.fields import equal, get
from gitops.review.diff.model import MISSING, ObjectDiff
from gitops.review.diff.rules.context import Context, risk, rule
from gitops.review.findings import Issue, Severity, Topic


def _spec(obj: dict) -> dict:
    spec = obj.get("spec")
    return spec if isinstance(spec, dict) else {}


def _selector(changed: ObjectDiff) -> Iterator[Issue]:
    if not equal(get(changed.old, "spec", "selector"), get(changed.new, "spec", "selector")):
        yield risk(
            Severity.HIGH,
            changed.key,
            "spec.selector",
            "spec.selector is immutable: the apply is rejected until the object is deleted and recreated, "
            "which restarts all its pods.",
        )


def _statefulset(changed: ObjectDiff) -> Iterator[Issue]:
    old, new = _spec(changed.before), _spec(changed.after)
    for name in sorted(set(old) | set(new)):
        # selector has its own rule, shared with the other workload kinds
        if name in STATEFULSET_UPDATABLE or name == "selector" or equal(old.get(name, MISSING), new.get(name, MISSING)):
            continue
        tail = " (existing claims keep the old template)" if name == "volumeClaimTemplates" else ""
        yield risk(
            Severity.HIGH,
            changed.key,
            f"spec.{name}",
            f"a StatefulSet's spec.{name} cannot be updated: the apply is rejected until the StatefulSet "
            f"is deleted and recreated{tail}.",
        )


def _storage(obj: dict) -> int | None:
    value = get(obj, "spec", "resources", "requests", "storage")
    try:
        return None if value is MISSING else memory_bytes(value)
    except QuantityError:
        return None


def _claim(changed: ObjectDiff) -> Iterator[Issue]:
    old, new = _spec(changed.before), _spec(changed.after)
    for name in PVC_IMMUTABLE:
        if not equal(old.get(name, MISSING), new.get(name, MISSING)):
            yield risk(
                Severity.HIGH,
                changed.key,
                f"spec.{name}",
                f"spec.{name} of a bound claim cannot change: the apply is rejected, and changing it means "
                "a new claim and copying the data over.",
            )
    before, after = _storage(changed.before), _storage(changed.after)
    if before is None or after is None or before == after:
        return
    field = "spec.resources.requests.storage"
    if after < before:
        yield risk(
            Severity.HIGH,
            changed.key,
            field,
            f"a claim cannot shrink ({format_memory(before)} → {format_memory(after)}): the apply is rejected.",
        )
    else:
        storage_class = new.get("storageClassName")
        which = " (k3s local-path does not)" if storage_class in (None, "", "local-path") else ""
        yield risk(
            Severity.MEDIUM,
            changed.key,
            field,
            f"a claim grows ({format_memory(before)} → {format_memory(after)}) only if its StorageClass "
            f"allows volume expansion{which}; otherwise the apply is rejected.",
        )


def _service(changed: ObjectDiff) -> Iterator[Issue]:
    old, new = _spec(changed.before), _spec(changed.after)
    old_ip, new_ip = old.get("clusterIP"), new.get("clusterIP")
    old_type, new_type = old.get("type") or "ClusterIP", new.get("type") or "ClusterIP"
    if (old_ip == "None") != (new_ip == "None") and old_type != "ExternalName" and new_type != "ExternalName":
        yield risk(
            Severity.HIGH,
            changed.key,
            "spec.clusterIP",
            "switching between headless (clusterIP None) and a virtual IP needs the Service deleted and "
            "recreated: an apply alone is rejected or leaves it as it was.",
        )
    elif old_ip and new_ip and old_ip != new_ip:
        yield risk(
            Severity.HIGH,
            changed.key,
            "spec.clusterIP",
            f"clusterIP is immutable ({old_ip} → {new_ip}): the apply is rejected until the Service is "
            "deleted and recreated.",
        )
    if old_ip == "None" and new_type in EXPOSED_TYPES:
        yield risk(
            Severity.HIGH,
            changed.key,
            "spec.type",
            f"a headless Service cannot become {new_type} in place: it needs a virtual IP, so it must be "
            "deleted and recreated.",
        )


def _job(changed: ObjectDiff) -> Iterator[Issue]:
    for name in ("template", "selector"):
        if not equal(get(changed.old, "spec", name), get(changed.new, "spec", name)):
            yield risk(
                Severity.HIGH,
                changed.key,
                f"spec.{name}",
                f"a Job's spec.{name} is immutable: the apply is rejected; delete the Job (or give it a new "
                "name) to run the new version.",
            )


@rule(
    "immutable-field",
    Topic.FIELDS,
    Severity.HIGH,
    prevents="an apply the API server rejects until the object is deleted and recreated: `spec.selector` of a "
    f"{', '.join(sorted(SELECTOR_KINDS))}; a StatefulSet spec field other than "
    f"{', '.join(sorted(STATEFULSET_UPDATABLE))} (e.g. `volumeClaimTemplates`); a bound claim's "
    f"{', '.join(PVC_IMMUTABLE)}, or a storage request that shrinks (medium: one that grows, which "
    "needs a StorageClass that allows expansion; local-path does not); a Service's `clusterIP`, "
    "headless to virtual IP or back, headless to NodePort or LoadBalancer; a Job's `spec.template` "
    "or `spec.selector`",
    fix="revert the field, or plan the delete and recreate (for a claim: a new claim and a copy of the data)",
    severity_note="high / medium (claim storage grows)",
)
def immutable_fields(context: Context) -> Iterator[Issue]:
    for changed in context.changed():
        kind = changed.key.kind
        if kind in SELECTOR_KINDS:
            yield from _selector(changed)
        if kind == "StatefulSet":
            yield from _statefulset(changed)
        elif kind == "PersistentVolumeClaim":
            yield from _claim(changed)
        elif kind == "Service":
            yield from _service(changed)
        elif kind == "Job":
            yield from _job(changed)
