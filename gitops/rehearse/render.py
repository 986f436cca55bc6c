"""The rehearsal report as text (a terminal), Markdown (the pull-request comment) or JSON (tools)."""

from __future__ import annotations

import json

from gitops.formats import markdown as md
from gitops.rehearse.findings import EnvReport, exit_code

FORMAT = "honeydue-gitops/rehearse/v1"
VERDICT = {0: "passed", 1: "failed", 2: "could not run"}
# What a delivered unit is called by its engine (config's delivery.engine): a Flux Kustomization is
# Ready, an Argo CD Application Synced and Healthy.
DELIVERED = {"flux": "Ready", "argocd": "Synced and Healthy"}


def _delivered(report: EnvReport) -> str:
    return DELIVERED.get(report.engine, "Ready")


def _s(seconds: float | None) -> str:
    return "n/a" if seconds is None else f"{seconds:.0f} s" if seconds >= 10 else f"{seconds:.1f} s"


def headline(report: EnvReport) -> str:
    """One line: what ran, how long delivery took, every drill's summary."""
    parts = []
    if report.delivery_seconds is not None:
        ready = all(t is not None for _, t in report.units)
        at = " at the head" if report.base else ""  # with --base, delivery is the move from the base
        word = _delivered(report) if ready else f"not {_delivered(report)}"
        parts.append(f"{report.engine_label or report.engine} {word}{at} in {_s(report.delivery_seconds)}")
    parts += [d.summary for d in report.drills if d.summary]
    what = ", ".join(parts) if parts else "nothing rehearsed"
    return f"rehearsed on {report.nodes or 'no nodes'}: {what}"


def _status(report: EnvReport) -> str:
    return VERDICT[exit_code([report])]


def _units(report: EnvReport) -> str:
    word = _delivered(report)
    return ", ".join(f"{name} {f'{word} in {_s(t)}' if t is not None else f'not {word}'}" for name, t in report.units)


def text(reports: list[EnvReport]) -> str:
    lines = []
    for r in reports:
        lines.append(f"{r.env}: {_status(r)}")
        if r.failure:
            lines.append(f"  could not run: {r.failure.component}: {r.failure.what}")
            lines += [f"    | {line}" for line in r.failure.log_tail.splitlines()]
        lines.append(f"  {headline(r)}")
        if r.commit:
            lines.append(f"  commit {r.commit[:12]}" + (f", base {r.base[:12]}" if r.base else ""))
        times = [f"control plane ready in {_s(r.control_plane_seconds)}"] if r.control_plane_seconds else []
        if r.wall_seconds is not None:
            times.append(f"wall {_s(r.wall_seconds)}")
        if times:
            lines.append("  " + ", ".join(times))
        if r.units:
            lines.append(f"  units: {_units(r)}")
        lines += [f"  substituted: {s}" for s in r.substitutions]
        for drill in r.drills:
            lines.append(f"  {drill.name} ({_s(drill.seconds)}): {drill.summary}")
            lines += [f"    - {fact.text}" for fact in drill.facts]
            for finding in drill.findings:
                lines.append(f"    FAIL {finding.object}: {finding.what}")
                lines += [f"      event: {event}" for event in finding.events]
                lines.append(f"      fix: {finding.fix}")
        lines += [f"  note: {note}" for note in r.notes]
    broken = sum(len(r.findings) for r in reports)
    lines.append(
        f"rehearse: {len(reports)} environment(s), {broken} broken promise(s) -> {VERDICT[exit_code(reports)]}"
    )
    return "\n".join(lines) + "\n"


def _cell(value: str) -> str:
    """Plain text in a table cell or a list item: one line, nothing in it read as markup."""
    return md.cell(md.text(" ".join(md.lines_of(value))))


def markdown(reports: list[EnvReport]) -> str:
    """The verdicts and findings in the open (the comment's size budget never shortens them); the rest of
    each environment in a collapsed <details>, which it may."""
    lines = ["### Cluster rehearsal", ""]
    for r in reports:
        lines.append(f"**{md.text(r.env)}** ({_status(r)}): {md.text(headline(r))}.")
        if r.failure:
            lines += [
                "",
                f"Could not run: {md.code(r.failure.component)}: {_cell(r.failure.what)}",
                "",
                *md.fence("\n".join(md.lines_of(r.failure.log_tail)[-10:])),
            ]
        findings = r.findings
        if findings:
            lines += ["", md.KEEP, "| Drill | Object | What happened | Fix |", "| --- | --- | --- | --- |"]
            lines += [f"| {_cell(f.drill)} | {_cell(f.object)} | {_cell(f.what)} | {_cell(f.fix)} |" for f in findings]
        facts = [fact for d in r.drills for fact in d.facts]
        details = []
        if r.units:
            details.append(f"- units: {_units(r)}")
        details += [f"- substituted: {_cell(s)}" for s in r.substitutions]
        details += [f"- {fact.drill}: {_cell(fact.text)}" for fact in facts]
        details += [f"- note: {_cell(n)}" for n in r.notes]
        if details:
            lines += ["", *md.details(f"{r.env}: details", details)]
        lines.append("")
    return "\n".join(lines)


def as_json(reports: list[EnvReport]) -> str:
    def env(r: EnvReport) -> dict:
        return {
            "env": r.env,
            "engine": r.engine,
            "ok": r.ok,
            "commit": r.commit,
            "base": r.base,
            "nodes": r.nodes,
            "headline": headline(r),
            "versions": r.versions,
            "seconds": {
                "controlPlane": r.control_plane_seconds,
                "delivery": r.delivery_seconds,
                "wall": r.wall_seconds,
            },
            "units": [{"name": n, "readySeconds": t} for n, t in r.units],
            "substitutions": r.substitutions,
            "drills": [
                {
                    "name": d.name,
                    "seconds": d.seconds,
                    "summary": d.summary,
                    "facts": [f.text for f in d.facts],
                    "findings": [
                        {"object": f.object, "what": f.what, "fix": f.fix, "events": list(f.events)} for f in d.findings
                    ],
                }
                for d in r.drills
            ],
            "notes": r.notes,
            "failure": None
            if r.failure is None
            else {"component": r.failure.component, "what": r.failure.what, "logTail": r.failure.log_tail},
        }

    code = exit_code(reports)
    return (
        json.dumps(
            {"format": FORMAT, "ok": code == 0, "exitCode": code, "environments": [env(r) for r in reports]}, indent=2
        )
        + "\n"
    )
