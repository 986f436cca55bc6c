"""The promotion section of a review: the parity verdict, and since when the source ran each build.

A change that gives an environment (prod) the builds another one (staging) already runs is a
promotion. gitops/ship/parity.py works out whether prod's rendered change equals what staging
went through since it last matched prod, field by field, beside the fields each environment sets
for itself; this module holds its result and writes it. The section stands apart from the rest
of the report: it comes first (a promotion's comment leads with its verdict), outside every
collapsed <details>, and its tables are marked never to be shortened by the comment's size budget.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from gitops.formats import markdown as md
from gitops.k8s.images import short_version
from gitops.review.diff.model import MISSING
from gitops.review.findings import ObjectKey

ARROW = "→"
KEEP = md.KEEP  # the comment's size budget leaves a table marked so whole (gitops/formats/markdown_budget.py)


@dataclass(frozen=True)
class Difference:
    """A field where the target would not end as the source runs it (MISSING: the side lacks it)."""

    subject: ObjectKey
    field: str  # rendered path, '' for the object as a whole
    target_value: object
    source_value: object
    changed_in: str  # which side's change touched it: the target's name, the source's, or both

    def text(self, source: str, target: str) -> str:
        what = self.field or "(object)"
        where = {
            target: f"changed for {target} only: {source} never ran it",
            source: f"{source} ran this change, {target} would not get it",
        }.get(self.changed_in, "changed for both, differently")
        return (
            f"{self.subject} {what}: {target} gets {_show(self.target_value)}, {source} runs "
            f"{_show(self.source_value)} ({where})"
        )


@dataclass(frozen=True)
class ConfigLine:
    """A line of the target's config that the change sets beside the promoted builds."""

    file: str
    line: int
    key: str
    old: object
    new: object

    @property
    def text(self) -> str:
        return f"{self.file}:{self.line}: {self.key}: {_show(self.old)} {ARROW} {_show(self.new)}"


@dataclass(frozen=True)
class Since:
    """The commit from which the source has run a build."""

    commit: str  # short hash
    date: str
    subject: str

    @property
    def text(self) -> str:
        return f"{self.date} ({self.commit} {self.subject})"


@dataclass(frozen=True)
class ServiceParity:
    service: str
    old: str  # the target's build before, as a version ('6f303dbbaa', 'tag@sha256:…')
    new: str  # the build promoted
    since: Since | None  # when the source started running new
    baseline: str | None  # the commit at which the source last ran the target's old build
    differences: tuple[Difference, ...] = ()
    per_environment: tuple[str, ...] = ()  # config fields whose rendered change was not compared
    problem: str = ""  # why parity cannot be shown at all

    @property
    def holds(self) -> bool:
        return not self.differences and not self.problem


@dataclass
class Promotion:
    source: str
    target: str
    services: list[ServiceParity]
    config_lines: list[ConfigLine] = field(default_factory=list)

    @property
    def holds(self) -> bool:
        return all(s.holds for s in self.services)

    @property
    def failing(self) -> list[ServiceParity]:
        return [s for s in self.services if not s.holds]

    @property
    def verdict(self) -> str:
        names = ", ".join(s.service for s in self.services)
        if self.holds:
            return f"promotion {self.source} {ARROW} {self.target}: parity holds for {names}"
        count = sum(len(s.differences) + bool(s.problem) for s in self.services)
        failing = ", ".join(s.service for s in self.failing)
        return f"promotion {self.source} {ARROW} {self.target}: parity FAILS for {failing} ({count} difference(s))"


def _show(value: object) -> str:
    if value is MISSING:
        return "(absent)"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (dict, list)):
        return json.dumps(value, separators=(", ", ": "), default=str)
    return str(value)


def _service_line(p: ServiceParity, source: str, target: str) -> str:
    line = f"{p.service} {short_version(p.old)} {ARROW} {short_version(p.new)}"
    if p.since is not None:
        line += f": {source} has run it since {p.since.text}"
    if p.holds:
        line += f"; {target}'s change equals {source}'s since {p.baseline}"
        if p.per_environment:
            line += f" (set for each environment, not compared: {', '.join(p.per_environment)})"
    return line


def text_lines(promotion: Promotion) -> list[str]:
    """The section for a terminal, the verdict first."""
    source, target = promotion.source, promotion.target
    lines = [promotion.verdict]
    for p in promotion.services:
        lines.append(f"  {_service_line(p, source, target)}")
        if p.problem:
            lines.append(f"    {p.problem}")
        lines += [f"    {d.text(source, target)}" for d in p.differences]
    if promotion.config_lines and not promotion.holds:
        lines.append(f"  set in {target}'s config beside the promoted builds:")
        lines += [f"    {c.text}" for c in promotion.config_lines]
    return lines


def _cell(text: str) -> str:
    """Plain text as a table cell: markup escaped, pipes and newlines kept in the cell."""
    return md.cell(md.text(text))


_code = md.code


def markdown_lines(promotion: Promotion) -> list[str]:
    """The section for a pull-request comment: a heading with the verdict, then tables kept whole."""
    source, target = promotion.source, promotion.target
    verdict = "parity holds" if promotion.holds else "**parity FAILS**"
    lines = [f"### Promotion {_code(source)} {ARROW} {_code(target)}: {verdict}", ""]
    lines += [
        KEEP,
        f"| Service | Build | {_cell(source)} has run it since | Parity |",
        "| --- | --- | --- | --- |",
    ]
    for p in promotion.services:
        since = _cell(p.since.text) if p.since else "(not yet)"
        if p.holds:
            parity = f"holds: {md.text(target)}'s change equals {md.text(source)}'s since {_code(p.baseline or '')}"
            if p.per_environment:
                parity += f"; not compared (set per environment): {md.text(', '.join(p.per_environment))}"
        else:
            parity = (
                f"**fails**: {md.text(p.problem)}" if p.problem else f"**fails**: {len(p.differences)} difference(s)"
            )
        build = f"{_code(short_version(p.old))} {ARROW} {_code(short_version(p.new))}"
        lines.append(f"| {_cell(p.service)} | {build} | {since} | {md.cell(parity)} |")
    differences = [(p.service, d) for p in promotion.services for d in p.differences]
    if differences:
        lines += [
            "",
            KEEP,
            f"| Object | Field | {_cell(target)} gets | {_cell(source)} runs | Changed for |",
            "| --- | --- | --- | --- | --- |",
        ]
        for _, d in differences:
            lines.append(
                f"| {_cell(str(d.subject))} | {md.cell(_code(d.field)) if d.field else '(object)'} | "
                f"{md.cell(_code(_show(d.target_value)))} | {md.cell(_code(_show(d.source_value)))} | "
                f"{_cell(d.changed_in)} |"
            )
    if promotion.config_lines and not promotion.holds:
        lines += ["", f"Set in {_code(target)}'s config beside the promoted builds:", ""]
        lines += [f"- {_code(c.text)}" for c in promotion.config_lines]
    if not promotion.holds:
        lines += ["", 'What to do when parity fails: docs/shipping.md, "When parity fails".']
    return lines


def as_data(promotion: Promotion) -> dict:
    def value(v: object) -> object:
        return None if v is MISSING else v

    return {
        "source": promotion.source,
        "target": promotion.target,
        "parity": promotion.holds,
        "services": [
            {
                "service": p.service,
                "old": p.old,
                "new": p.new,
                "parity": p.holds,
                "since": None if p.since is None else {"commit": p.since.commit, "date": p.since.date},
                "baseline": p.baseline,
                "perEnvironment": list(p.per_environment),
                "problem": p.problem or None,
                "differences": [
                    {
                        "object": d.subject.as_dict(),
                        "field": d.field,
                        "target": value(d.target_value),
                        "source": value(d.source_value),
                        "changedIn": d.changed_in,
                    }
                    for d in p.differences
                ],
            }
            for p in promotion.services
        ],
        "configLines": [{"file": c.file, "line": c.line, "key": c.key} for c in promotion.config_lines],
    }
