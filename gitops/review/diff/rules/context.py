"""What every rule sees (both sides, the matched pairs, a place for notes), and the registry rules join."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cached_property

from gitops.k8s import declared
from gitops.k8s.declared import DeclaredCluster
from gitops.review.diff.fields import render_path
from gitops.review.diff.load import Side
from gitops.review.diff.model import FieldPath, ObjectDiff, Status
from gitops.review.findings import Issue, ObjectKey, Registry, Severity, Topic

REGISTRY = Registry(
    (
        Topic.OBJECTS,
        Topic.FIELDS,
        Topic.WORKLOADS,
        Topic.STATE,
        Topic.SECURITY,
        Topic.TRAFFIC,
        Topic.DISRUPTION,
        Topic.CAPACITY,
    )
)
rule = REGISTRY.rule


@dataclass
class Context:
    old: Side
    new: Side
    diffs: list[ObjectDiff]
    scope: str = ""
    notes: list[str] = field(default_factory=list)

    def with_status(self, *statuses: Status, kinds: frozenset[str] | set[str] | None = None) -> Iterator[ObjectDiff]:
        for d in self.diffs:
            if d.status in statuses and (kinds is None or d.key.kind in kinds):
                yield d

    @cached_property
    def old_declared(self) -> declared.Declared | None:
        return self._declared(self.old)

    @cached_property
    def new_declared(self) -> declared.Declared | None:
        return self._declared(self.new)

    @property
    def old_cluster(self) -> DeclaredCluster | None:
        return None if self.old_declared is None else self.old_declared.cluster

    @property
    def new_cluster(self) -> DeclaredCluster | None:
        return None if self.new_declared is None else self.new_declared.cluster

    def _declared(self, side: Side) -> declared.Declared | None:
        """What a side declares (charts/declarations.py): its Secrets and node inventory, if any."""
        try:
            return declared.read(side.resources)
        except declared.DeclarationError as err:
            where = f" ({self.scope})" if self.scope else ""
            self.notes.append(f"{side.label}{where}: declarations ignored: {err}")
            return None

    def changed(self, kinds: frozenset[str] | set[str] | None = None) -> Iterator[ObjectDiff]:
        return self.with_status(Status.CHANGED, kinds=kinds)

    def present_after(self, kinds: frozenset[str] | set[str] | None = None) -> Iterator[ObjectDiff]:
        """Objects that exist on the new side (added, changed or unchanged)."""
        return self.with_status(Status.ADDED, Status.CHANGED, Status.UNCHANGED, kinds=kinds)


def risk(level: Severity, key: ObjectKey, path: FieldPath | str, message: str) -> Issue:
    text = path if isinstance(path, str) else render_path(path)
    return Issue(key, text, message, severity=level)
