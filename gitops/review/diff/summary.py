"""The one-screen part: per workload, what changes in images, replicas, probes and resources."""

from __future__ import annotations

from gitops.k8s import images, workloads
from gitops.review.diff import fields
from gitops.review.diff.model import MISSING, ObjectDiff, Status, SummaryItem, WorkloadSummary

PROBES = ("startupProbe", "livenessProbe", "readinessProbe")


def split_image(ref: str) -> tuple[str, str]:
    """Repository and version of an image reference, the digest shortened to stay one line."""
    repository, version = images.name_and_version(ref)
    return repository, images.short_digest(version)


def _short(ref: str) -> str:
    repository, version = split_image(ref)
    return f"{repository.rsplit('/', 1)[-1]}:{version}"


def image_change(old: str, new: str) -> str:
    """A tag or digest change of one repository in one line: a new digest is a new image, whatever the tag."""
    old_repo, old_version = split_image(old)
    new_repo, new_version = split_image(new)
    if old_version == new_version:  # digests that differ only past the shortened part
        old_version, new_version = images.name_and_version(old)[1], images.name_and_version(new)[1]
    if old_repo == new_repo:
        return f"image {old_repo.rsplit('/', 1)[-1]} {old_version} → {new_version}"
    return f"image {old} → {new}"


def show(value: object) -> str:
    if value is MISSING or value is None:
        return "(none)"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (dict, list)):
        return "(set)"
    return str(value)


def _label(workload: str, list_name: str, name: str) -> str:
    """How a container is named in a summary line: not at all when it is named after its workload."""
    if list_name == "initContainers":
        return f"init container {name}: "
    return "" if name == workload else f"container {name}: "


def _container_items(workload: str, list_name: str, name: str, old: dict | None, new: dict | None) -> list[SummaryItem]:
    label = _label(workload, list_name, name)
    if old is None:
        image = (new or {}).get("image", "?")
        return [SummaryItem("lifecycle", name, list_name, None, image, f"{label}added, image {_short(str(image))}")]
    if new is None:
        return [SummaryItem("lifecycle", name, list_name, old.get("image"), None, f"{label}removed")]
    items = []
    if old.get("image") != new.get("image"):
        text = f"{label}{image_change(str(old.get('image')), str(new.get('image')))}"
        items.append(SummaryItem("image", name, "image", old.get("image"), new.get("image"), text))
    for probe in PROBES:
        before, after = old.get(probe, MISSING), new.get(probe, MISSING)
        if fields.equal(before, after):
            continue
        if before is MISSING or after is MISSING:
            verb = "added" if before is MISSING else "removed"
            items.append(SummaryItem("probe", name, probe, before, after, f"{label}{probe} {verb}"))
            continue
        for change in (leaf for c in fields.diff(before, after, (probe,)) for leaf in fields.leaves(c)):
            path = fields.render_path(change.path)
            items.append(
                SummaryItem(
                    "probe",
                    name,
                    path,
                    change.old,
                    change.new,
                    f"{label}{path} {show(change.old)} → {show(change.new)}",
                )
            )
    resource_changes = fields.diff(workloads.mapping(old.get("resources")), workloads.mapping(new.get("resources")))
    for change in (leaf for c in resource_changes for leaf in fields.leaves(c)):
        path = fields.render_path(change.path)
        items.append(
            SummaryItem(
                "resources",
                name,
                f"resources.{path}",
                change.old,
                change.new,
                f"{label}{path} {show(change.old)} → {show(change.new)}",
            )
        )
    return items


def summarize(d: ObjectDiff) -> WorkloadSummary | None:
    if d.key.kind not in workloads.WORKLOADS or d.status is Status.UNCHANGED:
        return None
    if d.status is Status.REMOVED:
        return WorkloadSummary(d.key, d.status, (SummaryItem("lifecycle", None, "", None, None, "removed"),))
    new_containers = workloads.containers(workloads.pod_spec(d.new))
    if d.status is Status.ADDED:
        parts = []
        count = workloads.replicas(d.new)
        if count is not None:
            parts.append(f"{count} replica(s)")
        images = [_short(str(c.get("image", "?"))) for (lst, _), c in new_containers.items() if lst == "containers"]
        if images:
            parts.append(f"image {', '.join(images)}")
        text = "added" + (f": {', '.join(parts)}" if parts else "")
        return WorkloadSummary(d.key, d.status, (SummaryItem("lifecycle", None, "", None, None, text),))
    items: list[SummaryItem] = []
    before, after = workloads.replicas(d.old), workloads.replicas(d.new)
    if before != after:
        text = f"replicas {show(before)} → {show(after)}"
        items.append(SummaryItem("replicas", None, "spec.replicas", before, after, text))
    old_containers = workloads.containers(workloads.pod_spec(d.old))
    for list_name, name in list(old_containers) + [k for k in new_containers if k not in old_containers]:
        items += _container_items(
            d.key.name, list_name, name, old_containers.get((list_name, name)), new_containers.get((list_name, name))
        )
    if not items:
        return None
    return WorkloadSummary(d.key, d.status, tuple(items))


def workload_summaries(diffs: list[ObjectDiff]) -> list[WorkloadSummary]:
    return [s for s in (summarize(d) for d in diffs) if s is not None]
