"""The check's output: a table per set for people, a stable JSON document for CI.

JSON shape (FORMAT identifies it; fields are only ever added):

    {"format": "honeydue-gitops/check/v1", "ok": bool,
     "summary": {"sets", "errors", "warnings", "waived"},
     "sets": [{"name", "paths": [str], "ok",
               "summary": {"errors", "warnings", "waived"},
               "findings": [Finding], "waived": [Finding + "reason"],
               "capacity": {"checked": true, "fits", "nodesLeft", "lostNode",
                            "cpu": {"requestedMillis", "allocatableMillis", "headroomMillis"},
                            "memory": {"requestedBytes", "allocatableBytes", "headroomBytes"}}
                         | {"checked": false, "reason"},
               "notes": [str]}]}
    Finding = {"rule", "severity": "error"|"warning",
               "object": {"kind", "namespace", "name"}, "field", "message", "fix", "file"}
"""

from __future__ import annotations

import json

from gitops.k8s import capacity
from gitops.review.check.context import shown
from gitops.review.check.engine import Outcome
from gitops.review.check.headroom import Headroom
from gitops.review.findings import Finding, Rule

FORMAT = "honeydue-gitops/check/v1"


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def _counts(errors: int, warnings: int, waived: int) -> str:
    return f"{_plural(errors, 'error')}, {_plural(warnings, 'warning')}, {waived} waived"


def capacity_line(view: Headroom) -> str:
    report = view.report
    if report is None:
        return f"capacity: not checked: {view.reason}"
    one_node_short = report.totals_fit and not report.fits
    tail = "; the totals fit, one node does not (see the capacity finding)" if one_node_short else ""
    return f"capacity: {capacity.summary(report)}{tail}"


def _table(findings: list[Finding], *, waived: bool) -> list[str]:
    """Aligned columns for severity, rule, object and field; what, fix (or reason) and file below each row."""
    if not findings:
        return []
    first = "STATUS" if waived else "SEVERITY"
    rows = [("waived" if waived else f.severity.gate_label, f.rule, f.object) for f in findings]
    widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate((first, "RULE", "OBJECT"))]
    lines = [f"  {first:<{widths[0]}}  {'RULE':<{widths[1]}}  {'OBJECT':<{widths[2]}}  FIELD"]
    for row, finding in zip(rows, findings, strict=True):
        lines.append(f"  {row[0]:<{widths[0]}}  {row[1]:<{widths[1]}}  {row[2]:<{widths[2]}}  {finding.field}")
        lines.append(f"      {finding.message}")
        lines.append(f"      reason: {finding.waived}" if waived else f"      fix: {finding.fix}")
        if finding.file is not None:
            lines.append(f"      file: {shown(finding.file)}")
    return lines


def text(outcomes: list[Outcome]) -> str:
    lines: list[str] = []
    for outcome in outcomes:
        paths = ", ".join(shown(p) for p in outcome.roots)
        lines.append(f"{outcome.name} ({paths})" if outcome.name != paths else outcome.name)
        active, waived = outcome.active, outcome.waived
        if active:
            lines += _table(active, waived=False)
        else:
            lines.append("  no findings")
        if waived:
            lines.append("  waived (listed, do not fail the check):")
            lines += _table(waived, waived=True)
        lines.append(f"  {capacity_line(outcome.headroom)}")
        lines += [f"  note: {n}" for n in outcome.notes]
        lines.append(
            f"  {outcome.name}: {_counts(len(outcome.errors), len(outcome.warnings), len(waived))}"
            f" -> {'passed' if outcome.ok else 'FAILED'}"
        )
        lines.append("")
    errors = sum(len(o.errors) for o in outcomes)
    warnings = sum(len(o.warnings) for o in outcomes)
    waived_total = sum(len(o.waived) for o in outcomes)
    verdict = "passed" if errors == 0 else "FAILED"
    lines.append(f"check: {_plural(len(outcomes), 'set')}: {_counts(errors, warnings, waived_total)} -> {verdict}")
    return "\n".join(lines) + "\n"


def _finding(f: Finding) -> dict:
    data = {
        "rule": f.rule,
        "severity": f.severity.gate_label,
        "object": {"kind": f.kind, "namespace": f.namespace, "name": f.name},
        "field": f.field,
        "message": f.message,
        "fix": f.fix,
        "file": shown(f.file),
    }
    if f.waived is not None:
        data["reason"] = f.waived
    return data


def _capacity(view: Headroom) -> dict:
    report = view.report
    if report is None:
        return {"checked": False, "reason": view.reason}
    return {
        "checked": True,
        "fits": report.fits,
        "nodesLeft": report.nodes_left,
        "lostNode": view.lost_node,
        "cpu": {
            "requestedMillis": report.demand.cpu_millis,
            "allocatableMillis": report.supply.cpu_millis,
            "headroomMillis": report.headroom.cpu_millis,
        },
        "memory": {
            "requestedBytes": report.demand.memory_bytes,
            "allocatableBytes": report.supply.memory_bytes,
            "headroomBytes": report.headroom.memory_bytes,
        },
    }


def document(outcomes: list[Outcome]) -> dict:
    sets = [
        {
            "name": o.name,
            "paths": [shown(p) for p in o.roots],
            "ok": o.ok,
            "summary": {"errors": len(o.errors), "warnings": len(o.warnings), "waived": len(o.waived)},
            "findings": [_finding(f) for f in o.active],
            "waived": [_finding(f) for f in o.waived],
            "capacity": _capacity(o.headroom),
            "notes": o.notes,
        }
        for o in outcomes
    ]
    return {
        "format": FORMAT,
        "ok": all(o.ok for o in outcomes),
        "summary": {
            "sets": len(outcomes),
            "errors": sum(len(o.errors) for o in outcomes),
            "warnings": sum(len(o.warnings) for o in outcomes),
            "waived": sum(len(o.waived) for o in outcomes),
        },
        "sets": sets,
    }


def as_json(outcomes: list[Outcome]) -> str:
    return json.dumps(document(outcomes), indent=2) + "\n"


def rules_table(rules: list[Rule]) -> str:
    """The rule list for `--list-rules`: id, topic, severity, what it prevents, the fix."""
    lines = []
    for r in rules:
        severity = r.severity_note or r.severity.gate_label
        waivable = "" if r.waivable else " (not waivable)"
        lines.append(f"{r.id}  [{r.topic.value}, {severity}{waivable}]")
        lines.append(f"    prevents: {r.prevents}")
        lines.append(f"    fix: {r.fix}")
    return "\n".join(lines) + "\n"
