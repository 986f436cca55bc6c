"""Markdown for a pull-request comment (GitHub/Gitea flavoured).

The first line is a marker comment, invisible when rendered, by which CI finds
its own earlier comment and edits it instead of adding one per push. Then the
title, what the operator must do before merging (and may do after), the counts,
the workload summary and the risks, highest first; the
field-level detail of each object sits in a collapsed <details> section, which
is what the comment's size budget shortens first (gitops/formats/markdown_budget.py):
everything outside one is never shortened. Every piece of text from the manifests
goes through gitops/formats/markdown.py, so that no value can end its code block,
table row or section.
"""

from __future__ import annotations

from gitops.formats import markdown as md
from gitops.review.diff import present, promotion
from gitops.review.diff.fields import render_path
from gitops.review.diff.model import FieldChange, ObjectDiff, Report, Source, Status

MARKER = "<!-- honeydue-gitops:diff -->"
TITLE = "Cluster changes"
VERBS = {Status.ADDED: "added", Status.REMOVED: "removed", Status.CHANGED: "changed"}
MARKS = {Status.ADDED: "+", Status.REMOVED: "−", Status.CHANGED: "~"}  # a minus sign, as wide as +


cell = md.cell
code = md.code


def _text_cell(text: str) -> str:
    return md.cell(md.text(text))


def _summary_tables(report: Report) -> list[str]:
    c = report.counts
    risks = present.risks_line(report)
    lines = [
        "| Added | Removed | Changed | Unchanged | Risks |",
        "| ---: | ---: | ---: | ---: | --- |",
        f"| {c.added} | {c.removed} | {c.changed} | {c.unchanged} | {_text_cell(risks)} |",
    ]
    if report.workloads:
        lines += ["", "| Workload | Change |", "| --- | --- |"]
        lines += [
            f"| {_text_cell(str(w.key))} | {'<br>'.join(_text_cell(i.text) for i in w.items)} |"
            for w in report.workloads
        ]
    for line in report.capacity:
        text = present.capacity_text(line)
        lines += ["", md.text(f"{text[:1].upper()}{text[1:]}.")]
    return lines


def _risk_table(report: Report) -> list[str]:
    if not report.risks:
        return ["#### Risks", "", "None found."]
    # Every risk flag stays in the comment, whatever its size budget leaves out.
    lines = ["#### Risks, highest first", "", md.KEEP, "| Level | Object | Field | Why |", "| --- | --- | --- | --- |"]
    for r in report.risks:
        field = cell(code(r.field)) if r.field else "(object)"
        lines.append(f"| **{r.severity.label}** | {_text_cell(str(r.subject))} | {field} | {_text_cell(r.message)} |")
    return lines


def sources(found: tuple[Source, ...]) -> str:
    """' (`config/prod.yaml:36`)': the config line or charts/ module behind a change."""
    return f" ({', '.join(code(str(source)) for source in found)})" if found else ""


def _change_lines(change: FieldChange) -> list[str]:
    path = code(render_path(change.path))
    old, new = change.old, change.new
    origin = sources(change.sources)
    if isinstance(old, str) and isinstance(new, str) and (present.is_block(old) or present.is_block(new)):
        return [f"- {path}:{origin}", "", *md.indent(md.fence("\n".join(present.text_diff(old, new)), "diff"), 2)]
    if not present.is_block(old) and not present.is_block(new):
        return [f"- {path}: {code(present.inline(old))} {present.ARROW} {code(present.inline(new))}{origin}"]
    lines = [f"- {path}:{origin}"]
    for label, value in (("before", old), ("after", new)):
        if present.is_block(value):
            lines += [f"  - {label}:", "", *md.indent(md.fence(present.block(value), "yaml"), 4)]
        else:
            lines.append(f"  - {label}: {code(present.inline(value))}")
    return lines


def _details(d: ObjectDiff) -> list[str]:
    what = f"{len(d.changes)} field(s)" if d.status is Status.CHANGED else "whole object"
    summary = f"{MARKS[d.status]} {VERBS[d.status]}: {d.key} ({d.key.api_version}), {what}"
    body: list[str] = []
    if d.status is Status.CHANGED:
        for change in d.changes:
            body += _change_lines(change)
    else:
        if d.sources:
            body += [f"{VERBS[d.status].capitalize()} by {', '.join(code(str(s)) for s in d.sources)}.", ""]
        body += md.fence(present.block(d.obj), "yaml")
    return md.details(summary, body)


def _actions(report: Report) -> list[str]:
    """The operator's part, a section of its own at the top, outside every collapsed section and marked as kept
    (the size budget never shortens it): a checklist of what to do before merging, per environment, and what
    may go after."""
    lines: list[str] = []
    for when, heading in (("before", "#### Before merging"), ("after", "#### After merging")):
        groups = report.action_groups(when)
        if not groups:
            continue
        lines += [heading, "", md.KEEP]
        for scopes, action in groups:
            where = f"**{md.text(', '.join(scopes))}**: " if scopes else ""
            command = f": {code(action.command)}" if action.command else ""
            lines.append(f"- [ ] {where}{md.text(action.text)}{command}")
        lines.append("")
    return lines


def render(report: Report) -> str:
    lines = [MARKER]
    # A promotion's comment leads with its parity verdict: a section of its own, never collapsed.
    for p in report.promotions:
        lines += [*promotion.markdown_lines(p), ""]
    lines += [f"### {TITLE}: {code(report.from_label)} {present.ARROW} {code(report.to_label)}", ""]
    lines += _actions(report)
    if not report.counts.any_change:
        lines.append(f"No changes: {report.counts.total} objects compared, all identical.")
        if report.risks:  # an identical object can still move to another delivery unit
            lines += ["", *_risk_table(report)]
    else:
        lines += _summary_tables(report)
        lines += ["", *_risk_table(report)]
        lines += ["", "#### Objects", ""]
        for d in report.changed_diffs:
            lines += [*_details(d), ""]
    if report.notes:
        lines += [""] + [f"> {_text_cell(note)}" for note in report.notes]
    return "\n".join(lines).rstrip("\n") + "\n"
