"""What a Markdown renderer made of a comment, checked against what the comment was written to show.

The written side is read with gitops/formats/markdown.py's `scan` (the author's intent: each fence's
text, each table's rows and cells, each <details> section and what it holds); the rendered side is the
HTML a renderer returned, Gitea's own (`POST /api/v1/markdown`, make e2e-gitea) or a CommonMark one
offline (make test). Any difference is a comment that reads wrong:

- a code block that is not closed where it was written, or holds other text than it was given (a
  YAML value that escaped its block); a YAML block indented as a whole;
- a table that is not a table, or whose rows have lost or gained cells;
- a <details> section that is unbalanced, or that holds other blocks than were written into it;
- an HTML element no comment of ours writes (a value read as markup).

Only the standard library: the checks run wherever the comment is made.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser

from gitops.formats.markdown import Structure, scan

# What a comment may render to: CommonMark, GFM tables, <details>, and the wrappers Gitea adds
# around code blocks (div, span for highlighting) and headings' anchors (a, svg paths).
ALLOWED_TAGS = frozenset(
    {
        *("p", "br", "hr", "em", "strong", "del", "s", "code", "pre", "a", "blockquote"),
        *("h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "li", "input"),
        *("table", "thead", "tbody", "tr", "th", "td", "details", "summary", "div", "span", "svg", "path"),
    }
)


@dataclass
class _Section:
    blocks: int = 0
    tables: int = 0


@dataclass
class Rendered:
    code_blocks: list[str] = field(default_factory=list)
    tables: list[list[int]] = field(default_factory=list)  # cells per row, header row first
    details: list[_Section] = field(default_factory=list)  # in document order
    tags: set[str] = field(default_factory=set)
    problems: list[str] = field(default_factory=list)


class _Reader(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found = Rendered()
        self._pre = 0
        self._text: list[str] = []
        self._open_details: list[_Section] = []
        self._row: list[int] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.found.tags.add(tag)
        if tag == "pre":
            if self._pre == 0:
                self._text = []
            self._pre += 1
        elif tag == "table":
            self.found.tables.append([])
            for section in self._open_details:
                section.tables += 1
        elif tag == "tr":
            self._row = [0]
        elif tag in ("td", "th") and self._row is not None:
            self._row[0] += 1
        elif tag == "details":
            section = _Section()
            self.found.details.append(section)
            self._open_details.append(section)

    def handle_endtag(self, tag: str) -> None:
        if tag == "pre" and self._pre:
            self._pre -= 1
            if self._pre == 0:
                self.found.code_blocks.append("".join(self._text))
                for section in self._open_details:
                    section.blocks += 1
        elif tag == "tr" and self._row is not None:
            if self.found.tables:
                self.found.tables[-1].append(self._row[0])
            self._row = None
        elif tag == "details":
            if self._open_details:
                self._open_details.pop()
            else:
                self.found.problems.append("rendered: </details> closes no <details>")

    def handle_data(self, data: str) -> None:
        if self._pre:
            self._text.append(data)

    def close(self) -> None:
        super().close()
        if self._open_details:
            self.found.problems.append(f"rendered: {len(self._open_details)} <details> never closed")


def read_html(rendered: str) -> Rendered:
    reader = _Reader()
    reader.feed(rendered)
    reader.close()
    return reader.found


def _same_code(written: str, shown: str) -> bool:
    # Renderers end a block's text with a newline (Gitea's highlighter sometimes adds one more).
    return written.rstrip("\n") == shown.rstrip("\n")


def _first_difference(written: str, shown: str) -> str:
    for number, (a, b) in enumerate(zip(written.split("\n"), shown.split("\n"), strict=False), 1):
        if a != b:
            return f"line {number}: written {a[:60]!r}, shown {b[:60]!r}"
    return f"written {len(written.splitlines())} line(s), shown {len(shown.splitlines())}"


def problems(markdown: str, rendered: str) -> list[str]:
    """Every way the rendered HTML differs from what the Markdown was written to show; [] when none."""
    written: Structure = scan(markdown)
    shown = read_html(rendered)
    found = [f"written: {p}" for p in written.problems] + shown.problems
    for fence in written.fences:
        body = [line for line in fence.content if line.strip()]
        if fence.info == "yaml" and body and all(line.startswith((" ", "\t")) for line in body):
            found.append(f"written: line {fence.start + 1}: a YAML block indented as a whole (it shows shifted right)")
    fences = [(f, "\n".join(f.content)) for f in written.fences]
    if len(fences) != len(shown.code_blocks):
        found.append(f"{len(fences)} code block(s) written, {len(shown.code_blocks)} rendered")
    for (fence, text), block in zip(fences, shown.code_blocks, strict=False):
        if not _same_code(text, block):
            found.append(
                f"the code block written at line {fence.start + 1} renders with other text "
                f"({_first_difference(text, block)})"
            )
            break  # the rest are shifted by it
    if len(written.tables) != len(shown.tables):
        found.append(f"{len(written.tables)} table(s) written, {len(shown.tables)} rendered")
    for table, rows in zip(written.tables, shown.tables, strict=False):
        expected = [len(table.header)] * (1 + len(table.rows))
        if rows != expected:
            found.append(
                f"the table written at line {table.start + 1} renders as {len(rows)} row(s) of {sorted(set(rows))} "
                f"cell(s), written {len(expected)} row(s) of {len(table.header)}"
            )
    if len(written.details) != len(shown.details):
        found.append(f"{len(written.details)} <details> written, {len(shown.details)} rendered")
    else:
        for section, rendered_section in zip(written.details, shown.details, strict=True):
            end = section.end if section.end is not None else len(written.lines)
            blocks = sum(1 for f in written.fences if section.start < f.start < end)
            tables = sum(1 for t in written.tables if section.start < t.start < end)
            if (blocks, tables) != (rendered_section.blocks, rendered_section.tables):
                found.append(
                    f"the <details> written at line {section.start + 1} ({section.summary[:60]!r}) holds "
                    f"{rendered_section.blocks} code block(s) and {rendered_section.tables} table(s) when rendered, "
                    f"{blocks} and {tables} written"
                )
    unexpected = sorted(shown.tags - ALLOWED_TAGS)
    if unexpected:
        found.append(f"rendered HTML elements no comment writes (text read as markup?): {unexpected}")
    return found
