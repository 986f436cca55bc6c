"""The check rules and the diff risks as the reference tables show them.

The tables depend only on RuleDoc. check_rules() and diff_risks() are the one
place that knows where each registry lives and what it is called: when the
registries change shape, these two functions change and nothing else.
"""

from __future__ import annotations

from dataclasses import dataclass

from gitops.annotations import WAIVER_PREFIX
from gitops.review.findings import Registry
from gitops.tools.docs.markdown import header, table


@dataclass(frozen=True)
class RuleDoc:
    """One rule as the reference says it: what it is, how bad, what it prevents, what to do."""

    id: str  # stable id (for check rules, the suffix of the waiver annotation)
    topic: str  # what it is about (gitops/review/findings.py Topic), the table's Category or Area column
    level: str  # severity (check) or risk level (diff), as documented; both when it depends on the case
    prevents: str  # the failure in production the rule exists to stop
    fix: str  # the usual fix


def check_rules(registry: Registry | None = None) -> list[RuleDoc]:
    """Every `main.py check` rule (or registry's), in the order `--list-rules` prints them."""
    from gitops.review.check import engine

    return [
        RuleDoc(
            id=r.id,
            topic=r.topic.value,
            level=(r.severity_note or r.severity.gate_label) + ("" if r.waivable else ", not waivable"),
            prevents=r.prevents,
            fix=r.fix,
        )
        for r in (registry.values() if registry is not None else engine.rules())
    ]


def diff_risks(registry: Registry | None = None) -> list[RuleDoc]:
    """Every `main.py diff` risk rule (or registry's), in the order they run."""
    from gitops.review.diff.rules import REGISTRY

    return [
        RuleDoc(id=r.id, topic=r.topic.value, level=r.severity_note or r.severity.label, prevents=r.prevents, fix=r.fix)
        for r in (registry if registry is not None else REGISTRY)
    ]


def rows(rules: list[RuleDoc]) -> list[list[str]]:
    return [[f"`{r.id}`", r.topic, r.level, r.prevents, r.fix] for r in rules]


def check_page(registry: Registry | None = None) -> str:
    lines = header(
        "`main.py check` rules",
        "the rule registry (`gitops/review/check/registry.py`, rules in `gitops/review/check/`)",
        "Severity is the rule's default; where it depends on the case, both are given. An error fails the "
        "check, a warning does not. Every rule that is not marked otherwise can be waived on the object "
        f"(`{WAIVER_PREFIX}<rule id>: <reason>`, see [the review gate](../review-gate.md#waivers)). "
        "`main.py check --list-rules` prints the same list.",
    )
    lines += table(["Rule", "Category", "Severity", "Prevents", "Fix (or waive)"], rows(check_rules(registry)))
    return "\n".join(lines) + "\n"


def diff_page(registry: Registry | None = None) -> str:
    lines = header(
        "`main.py diff` risk flags",
        "the risk registry (`gitops/review/diff/rules/context.py`, rules in `gitops/review/diff/rules/`)",
        "Each risk a report lists names the object and the field, with one sentence of why. The level is "
        "the highest the rule flags; where it depends on the case, each is given. `--fail-on LEVEL` makes "
        "a risk at or above that level fail the run (see [reviewing a change](../review-diff.md)). The id "
        "names the rule here; reports do not print it.",
    )
    lines += table(["Risk", "Area", "Level", "Prevents", "What to do"], rows(diff_risks(registry)))
    return "\n".join(lines) + "\n"
