"""Run every rule over one check set, apply waivers, and say whether the set passes."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

# Importing the rule modules registers their rules; within a topic, this is their listed order.
# isort: off
from gitops.review.check import routing, disruption, references, storage, hostports, sync, identity  # noqa: F401 - registers
from gitops.review.check import pss, policy, pods, headroom, waivers, labelvalues, traefik, origin  # noqa: F401 - registers
from gitops.review.check import egress  # noqa: F401 - registers

# isort: on
from gitops.review.check.context import Context, load
from gitops.review.check.registry import REGISTRY
from gitops.review.findings import Finding, Rule, Severity


@dataclass
class Outcome:
    name: str
    roots: list[Path]
    findings: list[Finding]
    headroom: headroom.Headroom
    notes: list[str] = field(default_factory=list)

    @property
    def active(self) -> list[Finding]:
        return [f for f in self.findings if f.waived is None]

    @property
    def waived(self) -> list[Finding]:
        return [f for f in self.findings if f.waived is not None]

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.fails]

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.active if f.severity < Severity.ERROR]

    @property
    def ok(self) -> bool:
        return not self.errors


def rules() -> list[Rule]:
    """Every rule, grouped by topic (integrity, policy, capacity, waivers)."""
    return REGISTRY.by_topic()


def _sort_key(f: Finding) -> tuple:
    return (-f.severity, f.namespace, f.kind, f.name, f.rule, f.field, f.message)


def _notes(ctx: Context) -> list[str]:
    notes = []
    if not ctx.declared.sources:
        notes.append("references: no declarations ConfigMap, so Secrets resolve only to Secret objects in the set")
    if not pss.restricted_namespaces(ctx):
        notes.append("pss-restricted: no Namespace in the set enforces restricted; nothing to check")
    return notes


def check(ctx: Context) -> Outcome:
    found: list[Finding] = []
    for rule in rules():
        if not rule.needs_findings:
            found += [rule.finding(issue) for issue in rule.check(ctx)]
    for rule in rules():
        if rule.needs_findings:
            found += [rule.finding(issue) for issue in rule.check(ctx, found)]
    by_object = {(r.kind, r.namespace, r.name): waivers.waivers(r) for r in ctx.resources}
    findings = sorted(waivers.apply(found, by_object), key=_sort_key)
    view = headroom.headroom(ctx)
    return Outcome(ctx.name, ctx.roots, findings, view, _notes(ctx))


def check_paths(name: str, roots: list[Path], within: Path | None = None) -> Outcome:
    """Load and check one set (within: the directory its symlinks must stay in, when not each root);
    raises ManifestError or DeclarationError on unreadable input."""
    return check(load(name, roots, within))
