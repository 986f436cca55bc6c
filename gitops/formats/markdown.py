"""Markdown that a forge renders as it was written, whatever text it carries.

A pull-request comment is CommonMark with GFM tables (Gitea and GitHub alike), and what it carries
comes from manifests and logs: YAML that spans lines, values with backticks, pipes, `<`, leading
spaces. Every piece of such text goes through one of these writers, never into an f-string as it is:

- `text`: plain text inside a line (a table cell, a list item): what would turn into markup
  (emphasis, an HTML tag or comment, a code span, a link, an entity) is escaped;
- `code`: an inline code span that holds any text (its fence is longer than any run of backticks in it);
- `cell`: a table cell of Markdown already written (a pipe would end the cell, a newline the row);
- `fence`: a fenced code block that no line of its text can close, and `indent`, which moves every
  line of it (not only the first) into a list item;
- `details`: a collapsed section; what sits inside one is detail, shortened first by the size
  budget (gitops/formats/markdown_budget.py); what sits outside is shortened only when it alone is
  over the budget, and a table marked with `keep` (risk flags, before-merge actions, a rehearsal's
  findings) loses no row even then.

`scan` reads the block structure back (fences, tables, <details>) with the same rules, for the
budget and for the check of what a renderer made of it (gitops/formats/markdown_check.py).
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

# Inline markup in plain text: backslash, code span, emphasis, strikethrough, an HTML tag, comment or
# autolink. Brackets only where they would close a link text; a pipe is `cell`'s (it ends only a cell).
_INLINE = re.compile(r"[\\`*~<]|\](?=[(\[])")
_UNDERSCORE = re.compile(r"(?<![A-Za-z0-9])_|_(?![A-Za-z0-9])")
_ENTITY = re.compile(r"&(?=#?[A-Za-z0-9]+;)")
# What starts a block when a line starts with it: a heading, a list item, a quote, a thematic break.
_BLOCK_START = re.compile(r"^(\d+(?=[.)])|)([#>+=.)-])")
_BACKTICKS = re.compile(r"`+")
_OPENING = re.compile(r"^( *)(`{3,}|~{3,})(.*)$")
_DELIMITER_ROW = re.compile(r"^ {0,3}\|?(?: *:?-+:? *\|)+ *:?-*:? *$")
_DETAILS_OPEN = re.compile(r"^ *<details(?:\s[^>]*)?>", re.IGNORECASE)
_DETAILS_CLOSE = re.compile(r"^ *</details>", re.IGNORECASE)
_SUMMARY = re.compile(r"^ *<summary>(.*)</summary> *$", re.IGNORECASE)


def lines_of(value: str) -> list[str]:
    """A text's lines as CommonMark splits them (\\n, \\r\\n or \\r; not str.splitlines' other breaks)."""
    return value.replace("\r\n", "\n").replace("\r", "\n").split("\n")


def text(value: str) -> str:
    """Plain text that renders as itself inside a line, also where a line starts with it (a list item's
    text): spaces at its ends are dropped (a renderer drops them too, or reads four as a code block)."""
    escaped = _INLINE.sub(lambda m: "\\" + m.group(0), " ".join(lines_of(value)).strip())
    escaped = _UNDERSCORE.sub(r"\\_", escaped)
    escaped = _ENTITY.sub(r"\\&", escaped)
    return _BLOCK_START.sub(lambda m: m.group(1) + "\\" + m.group(2), escaped)


def code(value: str) -> str:
    """An inline code span showing value exactly (a line break shows as a space, as in any code span)."""
    value = " ".join(lines_of(value))
    runs = {len(run) for run in _BACKTICKS.findall(value)}
    size = next(n for n in range(1, len(runs) + 2) if n not in runs)
    ticks = "`" * size
    # CommonMark strips one space from each side when both have one: a pad keeps edge backticks and spaces.
    pad = (
        size > 1
        or value.startswith("`")
        or value.endswith("`")
        or (value.startswith(" ") and value.endswith(" ") and value.strip() != "")
    )
    return f"{ticks} {value} {ticks}" if pad else f"{ticks}{value}{ticks}"


def cell(markdown: str) -> str:
    """A table cell of Markdown: a pipe would end the cell, a newline the row."""
    return markdown.replace("|", "\\|").replace("\r", "").replace("\n", "<br>")


def fence(body: str, language: str = "") -> list[str]:
    """A fenced code block of body's lines; its fence is longer than any run of backticks in body."""
    content = lines_of(body)
    longest = max((len(run) for run in _BACKTICKS.findall(body)), default=0)
    ticks = "`" * max(3, longest + 1)
    return [f"{ticks}{language}", *content, ticks]


def indent(lines: Iterable[str], width: int) -> list[str]:
    """Every line moved right by width spaces, into the list item whose text starts there."""
    pad = " " * width
    return [pad + line if line else "" for line in lines]


def details(summary: str, body: Sequence[str]) -> list[str]:
    """A collapsed section: summary is plain text; body is Markdown (blank lines around it are needed)."""
    shown = html.escape(" ".join(lines_of(summary)))
    return ["<details>", f"<summary>{shown}</summary>", "", *body, "", "</details>"]


# An HTML comment (invisible when rendered) on the line before a table: no row of it is ever left out.
KEEP = "<!-- keep: never shortened -->"


def keep(lines: Sequence[str]) -> list[str]:
    """A table (or any block) marked as one the size budget never leaves a row of."""
    return [KEEP, *lines]


def table(header: Sequence[str], rows: Iterable[Sequence[str]], align: Sequence[str] | None = None) -> list[str]:
    """A GFM table of Markdown cells (each passed through `cell`); align holds '---', '---:' or ':---'."""
    marks = align or ["---"] * len(header)
    lines = [f"| {' | '.join(cell(h) for h in header)} |", f"| {' | '.join(marks)} |"]
    lines += [f"| {' | '.join(cell(c) for c in row)} |" for row in rows]
    return lines


# ---- reading the block structure back ----


@dataclass(frozen=True)
class Fence:
    """A fenced code block: lines[start] opens it, lines[end] closes it (end == len(lines) if nothing does)."""

    start: int
    end: int
    indent: int
    info: str
    content: tuple[str, ...]
    closed: bool


@dataclass(frozen=True)
class Table:
    start: int
    end: int  # the line after its last row
    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    kept: bool = False  # marked with KEEP


@dataclass
class Details:
    start: int
    end: int | None  # the </details> line; None when it is never closed
    summary: str
    depth: int
    parent: int | None  # index into Structure.details


@dataclass
class Structure:
    lines: list[str]
    fences: list[Fence] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    details: list[Details] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    def inside(self, line: int) -> Details | None:
        """The innermost <details> that holds this line, if any."""
        found = None
        for d in self.details:
            if d.start < line and (d.end is None or line < d.end) and (found is None or d.depth > found.depth):
                found = d
        return found


def split_row(line: str) -> tuple[str, ...]:
    """A table row's cells, split as GFM does: at every pipe that no backslash stands right before."""
    row = line.strip()
    cells: list[str] = []
    current, escaped = "", False
    for char in row:
        if char == "|" and not escaped:
            cells.append(current)
            current = ""
        else:
            current += char
        escaped = char == "\\"
    cells.append(current)
    if row.startswith("|"):
        cells = cells[1:]
    if row.endswith("|") and not row.endswith("\\|"):
        cells = cells[:-1]
    return tuple(c.strip() for c in cells)


def _closes(line: str, char: str, size: int) -> bool:
    stripped = line.strip()
    return len(stripped) >= size and set(stripped) == {char}


def scan(markdown: str) -> Structure:
    """The fences, tables and <details> sections of Markdown written with this module."""
    lines = lines_of(markdown)
    found = Structure(lines)
    stack: list[int] = []
    index = 0
    while index < len(lines):
        line = lines[index]
        opening = _OPENING.match(line)
        if opening and not (opening.group(2)[0] == "`" and "`" in opening.group(3)):
            pad, ticks = len(opening.group(1)), opening.group(2)
            end = index + 1
            while end < len(lines) and not _closes(lines[end], ticks[0], len(ticks)):
                end += 1
            content = tuple(_dedent(lines[i], pad) for i in range(index + 1, min(end, len(lines))))
            closed = end < len(lines)
            if not closed:
                found.problems.append(f"line {index + 1}: the code block opened here is never closed")
            found.fences.append(Fence(index, end, pad, opening.group(3).strip(), content, closed))
            index = end + 1
            continue
        if _DETAILS_OPEN.match(line):
            summary = _SUMMARY.match(lines[index + 1]) if index + 1 < len(lines) else None
            parent = stack[-1] if stack else None
            found.details.append(
                Details(index, None, html.unescape(summary.group(1)) if summary else "", len(stack), parent)
            )
            stack.append(len(found.details) - 1)
        elif _DETAILS_CLOSE.match(line):
            if stack:
                found.details[stack.pop()].end = index
            else:
                found.problems.append(f"line {index + 1}: </details> closes no <details>")
        elif line.lstrip().startswith("|") and index + 1 < len(lines) and _DELIMITER_ROW.match(lines[index + 1]):
            header = split_row(line)
            end = index + 2
            # GFM: every following line up to a blank one is a row of the table, whatever it starts with.
            while end < len(lines) and lines[end].strip():
                end += 1
            rows = tuple(split_row(row) for row in lines[index + 2 : end])
            kept = index > 0 and lines[index - 1].strip() == KEEP
            found.tables.append(Table(index, end, header, rows, kept))
            for offset, row in enumerate(rows):
                if len(row) != len(header):
                    found.problems.append(
                        f"line {index + 3 + offset}: a table row of {len(row)} cell(s) under a header of "
                        f"{len(header)}: {lines[index + 2 + offset][:80]!r}"
                    )
            index = end
            continue
        index += 1
    for open_index in stack:
        found.problems.append(f"line {found.details[open_index].start + 1}: <details> is never closed")
    return found


def _dedent(line: str, width: int) -> str:
    """A code block's line without the fence's own indentation (at most that many spaces)."""
    spaces = len(line) - len(line.lstrip(" "))
    return line[min(spaces, width) :]
