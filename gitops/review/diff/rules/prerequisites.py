"""Objects a change starts to need that git does not deliver: the pods that read them cannot start until
someone creates them (gitops/k8s/prerequisites.py; the report's "before merging" block says how)."""

from __future__ import annotations

from collections.abc import Iterator

from gitops.k8s import prerequisites, references, workloads
from gitops.k8s.manifests import Resource
from gitops.layout import UNITS
from gitops.review.diff.load import Side
from gitops.review.diff.rules.context import Context, risk, rule
from gitops.review.findings import Issue, Severity, Topic


def _waits(reference: references.Reference) -> str:
    """Where the kubelet leaves a pod whose reference does not resolve."""
    if reference.pull:
        return "ImagePullBackOff"
    return "ContainerCreating" if ".volumes[" in reference.field else "CreateContainerConfigError"


def _unit(side: Side, resource: Resource, scope: str) -> str:
    """'the apps unit never becomes healthy (Flux waits its full 14m timeout)', from the engine's own objects."""
    unit = resource.path.parent.name
    if unit not in UNITS:
        return "its sync never becomes healthy"
    timeout = next(
        (
            workloads.dig(r.obj, "spec", "timeout")
            for r in side.resources
            if r.kind == "Kustomization"
            and str(workloads.dig(r.obj, "spec", "path") or "").rstrip("/").endswith(f"{scope}/{unit}")
        ),
        None,
    )
    waits = f" (Flux waits its full {timeout} timeout, then marks it failed)" if timeout else ""
    return f"the {unit} unit never becomes healthy{waits}"


@rule(
    "needs-missing-object",
    Topic.WORKLOADS,
    Severity.HIGH,
    prevents="pods that cannot start because the change makes them read a Secret, ConfigMap or key that the "
    "cluster does not hold and git does not deliver: they wait in CreateContainerConfigError, ContainerCreating "
    "or ImagePullBackOff, and the unit's health check runs to its timeout",
    fix="create it (or add the key) in every environment before merging: the report's 'before merging' block "
    "lists each one",
)
def needs_missing_objects(context: Context) -> Iterator[Issue]:
    before = prerequisites.needed(context.old.resources, context.old_declared) if context.old.objects else []
    after = prerequisites.needed(context.new.resources, context.new_declared)
    # What the change adds to the list: whole objects, or keys of ones the cluster already holds.
    new: dict[tuple[str, str, str], set[str] | None] = {}
    for change in prerequisites.changes(before, after):
        if change.what == "create":
            new[change.needed.ident] = None
        elif change.what == "add-keys":
            new[change.needed.ident] = set(change.keys)
    if not new:
        return
    for d in context.present_after(kinds=workloads.WORKLOADS):
        resource = context.new.objects[d.key]
        template = workloads.pod_template(resource)
        if template is None:
            continue
        found: dict[tuple[str, str, str], list[references.Reference]] = {}
        for ref in references.pod_references(template.spec, template.field):
            ident = (ref.kind, d.key.namespace, str(ref.name))
            if ref.optional or ident not in new:
                continue
            keys = new[ident]
            if keys is None or keys & set(ref.keys):
                found.setdefault(ident, []).append(ref)
        for (kind, namespace, name), refs in found.items():
            keys = new[(kind, namespace, name)]
            read = sorted({k for r in refs for k in r.keys if keys is None or k in keys})
            if keys is None:
                what = f"{kind} {name}, which does not exist in the cluster yet and git does not deliver"
            else:
                what = f"key{'s' if len(read) != 1 else ''} {', '.join(read)} of {kind} {name}, which the cluster's "
                what += f"{kind} lacks and git does not deliver"
            yield risk(
                Severity.HIGH,
                d.key,
                refs[0].field,
                f"reads {what}: until someone adds it, the pods wait in {_waits(refs[0])} and "
                f"{_unit(context.new, resource, context.scope)}. "
                + ("Create it" if keys is None else "Add the key")
                + " in the cluster before merging (see Before merging).",
            )
