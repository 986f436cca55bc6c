"""Markdown writers that render as written whatever the text holds, and the structure read back."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from gitops.formats import markdown as md
from tests import commonmark

# Text a manifest or a log can hold: what Markdown and HTML give meaning to, spaces, tabs, line ends.
NASTY = st.lists(
    st.sampled_from([*"ab `|<>&*_~[]()!#-+\\:\t\r\n\u2028", "```", "</details>", "<!--", "    "]), max_size=20
).map("".join)


def test_code_spans_hold_backticks_and_edge_spaces():
    assert md.code("plain") == "`plain`"
    assert md.code("x`y") == "`` x`y ``"
    assert md.code("a``b`c") == "``` a``b`c ```"
    assert md.code("`edge") == "`` `edge ``"
    assert md.code(" both ") == "`  both  `"
    assert md.code(" left") == "` left`"


def test_fences_are_longer_than_any_run_of_backticks_and_indent_moves_every_line():
    assert md.fence("a\nb", "yaml") == ["```yaml", "a", "b", "```"]
    assert md.fence("````\nx")[0] == "`````"
    assert md.indent(["```yaml", "a:", "  b: 1", "", "```"], 4) == [
        "    ```yaml",
        "    a:",
        "      b: 1",
        "",
        "    ```",
    ]


def test_text_escapes_only_what_would_become_markup():
    assert md.text("SMTP_HOST and [prod] Deployment a/b (v1): 2 → 3") == (
        "SMTP_HOST and [prod] Deployment a/b (v1): 2 → 3"
    )
    assert md.text("<!-- *x* _y_ `z` [l](u) &amp; ~~s~~ \\") == (
        "\\<!-- \\*x\\* \\_y\\_ \\`z\\` [l\\](u) \\&amp; \\~\\~s\\~\\~ \\\\"
    )


def test_scan_reads_fences_tables_and_details_back():
    lines = [
        "| a | b |",
        "| --- | --- |",
        "| 1 | x\\|y |",
        "",
        *md.details("s <1>", ["- item:", "", *md.indent(md.fence("k: v\n  w: 1", "yaml"), 2)]),
    ]
    found = md.scan("\n".join(lines))
    assert found.problems == []
    assert [t.rows for t in found.tables] == [(("1", "x\\|y"),)]
    (fence,) = found.fences
    assert (fence.indent, fence.info, fence.content, fence.closed) == (2, "yaml", ("k: v", "  w: 1"), True)
    (section,) = found.details
    assert (section.summary, section.start, section.end) == ("s <1>", 4, len(lines) - 1)


def test_scan_names_what_is_broken():
    found = md.scan("<details>\n\n```\nopen\n")
    assert found.problems == [
        "line 3: the code block opened here is never closed",
        "line 1: <details> is never closed",
    ]
    table = md.scan("| a | b |\n| --- | --- |\n| 1 | 2 | 3 |\nafter the table\n")
    assert table.problems == [
        "line 3: a table row of 3 cell(s) under a header of 2: '| 1 | 2 | 3 |'",
        "line 4: a table row of 1 cell(s) under a header of 2: 'after the table'",
    ]


@given(NASTY, NASTY)
def test_any_text_renders_as_written_in_cells_code_and_blocks(value: str, other: str):
    lines = [
        "| text | code |",
        "| --- | --- |",
        f"| {md.cell(md.text(value))} | {md.cell(md.code(other))} |",
        "",
        *md.details(value, ["- value:", "", *md.indent(md.fence(other, "text"), 2), f"- {md.text(value)}"]),
        "",
        *md.fence(value),
    ]
    assert commonmark.problems("\n".join(lines)) == []
