"""The one-screen part: per workload, what changes in images, replicas, probes and resources, and what
its rollout will do (gitops/k8s/rollout.py): pods replaced, how many at a time, the fewest Ready, the
worst-case time, whether a pod stops before its replacement starts, on every node for a DaemonSet."""

from __future__ import annotations

from gitops.k8s import helmcharts, images, placement, rollout, workloads
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


def _duration(seconds: int) -> str:
    minutes, rest = divmod(seconds, 60)
    if not minutes:
        return f"{rest} s"
    return f"{minutes} min {rest} s" if rest else f"{minutes} min"


def rollout_text(plan: rollout.Rollout) -> str:
    """One line: 'rollout: 3 pods, 1 at a time (3 waves), at least 3 of 3 Ready; worst case 12 min (3 × 240 s)'."""
    where = "rollout on every node" if plan.per_node else "rollout"
    if plan.strategy == "OnDelete":
        return f"{where}: OnDelete, no pod is replaced until it is deleted by hand"
    if not plan.pods:
        return f"{where}: no pod is replaced (all below the partition)"
    start = f"{plan.start_seconds} s to start" if plan.start_seconds is not None else "no probe bounds its start"
    ready = f", {plan.ready_seconds} s minReadySeconds" if plan.ready_seconds else ""
    if plan.strategy == "Recreate":
        pods = (
            "the 1 pod stops before its replacement starts"
            if plan.total == 1
            else f"all {plan.total} pods stop before any replacement starts"
        )
        parts = f"{plan.stop_seconds} s to stop, {start}{ready}"
        down = "until it runs" if plan.worst_seconds is None else f"for up to {_duration(plan.worst_seconds)}"
        return f"{where}: Recreate, {pods}: 0 of {plan.total} Ready {down} ({parts})"
    at_a_time = f"{plan.per_wave} {'node ' if plan.per_node else ''}at a time"
    text = (
        f"{where}: {plan.pods} pod{'s' if plan.pods != 1 else ''}, {at_a_time} "
        f"({plan.waves} wave{'s' if plan.waves != 1 else ''}), "
        f"at least {plan.fewest_ready} of {plan.total} Ready"
    )
    if plan.stops_first:
        text += ", each old pod stops before its replacement starts"
    if plan.worst_seconds is None:
        return f"{text}; no probe bounds a start"
    wave = plan.wave_seconds
    parts = f"{plan.stop_seconds} s to stop, {start}{ready}" if plan.stops_first else f"{start}{ready}"
    shown = f"{plan.waves} × {wave} s" + (f": {parts}" if plan.stops_first or plan.ready_seconds else "")
    return f"{text}; worst case {_duration(plan.worst_seconds)} ({shown})"


def _eligible_nodes(spec: dict, nodes: list[dict[str, str]] | None) -> int | None:
    """How many declared nodes the pod template may run on (an undecidable selector counts the node in)."""
    if nodes is None:
        return None
    return sum(1 for labels in nodes if placement.may_run_on(spec, labels) is not False)


def _rollout_item(d: ObjectDiff, nodes: list[dict[str, str]] | None) -> SummaryItem | None:
    """What replacing the pods does, when the change replaces them (a changed pod template or chart values)."""
    if d.status is not Status.CHANGED:
        return None
    if d.key.kind == "HelmChartConfig":
        if fields.equal(fields.get(d.old, "spec", "valuesContent"), fields.get(d.new, "spec", "valuesContent")):
            return None
        values = helmcharts.values_of(d.after) or {}
        spec = {"nodeSelector": values.get("nodeSelector"), "affinity": values.get("affinity")}
    else:
        path = workloads.TEMPLATE_PATHS.get(d.key.kind)
        if path is None or fields.equal(fields.get(d.old, *path), fields.get(d.new, *path)):
            return None
        spec = workloads.pod_spec(d.new) or {}
    plan = rollout.plan(d.after, _eligible_nodes(spec, nodes))
    if plan is None:
        return None
    return SummaryItem("rollout", None, "", None, None, rollout_text(plan))


def summarize(d: ObjectDiff, nodes: list[dict[str, str]] | None = None) -> WorkloadSummary | None:
    """nodes: the labels of each node the environment declares, for the pods of a per-node workload."""
    if d.key.kind == "HelmChartConfig":
        item = _rollout_item(d, nodes)
        return None if item is None else WorkloadSummary(d.key, d.status, (item,))
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
    rolled = _rollout_item(d, nodes)
    if rolled is not None:
        items.append(rolled)
    if not items:
        return None
    return WorkloadSummary(d.key, d.status, tuple(items))


def workload_summaries(diffs: list[ObjectDiff], nodes: list[dict[str, str]] | None = None) -> list[WorkloadSummary]:
    return [s for s in (summarize(d, nodes) for d in diffs) if s is not None]
