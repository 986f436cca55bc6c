"""What a diff is made of: field changes, per-object results, and its risks (gitops/review/findings.py)."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum

from gitops.k8s import capacity
from gitops.review.findings import Finding, ObjectKey, Severity


class _Missing:
    """A field present on one side only (distinct from an explicit null)."""

    _instance: _Missing | None = None

    def __new__(cls) -> _Missing:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "(absent)"

    def __bool__(self) -> bool:
        return False


MISSING = _Missing()


class Status(Enum):
    ADDED = "added"
    REMOVED = "removed"
    CHANGED = "changed"
    UNCHANGED = "unchanged"


@dataclass(frozen=True)
class Named:
    """A list item identified by one of its fields (a container by name, a rule by host)."""

    field: str
    value: object


@dataclass(frozen=True)
class Keyed:
    """A list item identified by several fields together (a container port by containerPort and protocol)."""

    fields: tuple[str, ...]
    values: tuple[object, ...]


@dataclass(frozen=True)
class Embedded:
    """The document parsed out of a string field (a HelmChartConfig's valuesContent)."""


Segment = str | int | Named | Keyed | Embedded
FieldPath = tuple[Segment, ...]


@dataclass(frozen=True)
class Source:
    """Where a change came from: a config file's line and the key edited there, or a module of charts/."""

    file: str
    line: int = 0
    key: str = ""

    def __str__(self) -> str:
        return f"{self.file}:{self.line}" if self.line else self.file


@dataclass(frozen=True)
class FieldChange:
    path: FieldPath
    old: object
    new: object
    sources: tuple[Source, ...] = ()  # gitops/review/diff/provenance.py; empty when not known


@dataclass(frozen=True)
class ObjectDiff:
    key: ObjectKey
    status: Status
    old: dict | None
    new: dict | None
    changes: tuple[FieldChange, ...] = ()
    sources: tuple[Source, ...] = ()  # of an object added or removed as a whole

    @property
    def obj(self) -> dict:
        """The object as it will be (or as it was, when removed)."""
        return self.after if self.new is not None else self.before

    @property
    def before(self) -> dict:
        """The old side, of an object that has one (changed, unchanged or removed)."""
        if self.old is None:
            raise ValueError(f"{self.key}: {self.status.value}, there is no old side")
        return self.old

    @property
    def after(self) -> dict:
        """The new side, of an object that has one (added, changed or unchanged)."""
        if self.new is None:
            raise ValueError(f"{self.key}: {self.status.value}, there is no new side")
        return self.new


@dataclass
class Counts:
    added: int = 0
    removed: int = 0
    changed: int = 0
    unchanged: int = 0

    @property
    def total(self) -> int:
        return self.added + self.removed + self.changed + self.unchanged

    @property
    def any_change(self) -> bool:
        return bool(self.added or self.removed or self.changed)


@dataclass(frozen=True)
class SummaryItem:
    """One reviewer-facing fact about a workload: an image, replica, probe or resource change."""

    topic: str  # image | replicas | probe | resources | lifecycle
    container: str | None
    field: str
    old: object
    new: object
    text: str


@dataclass(frozen=True)
class WorkloadSummary:
    key: ObjectKey
    status: Status
    items: tuple[SummaryItem, ...]

    @property
    def text(self) -> str:
        return "; ".join(item.text for item in self.items)


@dataclass(frozen=True)
class CapacityLine:
    """Requests against what is left after losing one node, before and after the change (gitops/k8s/capacity.py)."""

    scope: str
    before: capacity.Report
    after: capacity.Report


@dataclass(frozen=True)
class Action:
    """Something the operator does by hand for the change to work (before merging) or to tidy up after it."""

    when: str  # before | after
    scope: str  # the environment
    text: str  # what to do, and why, in one sentence
    command: str = ""  # the shell command, when there is one


@dataclass
class Report:
    from_label: str
    to_label: str
    diffs: list[ObjectDiff]
    counts: Counts
    risks: list[Finding]
    workloads: list[WorkloadSummary]
    capacity: list[CapacityLine] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    actions: list[Action] = field(default_factory=list)

    def action_groups(self, when: str) -> list[tuple[list[str], Action]]:
        """The actions of one kind, each once with every environment that needs it, in the order first met."""
        groups: dict[tuple[str, str], tuple[list[str], Action]] = {}
        for action in self.actions:
            if action.when != when:
                continue
            scopes, _ = groups.setdefault((action.text, action.command), ([], action))
            if action.scope and action.scope not in scopes:
                scopes.append(action.scope)
        return list(groups.values())

    # Promotions the change makes (gitops/review/diff/promotion.py's Promotion, filled by gitops/ship): a
    # section of its own that leads the report.
    promotions: list = field(default_factory=list)

    @property
    def changed_diffs(self) -> list[ObjectDiff]:
        return [d for d in self.diffs if d.status is not Status.UNCHANGED]

    def risk_count(self, level: Severity) -> int:
        return sum(1 for r in self.risks if r.severity is level)

    def worst(self) -> Severity | None:
        return max((r.severity for r in self.risks), default=None)
