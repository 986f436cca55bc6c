"""JSON for tools: the same report, structured. A field absent on one side has no old/new key."""

from __future__ import annotations

import json

from gitops.review.diff import promotion
from gitops.review.diff.fields import render_path
from gitops.review.diff.model import MISSING, FieldChange, ObjectDiff, Report, Source


def _sources(sources: tuple[Source, ...]) -> list[dict]:
    """Each source as {file, line, key} (a charts/ module has file alone)."""
    return [
        {"file": s.file, **({"line": s.line} if s.line else {}), **({"key": s.key} if s.key else {})} for s in sources
    ]


def _change(change: FieldChange) -> dict:
    out: dict = {"path": render_path(change.path)}
    if change.old is not MISSING:
        out["old"] = change.old
    if change.new is not MISSING:
        out["new"] = change.new
    if change.sources:
        out["sources"] = _sources(change.sources)
    return out


def _object(d: ObjectDiff) -> dict:
    out: dict = {"object": d.key.as_dict(), "status": d.status.value}
    if d.sources:
        out["sources"] = _sources(d.sources)
    if d.changes:
        out["changes"] = [_change(c) for c in d.changes]
    return out


def as_data(report: Report) -> dict:
    c = report.counts
    return {
        "from": report.from_label,
        "to": report.to_label,
        "actions": [
            {
                "when": when,
                "environments": scopes,
                "text": action.text,
                **({"command": action.command} if action.command else {}),
            }
            for when in ("before", "after")
            for scopes, action in report.action_groups(when)
        ],
        "counts": {"added": c.added, "removed": c.removed, "changed": c.changed, "unchanged": c.unchanged},
        "risks": [
            {"level": r.severity.label, "object": r.subject.as_dict(), "field": r.field, "message": r.message}
            for r in report.risks
        ],
        "workloads": [
            {
                "object": w.key.as_dict(),
                "status": w.status.value,
                "summary": w.text,
                "items": [
                    {"topic": i.topic, "container": i.container, "field": i.field, "text": i.text} for i in w.items
                ],
            }
            for w in report.workloads
        ],
        "capacity": [
            {
                "environment": line.scope,
                "fits": line.after.fits,
                "nodesLeft": line.after.nodes_left,
                "lostNode": line.after.lost,
                "cpuMillis": {
                    "supply": line.after.supply.cpu_millis,
                    "before": line.before.demand.cpu_millis,
                    "after": line.after.demand.cpu_millis,
                },
                "memoryBytes": {
                    "supply": line.after.supply.memory_bytes,
                    "before": line.before.demand.memory_bytes,
                    "after": line.after.demand.memory_bytes,
                },
            }
            for line in report.capacity
        ],
        "objects": [_object(d) for d in report.changed_diffs],
        "notes": report.notes,
        "promotions": [promotion.as_data(p) for p in report.promotions],
    }


def render(report: Report) -> str:
    return json.dumps(as_data(report), indent=2, ensure_ascii=False, default=str) + "\n"
