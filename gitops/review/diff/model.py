"""What a diff is made of: object identities, field changes, per-object results, risks."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum, IntEnum
from pathlib import Path


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


class Level(IntEnum):
    LOW = 1
    MEDIUM = 2
    HIGH = 3

    @property
    def label(self) -> str:
        return self.name.lower()

    @classmethod
    def parse(cls, text: str) -> Level:
        return cls[text.upper()]


class Status(Enum):
    ADDED = "added"
    REMOVED = "removed"
    CHANGED = "changed"
    UNCHANGED = "unchanged"


@dataclass(frozen=True)
class ObjectKey:
    """Identity of an object for matching: kind, namespace, name, the exact apiVersion, and its environment.

    The environment (scope) tells apart objects of the same name that go to different clusters
    (dist/prod/ and dist/staging/); it is empty when the inputs are not laid out by environment.
    """

    kind: str
    namespace: str
    name: str
    api_version: str
    scope: str = ""

    @property
    def group(self) -> str:
        return self.api_version.rpartition("/")[0]

    @property
    def sort_key(self) -> tuple[str, str, str, str, str]:
        return self.scope, self.kind, self.namespace, self.name, self.api_version

    def as_dict(self) -> dict:
        found = {"apiVersion": self.api_version, "kind": self.kind, "namespace": self.namespace, "name": self.name}
        if self.scope:
            found["environment"] = self.scope
        return found

    @property
    def local(self) -> str:
        """The name within its environment, for messages about a neighbour in the same one."""
        where = f"{self.namespace}/" if self.namespace else ""
        return f"{self.kind} {where}{self.name}"

    def __str__(self) -> str:
        return f"[{self.scope}] {self.local}" if self.scope else self.local


@dataclass(frozen=True)
class Named:
    """A list item identified by one of its fields (a container by name, a rule by host)."""

    field: str
    value: object


@dataclass(frozen=True)
class Embedded:
    """The document parsed out of a string field (a HelmChartConfig's valuesContent)."""


Segment = str | int | Named | Embedded
FieldPath = tuple[Segment, ...]


@dataclass(frozen=True)
class FieldChange:
    path: FieldPath
    old: object
    new: object


@dataclass(frozen=True)
class ObjectDiff:
    key: ObjectKey
    status: Status
    old: dict | None
    new: dict | None
    changes: tuple[FieldChange, ...] = ()
    old_source: Path | None = None
    new_source: Path | None = None

    @property
    def obj(self) -> dict:
        """The object as it will be (or as it was, when removed)."""
        return self.new if self.new is not None else self.old


@dataclass(frozen=True)
class Risk:
    level: Level
    key: ObjectKey
    field: str
    message: str

    @property
    def sort_key(self) -> tuple:
        return -self.level, self.key.sort_key, self.field, self.message


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
    """Requests against what is left after losing one node, before and after the change."""

    scope: str
    nodes_left: int
    cpu_supply: int
    memory_supply: int
    cpu_before: int
    cpu_after: int
    memory_before: int
    memory_after: int


@dataclass
class Report:
    from_label: str
    to_label: str
    diffs: list[ObjectDiff]
    counts: Counts
    risks: list[Risk]
    workloads: list[WorkloadSummary]
    capacity: list[CapacityLine] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def changed_diffs(self) -> list[ObjectDiff]:
        return [d for d in self.diffs if d.status is not Status.UNCHANGED]

    def risk_count(self, level: Level) -> int:
        return sum(1 for r in self.risks if r.level is level)

    def worst(self) -> Level | None:
        return max((r.level for r in self.risks), default=None)
