"""Risk rules: each looks at the matched objects of both sides and says what could hurt, and why.

A rule is a function of a Context yielding Issues, registered in
rules/context.py's REGISTRY (the registry shape of gitops/review/findings.py,
which `main.py check` uses too). Every risk names the object and the field it
is about (empty for the object as a whole), a severity, and one sentence a
reviewer can act on without opening the YAML.
"""

from __future__ import annotations

# Importing the rule modules registers their rules.
from gitops.review.diff.rules import (  # noqa: F401 - registers
    capacity,
    disruption,
    immutable,
    network,
    objects,
    prerequisites,
    scaling,
    security,
    state,
)
from gitops.review.diff.rules.context import REGISTRY, Context
from gitops.review.findings import Finding


def _order(risk: Finding) -> tuple:
    return -risk.severity, risk.subject.sort_key, risk.field, risk.message


def evaluate(context: Context) -> list[Finding]:
    found: dict[tuple, Finding] = {}
    for rule in REGISTRY:
        for issue in rule.check(context):
            risk = rule.finding(issue)
            # Two rules may see the same thing; the report lists it once.
            found.setdefault((risk.severity, risk.subject, risk.field, risk.message), risk)
    return sorted(found.values(), key=_order)


def order(risks: list[Finding]) -> list[Finding]:
    """Highest first, then by object, field and message."""
    return sorted(risks, key=_order)
