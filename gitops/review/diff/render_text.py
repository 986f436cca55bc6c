"""Plain text for a terminal: summary, risks, then every changed field."""

from __future__ import annotations

from gitops.review.diff import present, promotion
from gitops.review.diff.fields import render_path
from gitops.review.diff.model import FieldChange, ObjectDiff, Report, Status

MARKS = {Status.ADDED: "+", Status.REMOVED: "-", Status.CHANGED: "~"}
INDENT = "      "


def _change_lines(change: FieldChange) -> list[str]:
    path = render_path(change.path)
    old, new = change.old, change.new
    sources = present.sources_text(change.sources)
    if isinstance(old, str) and isinstance(new, str) and (present.is_block(old) or present.is_block(new)):
        return [f"{INDENT}{path}:{sources}"] + [f"{INDENT}    {line}" for line in present.text_diff(old, new)]
    if not present.is_block(old) and not present.is_block(new):
        return [f"{INDENT}{path}: {present.inline(old)} {present.ARROW} {present.inline(new)}{sources}"]
    lines = [f"{INDENT}{path}:{sources}"]
    for label, value in (("before", old), ("after", new)):
        if present.is_block(value):
            lines.append(f"{INDENT}  {label}:")
            lines += [f"{INDENT}    {line}" for line in present.block(value).splitlines()]
        else:
            lines.append(f"{INDENT}  {label}: {present.inline(value)}")
    return lines


def _object_lines(d: ObjectDiff) -> list[str]:
    lines = [f"  {MARKS[d.status]} {d.key} ({d.key.api_version}){present.sources_text(d.sources)}"]
    for change in d.changes:
        lines += _change_lines(change)
    return lines


def _actions(report: Report) -> list[str]:
    """The operator's part, first: what to do before merging, and what may go after."""
    lines: list[str] = []
    for when, heading in (("before", "before merging, do:"), ("after", "after merging, you may:")):
        groups = report.action_groups(when)
        if groups:
            lines.append(heading)
            for scopes, action in groups:
                where = f"[{', '.join(scopes)}] " if scopes else ""
                command = f": {action.command}" if action.command else ""
                lines.append(f"  {where}{action.text}{command}")
    return lines


def _risk_lines(report: Report) -> list[str]:
    if not report.risks:
        return []
    lines = ["", "risks, highest first:"]
    for r in report.risks:
        where = f"{r.subject} {r.field}" if r.field else str(r.subject)
        lines.append(f"  {r.severity.label.upper():<6}  {where}: {r.message}")
    return lines


def render(report: Report) -> str:
    lines = [line for p in report.promotions for line in [*promotion.text_lines(p), ""]]
    lines.append(f"{report.from_label} {present.ARROW} {report.to_label}")
    lines += _actions(report)
    if not report.counts.any_change:
        # Objects can be identical and still move (to another delivery unit): what that risks is said.
        lines.append(f"no changes ({report.counts.total} objects compared)")
        lines += _risk_lines(report)
        lines += [f"note: {note}" for note in report.notes]
        return "\n".join(lines) + "\n"
    lines.append(f"objects: {present.counts_line(report)}")
    lines.append(f"risks: {present.risks_line(report)}")
    if report.workloads:
        lines += ["", "workloads:"]
        lines += [f"  {w.key}: {w.text}" for w in report.workloads]
    if report.capacity:
        lines += [""] + [present.capacity_text(line) for line in report.capacity]
    lines += _risk_lines(report)
    lines += ["", "changes:"]
    for d in report.changed_diffs:
        lines += _object_lines(d)
    if report.notes:
        lines += [""] + [f"note: {note}" for note in report.notes]
    return "\n".join(lines) + "\n"
