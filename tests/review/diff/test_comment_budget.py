"""A change of several hundred objects makes one comment under the budget with every risk flag in it."""

from __future__ import annotations

from pathlib import Path

from gitops.forge.comment import compose
from gitops.formats import markdown as md
from gitops.formats.markdown_budget import DEFAULT_LIMIT
from gitops.review.diff import render_md
from tests import commonmark
from tests.review.diff import kit as diffkit


def test_a_300_object_change_fits_the_budget_with_every_risk_flag(tmp_path: Path):
    before, after = diffkit.synthetic_change(tmp_path, changed=200, added=50, removed=50)
    report = diffkit.compare(before, after)
    assert (report.counts.changed, report.counts.added, report.counts.removed) == (200, 50, 50)
    full = render_md.render(report)
    assert len(full) > 10 * DEFAULT_LIMIT
    rehearsal = "### Cluster rehearsal\n\n**prod** (passed): rehearsed on 3 nodes.\n"
    body = compose([full, rehearsal], whole="the artifact `review-report`")
    assert len(body) <= DEFAULT_LIMIT
    assert len(report.risks) == 250
    rows = {line for line in md.lines_of(body) if line.startswith("| **")}
    for risk in report.risks:
        field = md.cell(md.code(risk.field)) if risk.field else "(object)"
        row = f"| **{risk.severity.label}** | {md.cell(md.text(str(risk.subject)))} | {field} | "
        assert any(line.startswith(row) for line in rows), row
    assert "**prod** (passed): rehearsed on 3 nodes." in body
    assert body.split("\n")[1].startswith(f"> **Shortened to fit {DEFAULT_LIMIT:,} characters**")
    assert body.split("\n")[1].endswith("The whole report: the artifact `review-report`")
    assert commonmark.problems(body) == []
