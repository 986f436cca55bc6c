"""Markdown for a pull-request comment (GitHub/Gitea flavoured).

The first line is a marker comment, invisible when rendered, by which CI finds
its own earlier comment and edits it instead of adding one per push. Then the
title, the counts, the workload summary and the risks, highest first; the
field-level detail of each object sits in a collapsed <details> section.
"""

from __future__ import annotations

import html

from gitops.review.diff import present
from gitops.review.diff.fields import render_path
from gitops.review.diff.model import FieldChange, ObjectDiff, Report, Source, Status

MARKER = "<!-- honeydue-gitops:diff -->"
TITLE = "Cluster changes"
VERBS = {Status.ADDED: "added", Status.REMOVED: "removed", Status.CHANGED: "changed"}
MARKS = {Status.ADDED: "+", Status.REMOVED: "−", Status.CHANGED: "~"}


def cell(text: str) -> str:
    """Table-cell safe: a pipe would end the cell, a newline the row."""
    return text.replace("|", "\\|").replace("\r", "").replace("\n", "<br>")


def code(text: str) -> str:
    fence = "``" if "`" in text else "`"
    pad = " " if fence == "``" else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def fenced(body: str, language: str = "") -> list[str]:
    fence = "````" if "```" in body else "```"
    return [f"{fence}{language}", body, fence]


def _summary_tables(report: Report) -> list[str]:
    c = report.counts
    risks = present.risks_line(report)
    lines = [
        "| Added | Removed | Changed | Unchanged | Risks |",
        "| ---: | ---: | ---: | ---: | --- |",
        f"| {c.added} | {c.removed} | {c.changed} | {c.unchanged} | {cell(risks)} |",
    ]
    if report.workloads:
        lines += ["", "| Workload | Change |", "| --- | --- |"]
        lines += [f"| {cell(str(w.key))} | {'<br>'.join(cell(i.text) for i in w.items)} |" for w in report.workloads]
    for line in report.capacity:
        text = present.capacity_text(line)
        lines += ["", f"{text[:1].upper()}{text[1:]}."]
    return lines


def _risk_table(report: Report) -> list[str]:
    if not report.risks:
        return ["#### Risks", "", "None found."]
    lines = ["#### Risks, highest first", "", "| Level | Object | Field | Why |", "| --- | --- | --- | --- |"]
    for r in report.risks:
        field = cell(code(r.field)) if r.field else "(object)"
        lines.append(f"| **{r.severity.label}** | {cell(str(r.subject))} | {field} | {cell(r.message)} |")
    return lines


def sources(found: tuple[Source, ...]) -> str:
    """' (`config/prod.yaml:36`)': the config line or charts/ module behind a change."""
    return f" ({', '.join(code(str(source)) for source in found)})" if found else ""


def _change_lines(change: FieldChange) -> list[str]:
    path = code(render_path(change.path))
    old, new = change.old, change.new
    origin = sources(change.sources)
    if isinstance(old, str) and isinstance(new, str) and (present.is_block(old) or present.is_block(new)):
        diff = fenced("\n".join(present.text_diff(old, new)), "diff")
        return [f"- {path}:{origin}", ""] + ["  " + line for line in diff]
    if not present.is_block(old) and not present.is_block(new):
        return [f"- {path}: {code(present.inline(old))} {present.ARROW} {code(present.inline(new))}{origin}"]
    lines = [f"- {path}:{origin}"]
    for label, value in (("before", old), ("after", new)):
        if present.is_block(value):
            lines += [f"  - {label}:", ""] + ["    " + line for line in fenced(present.block(value), "yaml")]
        else:
            lines.append(f"  - {label}: {code(present.inline(value))}")
    return lines


def _details(d: ObjectDiff) -> list[str]:
    what = f"{len(d.changes)} field(s)" if d.status is Status.CHANGED else "whole object"
    summary = html.escape(f"{MARKS[d.status]} {VERBS[d.status]}: {d.key} ({d.key.api_version}), {what}")
    lines = ["<details>", f"<summary>{summary}</summary>", ""]
    if d.status is Status.CHANGED:
        for change in d.changes:
            lines += _change_lines(change)
    else:
        if d.sources:
            lines += [f"{VERBS[d.status].capitalize()} by {', '.join(code(str(s)) for s in d.sources)}.", ""]
        lines += fenced(present.block(d.obj), "yaml")
    return [*lines, "", "</details>"]


def render(report: Report) -> str:
    lines = [MARKER, f"### {TITLE}: {code(report.from_label)} {present.ARROW} {code(report.to_label)}", ""]
    if not report.counts.any_change:
        lines.append(f"No changes: {report.counts.total} objects compared, all identical.")
    else:
        lines += _summary_tables(report)
        lines += ["", *_risk_table(report)]
        lines += ["", "#### Objects", ""]
        for d in report.changed_diffs:
            lines += [*_details(d), ""]
    if report.notes:
        lines += [""] + [f"> {cell(note)}" for note in report.notes]
    return "\n".join(lines).rstrip("\n") + "\n"
