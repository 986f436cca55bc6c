"""A Markdown comment shortened to fit a size budget, detail first, what the reader must see never.

Forges refuse a comment past a size (65,536 characters is the strictest common one), and the tools
of the field that hit it either cut the end off (and with it risk flags) or split the report into
many comments. Here the comment's own structure says what may go: what sits inside a <details>
section is detail; everything outside one (counts, risk flags, before-merge actions, rehearsal
verdicts and findings, a failed step's cause) is never shortened. The writers in
gitops/formats/markdown.py put text in that structure; this module does not know any report's
headings. Steps, each taken only while the comment is still over the budget, and within a step the
largest pieces first:

1. code blocks at the top of a section (a whole object's YAML) become one line saying how long they were;
2. code blocks inside a section's list items (a field's before and after values) become one line;
3. sections become one list line, their summary;
4. those lines, from the last, are left out, with one line counting them.

A note at the top says what was shortened and where the whole report is. Only if what lies outside
every section is itself over the budget: (5) tables not marked with markdown.KEEP (a summary of
workloads) lose rows from their end; (6) the long cells of tables are cut (every row of a kept table
stays, and with it each risk flag's level, object and field); and (7) what is still over is cut at
the end. The note says each.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from gitops.formats import markdown as md

DEFAULT_LIMIT = 65_536
# Room kept for the note at the top (its text is known only once the shortening is).
NOTE_ROOM = 800
MIN_ROWS = 10  # step 5: a summary table keeps at least its first rows
CELL_ROOM = 60  # step 5: a table cell outside every section keeps this many characters
WHOLE_ROOM = 500  # where the whole report is: a sentence with a link, at most this long
_COLLAPSED = "\x00"  # marks a section's line while steps 3 and 4 run; never in the output


@dataclass
class Fitted:
    text: str
    length: int  # of the comment before shortening
    left_out: dict[str, int] = field(default_factory=dict)  # what was shortened, how many of each

    @property
    def shortened(self) -> bool:
        return bool(self.left_out)


@dataclass(frozen=True)
class _Cut:
    start: int
    end: int  # exclusive
    replacement: tuple[str, ...]

    def saving(self, lines: list[str]) -> int:
        return sum(len(line) + 1 for line in lines[self.start : self.end]) - sum(
            len(line) + 1 for line in self.replacement
        )


def _size(lines: list[str]) -> int:
    return sum(len(line) + 1 for line in lines) - 1


def _apply(lines: list[str], cuts: list[_Cut]) -> list[str]:
    for cut in sorted(cuts, key=lambda c: c.start, reverse=True):
        lines[cut.start : cut.end] = cut.replacement
    return lines


def _choose(lines: list[str], cuts: list[_Cut], over: int) -> list[_Cut]:
    """The largest cuts first, until they save `over` characters (all of them if they cannot)."""
    chosen, saved = [], 0
    for cut in sorted(cuts, key=lambda c: c.saving(lines), reverse=True):
        if saved >= over:
            break
        if cut.saving(lines) > 0:
            chosen.append(cut)
            saved += cut.saving(lines)
    return chosen


def _left_out_line(fence: md.Fence) -> str:
    what = f"{len(fence.content)} line(s)" + (f" of {fence.info}" if fence.info else "")
    return " " * fence.indent + f"*({what} left out here: in the full report)*"


def _block_cuts(structure: md.Structure, nested: bool) -> list[_Cut]:
    cuts = []
    for fence in structure.fences:
        if structure.inside(fence.start) is None or (fence.indent > 0) != nested or not fence.closed:
            continue
        cuts.append(_Cut(fence.start, fence.end + 1, (_left_out_line(fence),)))
    return cuts


def _section_cuts(structure: md.Structure) -> list[_Cut]:
    cuts = []
    for section in structure.details:
        if section.depth == 0 and section.end is not None:
            line = f"{_COLLAPSED}- {md.text(section.summary) or 'section'} *(in the full report)*"
            cuts.append(_Cut(section.start, section.end + 1, (line,)))
    return cuts


def _drop_collapsed(lines: list[str], over: int) -> tuple[list[str], int]:
    """Collapsed sections' lines left out from the last one up, until `over` characters are saved."""
    marked = [i for i, line in enumerate(lines) if line.startswith(_COLLAPSED)]
    drop: set[int] = set()
    count = saved = 0
    for index in reversed(marked):
        if saved >= over + 80:  # the line that counts them costs about that much
            break
        count += 1
        drop.add(index)
        saved += len(lines[index]) + 1
        if index + 1 < len(lines) and not lines[index + 1].strip():  # the blank line after it
            drop.add(index + 1)
            saved += 1
    if not count:
        return lines, 0
    first = min(drop)
    kept = [line for i, line in enumerate(lines) if i not in drop]
    kept[first:first] = [f"- … and {count} more *(in the full report)*", ""]
    return kept, count


def _row_cuts(lines: list[str], over: int) -> tuple[list[str], int]:
    """Rows of the tables outside every section that are not marked KEEP, left out from the end of the
    largest table first (its first MIN_ROWS stay), with a last row that counts them."""
    structure = md.scan("\n".join(lines))
    tables = [t for t in structure.tables if not t.kept and structure.inside(t.start) is None]
    count = saved = 0
    cuts: list[_Cut] = []
    for table in sorted(tables, key=lambda t: _size(lines[t.start : t.end]), reverse=True):
        if saved >= over:
            break
        first = table.start + 2 + MIN_ROWS  # the first row that may go
        start = table.end
        while start > first and saved + _size(lines[start : table.end]) - 60 < over:
            start -= 1
        rows = table.end - start
        if rows < 2:
            continue
        last = f"| … and {rows} more row(s) *(in the full report)* |" + " |" * (len(table.header) - 1)
        cut = _Cut(start, table.end, (last,))
        cuts.append(cut)
        saved += cut.saving(lines)
        count += rows
    return _apply(lines, cuts), count


def _cell_cuts(lines: list[str], width: int) -> tuple[list[str], int]:
    """Cells past `width` characters in the tables outside every section, cut there (a row, and so a
    risk flag's level, object and field, stays; its longer text is in the full report)."""
    structure = md.scan("\n".join(lines))
    count = 0
    for table in structure.tables:
        if structure.inside(table.start) is not None:
            continue
        for index in range(table.start + 2, table.end):
            cells = md.split_row(lines[index])
            if all(len(cell) <= width for cell in cells):
                continue
            short = [cell if len(cell) <= width or "`" in cell else _cut_cell(cell, width) for cell in cells]
            count += short != list(cells)
            lines[index] = f"| {' | '.join(short)} |"
    return lines, count


def _cut_cell(cell: str, width: int) -> str:
    cut = cell[:width].rstrip("\\")
    return f"{cut}…"


def _cut_end(lines: list[str], target: int) -> tuple[list[str], int]:
    """Whole lines up to the budget, never ending inside a code block or a section."""
    structure = md.scan("\n".join(lines))
    unsafe: set[int] = set()
    for fence in structure.fences:
        unsafe.update(range(fence.start + 1, fence.end + 1))
    for section in structure.details:
        unsafe.update(range(section.start + 1, (section.end if section.end is not None else len(lines)) + 1))
    size, end = 0, 0
    for index, line in enumerate(lines):
        size += len(line) + 1
        if size > target:
            break
        if index not in unsafe:
            end = index + 1
    return [*lines[:end], "", f"*({len(lines) - end} more line(s) cut here: in the full report)*"], len(lines) - end


def _note(fitted: Fitted, limit: int, whole: str) -> str:
    names = {
        "blocks": "whole-object block(s)",
        "values": "field value(s)",
        "sections": "section(s) collapsed to their summary",
        "dropped": "section(s) left out",
        "rows": "row(s) of summary tables",
        "cells": "table row(s) with their longest text cut",
        "cut": "line(s) cut at the end, past what the budget holds",
    }
    parts = [f"{count} {names[key]}" for key, count in fitted.left_out.items()]
    return (
        f"> **Shortened to fit {limit:,} characters** (the whole comment has {fitted.length:,}): "
        f"{', '.join(parts)}. The whole report: {whole}"
    )


def fit(markdown: str, limit: int = DEFAULT_LIMIT, whole: str = "the job log of this check") -> Fitted:
    """markdown within `limit` characters; `whole` (Markdown) says where the unshortened report is."""
    fitted = Fitted(markdown, len(markdown))
    if len(markdown) <= limit:
        return fitted
    whole = whole[:WHOLE_ROOM]
    target = max(0, limit - NOTE_ROOM - len(whole))
    lines = md.lines_of(markdown)
    for key, cuts_of in (
        ("blocks", lambda s: _block_cuts(s, nested=False)),
        ("values", lambda s: _block_cuts(s, nested=True)),
        ("sections", _section_cuts),
    ):
        over = _size(lines) - target
        if over <= 0:
            break
        chosen = _choose(lines, cuts_of(md.scan("\n".join(lines))), over)
        if chosen:
            lines = _apply(lines, chosen)
            fitted.left_out[key] = len(chosen)
    if _size(lines) > target:
        lines, dropped = _drop_collapsed(lines, _size(lines) - target)
        if dropped:
            fitted.left_out["dropped"] = dropped
    if _size(lines) > target:
        lines, rows = _row_cuts(lines, _size(lines) - target)
        if rows:
            fitted.left_out["rows"] = rows
    if _size(lines) > target:
        lines, cells = _cell_cuts(lines, CELL_ROOM)
        if cells:
            fitted.left_out["cells"] = cells
    if _size(lines) > target:
        lines, cut = _cut_end(lines, target)
        fitted.left_out["cut"] = cut
    lines = [line.removeprefix(_COLLAPSED) for line in lines]
    head = 0
    while head < len(lines) and lines[head].startswith("<!--") and lines[head].rstrip().endswith("-->"):
        head += 1
    lines[head:head] = [_note(fitted, limit, whole), ""]
    fitted.text = "\n".join(lines)
    return fitted
