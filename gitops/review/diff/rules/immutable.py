"""Fields the API server will not update: the apply is rejected, or the object must be recreated.

Which fields those are is Kubernetes' rule, gitops/k8s/immutable.py; a bound claim's fields are rules/state.py's,
which says what refusing them means for the data."""

from __future__ import annotations

from collections.abc import Iterator

from gitops.k8s.immutable import EXPOSED_TYPES, SELECTOR_KINDS, STATEFULSET_UPDATABLE
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
    f"{', '.join(sorted(STATEFULSET_UPDATABLE))} (e.g. `volumeClaimTemplates`); a Service's `clusterIP`, "
    "headless to virtual IP or back, headless to NodePort or LoadBalancer; a Job's `spec.template` "
    "or `spec.selector`",
    fix="revert the field, or plan the delete and recreate",
)
def immutable_fields(context: Context) -> Iterator[Issue]:
    for changed in context.changed():
        kind = changed.key.kind
        if kind in SELECTOR_KINDS:
            yield from _selector(changed)
        if kind == "StatefulSet":
            yield from _statefulset(changed)
        elif kind == "Service":
            yield from _service(changed)
        elif kind == "Job":
            yield from _job(changed)
