"""What a rule reports, and the registry every rule joins.

A rule yields Issues: the object, the field, what is wrong and how to fix
it. The engine stamps each with the rule's id and severity, so a rule can
never report under someone else's id, and the documented table of rules
(`main.py check --list-rules`) is read from the same registry that runs.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path

from gitops.k8s.manifests import Resource


class Severity(str, Enum):
    ERROR = "error"
    WARNING = "warning"


class Category(str, Enum):
    INTEGRITY = "integrity"
    POLICY = "policy"
    CAPACITY = "capacity"
    WAIVERS = "waivers"


@dataclass(frozen=True)
class Issue:
    """One problem as a rule sees it; severity None means the rule's default."""

    resource: Resource
    field: str
    message: str
    fix: str
    severity: Severity | None = None


@dataclass(frozen=True)
class Finding:
    rule: str
    severity: Severity
    kind: str
    namespace: str
    name: str
    field: str
    message: str
    fix: str
    file: Path | None
    waived: str | None = None  # the waiver's reason, when a waiver annotation covers this finding

    @property
    def object(self) -> str:
        where = f"{self.namespace}/" if self.namespace else ""
        return f"{self.kind} {where}{self.name}"

    @property
    def fails(self) -> bool:
        return self.severity is Severity.ERROR and self.waived is None


# A check reads the set; waiver checks also read what the other rules found.
Check = Callable[..., Iterable[Issue]]


@dataclass(frozen=True)
class Rule:
    id: str
    category: Category
    severity: Severity
    prevents: str  # the failure in production this rule exists to stop
    fix: str  # the usual fix, or how to waive
    check: Check = field(compare=False)
    # Severity documented when it depends on the case ("error (latest) / warning (floating)").
    severity_note: str = ""
    waivable: bool = True
    needs_findings: bool = False  # called as check(ctx, findings), after every other rule

    def finding(self, issue: Issue) -> Finding:
        r = issue.resource
        return Finding(
            rule=self.id,
            severity=issue.severity or self.severity,
            kind=r.kind,
            namespace=r.namespace,
            name=r.name,
            field=issue.field,
            message=issue.message,
            fix=issue.fix,
            file=r.path,
        )


REGISTRY: dict[str, Rule] = {}


def rule(
    id: str,
    category: Category,
    severity: Severity,
    *,
    prevents: str,
    fix: str,
    severity_note: str = "",
    waivable: bool = True,
    needs_findings: bool = False,
) -> Callable[[Check], Check]:
    """Register a check under a stable rule id (ids are the waiver annotation's suffix: never rename one)."""

    def register(check: Check) -> Check:
        if id in REGISTRY:
            raise ValueError(f"rule id {id!r} registered twice")
        REGISTRY[id] = Rule(id, category, severity, prevents, fix, check, severity_note, waivable, needs_findings)
        return check

    return register
