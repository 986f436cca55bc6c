"""A CI step that failed, as the top of the pull-request comment: what failed and where to look.

The workflow hands `main.py comment` each step's exit code and log (`--step NAME CODE LOG`); a step
that exited 0 (or did not run) adds nothing. For one that failed the comment opens with its name and
exit code, the lines of its log that say what failed (make's own error line with the recipe line of
the Makefile it names, pytest's failed tests and closing line), where the whole log is, and the log's
last lines. All of it sits outside any <details>: the comment's size budget never shortens it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from gitops.formats import markdown as md

TAIL_LINES = 30
LINE_WIDTH = 200
MAX_FAILURES = 15

_ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")
_MAKE_ERROR = re.compile(
    r"^g?make(?:\[\d+\])?: \*\*\* \[(?P<file>[^:\]]+):(?P<line>\d+): (?P<target>[^\]]+)\] Error \d+"
)
_PYTEST_FAILED = re.compile(r"^(FAILED|ERROR) \S")
_PYTEST_CLOSING = re.compile(r"^=+ .*\b(failed|errors?)\b.* in [\d.]+s.* =+$")


@dataclass(frozen=True)
class Step:
    name: str
    code: int | None  # None: the step did not run
    log: str

    @property
    def failed(self) -> bool:
        return self.code not in (None, 0)


def read(name: str, code: str, log: Path) -> Step:
    """A step as the workflow reports it: an exit code ('' when the step was skipped) and its log file."""
    try:
        text = log.read_text(errors="replace")
    except OSError:
        text = ""
    return Step(name, int(code) if code.strip() else None, text)


def _clean(log: str) -> list[str]:
    return [_ANSI.sub("", line).rstrip() for line in md.lines_of(log)]


def _recipe(file: str, line: str, root: Path) -> str | None:
    """The Makefile's line that make names in its error: the command that failed."""
    try:
        lines = (root / file).read_text().splitlines()
    except (OSError, UnicodeDecodeError):
        return None
    number = int(line)
    return lines[number - 1].strip().removesuffix("\\").strip() if 0 < number <= len(lines) else None


def causes(log: str, root: Path) -> list[str]:
    """The lines of a log that say what failed, as Markdown list items."""
    found = []
    failures = 0
    for line in _clean(log):
        make = _MAKE_ERROR.match(line)
        if make:
            recipe = _recipe(make["file"], make["line"], root)
            at = f"{make['file']}:{make['line']}"
            found.append(
                f"- {md.code(line)}" + (f": the command at {md.code(at)} is {md.code(recipe)}" if recipe else "")
            )
        elif _PYTEST_FAILED.match(line):
            failures += 1
            if failures <= MAX_FAILURES:
                found.append(f"- {md.code(line[:LINE_WIDTH])}")
        elif _PYTEST_CLOSING.match(line):
            found.append(f"- {md.code(line.strip('= '))}")
    if failures > MAX_FAILURES:
        found.append(f"- … and {failures - MAX_FAILURES} more failed test(s), in the log")
    return found


def section(step: Step, where: str, root: Path) -> list[str]:
    """The comment's lines for a failed step (none for one that passed or did not run)."""
    if not step.failed:
        return []
    lines = [f"### Failed: {md.code(step.name)} exited {step.code}", ""]
    found = causes(step.log, root)
    if found:
        lines += ["What failed:", "", *found, ""]
    lines += [f"Where to look: {where}.", ""]
    tail = [line for line in _clean(step.log) if line.strip()][-TAIL_LINES:]
    if tail:
        shown = [line if len(line) <= LINE_WIDTH else line[:LINE_WIDTH] + " …" for line in tail]
        lines += [f"The last {len(tail)} line(s) of its log:", "", *md.fence("\n".join(shown)), ""]
    else:
        lines += ["Its log is empty.", ""]
    return lines
