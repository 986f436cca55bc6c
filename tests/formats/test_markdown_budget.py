"""The size budget: detail shortened first, in its order, never a kept table's row, and a note saying so."""

from __future__ import annotations

from gitops.formats import markdown as md
from gitops.formats.markdown_budget import fit
from tests import commonmark


def _comment(objects: int, rows: int = 3) -> str:
    lines = [
        "<!-- marker -->",
        "### Title",
        "",
        *md.keep(md.table(["Level", "Object"], [["high", f"o{i}"] for i in range(rows)])),
    ]
    lines += [
        "",
        *md.table(["Workload", "Change"], [[f"w{i}", "replicas 1 → 2"] for i in range(rows)]),
        "",
        "#### Objects",
        "",
    ]
    for index in range(objects):
        body = [
            "- `spec.x`:",
            "  - after:",
            "",
            *md.indent(md.fence("\n".join(f"k{n}: v" for n in range(20)), "yaml"), 4),
        ]
        lines += [
            *md.details(f"~ changed: Deployment o{index}", [*body, "", *md.fence("\n".join(["a: 1"] * 40), "yaml")]),
            "",
        ]
    return "\n".join(lines)


def test_a_comment_within_the_budget_is_left_as_it_is():
    text = _comment(2)
    assert fit(text, 65_536).text == text
    assert not fit(text, 65_536).shortened


def test_whole_object_blocks_go_first_then_field_values_then_sections():
    text = _comment(60)
    assert len(text) > 30_000
    first = fit(text, len(text) - 2_000, "the artifact")
    assert list(first.left_out) == ["blocks"]
    assert first.text.split("\n")[:3] == [
        "<!-- marker -->",
        f"> **Shortened to fit {len(text) - 2_000:,} characters** (the whole comment has {len(text):,}): "
        f"{first.left_out['blocks']} whole-object block(s). The whole report: the artifact",
        "",
    ]
    assert "*(40 line(s) of yaml left out here: in the full report)*" in first.text
    second = fit(text, 15_000)
    assert list(second.left_out) == ["blocks", "values"]
    assert "    *(20 line(s) of yaml left out here: in the full report)*" in second.text
    third = fit(text, 5_000)
    assert list(third.left_out)[:3] == ["blocks", "values", "sections"]
    assert "- \\~ changed: Deployment o0 *(in the full report)*" in third.text  # its summary, escaped
    for shortened in (first, second, third):
        assert commonmark.problems(shortened.text) == []
        assert len(shortened.text) <= int(shortened.text.split("fit ")[1].split(" ")[0].replace(",", ""))


def test_a_kept_table_loses_no_row_a_summary_table_does():
    text = _comment(5, rows=400)
    fitted = fit(text, 16_000)
    assert len(fitted.text) <= 16_000
    assert all(f"| high | o{i} |" in fitted.text for i in range(400))
    assert "| w9 | replicas 1 → 2 |" in fitted.text
    assert "| w399 |" not in fitted.text
    assert "more row(s) *(in the full report)* | |" in fitted.text
    assert commonmark.problems(fitted.text) == []


def test_what_is_still_over_is_cut_at_the_end_outside_any_block_and_said():
    text = _comment(1, rows=2_000)
    fitted = fit(text, 10_000)
    assert len(fitted.text) <= 10_000
    assert "line(s) cut at the end, past what the budget holds" in fitted.text
    assert commonmark.problems(fitted.text) == []
