"""What the review tools report: one severity scale, one finding type, one rule registry shape.

`main.py check` (the gate) and `main.py diff` (the review of a change) both
run rules from a Registry. A rule yields Issues: the object, the field, what
is wrong and how to fix it. The registry stamps each with the rule's id and
severity, so a rule can never report under someone else's id, and the tables
of rules are read from the same registry that runs. Each rule has a Topic, what
it is about, under which `--list-rules` and the reference tables list it.

The scale is the diff's three levels; the gate names the two it uses: an
error (HIGH) fails `main.py check`, a warning (MEDIUM) does not.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from enum import IntEnum, StrEnum
from pathlib import Path

from gitops.k8s.manifests import Resource


class Severity(IntEnum):
    LOW = 1
    MEDIUM = 2
    HIGH = 3
    # The gate's words for the same levels.
    WARNING = 2
    ERROR = 3

    @property
    def label(self) -> str:
        """The diff's word: high, medium or low."""
        return self.name.lower()

    @property
    def gate_label(self) -> str:
        """The gate's word: error or warning."""
        return "error" if self >= Severity.ERROR else "warning"

    @classmethod
    def parse(cls, text: str) -> Severity:
        return cls[text.upper()]


class Topic(StrEnum):
    """What a rule is about, for listing it.

    The gate sorts its rules by the promise they keep (integrity, policy, capacity, waivers); diff
    files its risks under the part of a change they read (objects, fields, workloads, state, security,
    traffic, disruption, capacity). One idea, two vocabularies: each Registry says which topics it
    uses, in the order it lists them, and refuses a rule filed under any other.
    """

    INTEGRITY = "integrity"
    POLICY = "policy"
    CAPACITY = "capacity"
    WAIVERS = "waivers"
    OBJECTS = "objects"
    FIELDS = "fields"
    WORKLOADS = "workloads"
    STATE = "state"
    SECURITY = "security"
    TRAFFIC = "traffic"
    DISRUPTION = "disruption"


@dataclass(frozen=True)
class ObjectKey:
    """Identity of an object: kind, namespace, name, the exact apiVersion, and its environment.

    The environment (scope) tells apart objects of the same name that go to different clusters
    (dist/prod/ and dist/staging/); it is empty when the inputs are not laid out by environment.
    """

    kind: str
    namespace: str
    name: str
    api_version: str
    scope: str = ""

    @classmethod
    def of(cls, resource: Resource, scope: str = "") -> ObjectKey:
        return cls(resource.kind, resource.namespace, resource.name, resource.api_version, scope)

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
class Issue:
    """One problem as a rule sees it; severity None means the rule's default."""

    subject: Resource | ObjectKey
    field: str
    message: str
    fix: str = ""
    severity: Severity | None = None


@dataclass(frozen=True)
class Finding:
    rule: str
    severity: Severity
    subject: ObjectKey
    field: str
    message: str
    fix: str = ""
    file: Path | None = None
    waived: str | None = None  # the waiver's reason, when a waiver annotation covers this finding

    @property
    def kind(self) -> str:
        return self.subject.kind

    @property
    def namespace(self) -> str:
        return self.subject.namespace

    @property
    def name(self) -> str:
        return self.subject.name

    @property
    def object(self) -> str:
        return self.subject.local

    @property
    def fails(self) -> bool:
        """Whether it fails the gate: an error nobody waived."""
        return self.severity >= Severity.ERROR and self.waived is None


# A check reads what the rules look at (a check set, the two sides of a diff); some also read the findings.
Check = Callable[..., Iterable[Issue]]


@dataclass(frozen=True)
class Rule:
    id: str
    topic: Topic
    severity: Severity  # the default; an Issue may say otherwise
    prevents: str  # the failure in production this rule exists to stop
    fix: str  # the usual fix, or how to waive
    check: Check = field(compare=False)
    # Severity documented when it depends on the case ("error (latest) / warning (floating)").
    severity_note: str = ""
    waivable: bool = True
    needs_findings: bool = False  # called as check(ctx, findings), after every other rule

    def finding(self, issue: Issue) -> Finding:
        subject = issue.subject
        if isinstance(subject, Resource):
            file = subject.path
            subject = ObjectKey.of(subject)
        else:
            file = None
        return Finding(self.id, issue.severity or self.severity, subject, issue.field, issue.message, issue.fix, file)


class Registry:
    """The rules of one tool, by id, in the order they were registered, filed under the topics it uses."""

    def __init__(self, topics: tuple[Topic, ...] = tuple(Topic)) -> None:
        self.topics = topics
        self._rules: dict[str, Rule] = {}

    def rule(
        self,
        id: str,
        topic: Topic,
        severity: Severity,
        *,
        prevents: str,
        fix: str = "",
        severity_note: str = "",
        waivable: bool = True,
        needs_findings: bool = False,
    ) -> Callable[[Check], Check]:
        """Register a check under a stable rule id (the gate's ids are its waivers' suffixes: never rename one)."""

        def register(check: Check) -> Check:
            if id in self._rules:
                raise ValueError(f"rule id {id!r} registered twice")
            if topic not in self.topics:
                raise ValueError(f"rule {id!r} is filed under {topic}, not one of {', '.join(self.topics)}")
            self._rules[id] = Rule(id, topic, severity, prevents, fix, check, severity_note, waivable, needs_findings)
            return check

        return register

    def __getitem__(self, id: str) -> Rule:
        return self._rules[id]

    def __contains__(self, id: object) -> bool:
        return id in self._rules

    def __iter__(self) -> Iterator[Rule]:
        return iter(self._rules.values())

    def values(self) -> list[Rule]:
        return list(self._rules.values())

    def by_topic(self) -> list[Rule]:
        """Every rule, grouped by topic in the registry's order, in registration order within one."""
        return sorted(self._rules.values(), key=lambda r: self.topics.index(r.topic))
