"""A YAML syntax error in plain words, at the line the operator has to change.

The parser reports where it gave up, in its own terms ("mapping values are not
allowed here", "expected <block end>, but found '<block mapping start>'"),
often a line after the mistake. Here the text around that point is read again
to name the mistake as it was made: an over-indented or half-dedented line, a
tab, a missing space after a colon, a bracket or quote never closed, a key
written twice. One problem per file: once a file cannot be parsed, nothing
after the first mistake can be trusted, so no further (cascading) fix is given.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_KEY = re.compile(r"^(\s*)(?:-\s+)?([^\s#'\"\[\]{}][^:#]*?):(\s|$)")
_GLUED = re.compile(r"^\s*(?:-\s+)?([A-Za-z_][\w.-]*):(\S.*)$")
_INNER_COLON = re.compile(r"^\s*(?:-\s+)?[^\s#'\"][^:#]*?:\s+([^'\"\[{#][^#]*?):(\s|$)")


@dataclass(frozen=True)
class Mistake:
    """What is wrong, in words, the line to change (1-based) and how to change it."""

    line: int
    what: str
    fix: str


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def _content(lines: list[str], index: int) -> bool:
    stripped = lines[index].strip() if 0 <= index < len(lines) else ""
    return bool(stripped) and not stripped.startswith("#")


def _previous(lines: list[str], index: int) -> int | None:
    """The nearest line above index with content (not blank, not only a comment)."""
    for above in range(index - 1, -1, -1):
        if _content(lines, above):
            return above
    return None


def _shown(line: str, width: int = 60) -> str:
    text = line.strip()
    return text if len(text) <= width else text[: width - 3] + "..."


def _tab(lines: list[str]) -> Mistake | None:
    for index, line in enumerate(lines):
        leading = line[: len(line) - len(line.lstrip(" \t"))]
        if "\t" in leading:
            return Mistake(
                index + 1,
                "the line is indented with a tab; YAML indents with spaces only",
                "replace the tab with spaces, as many as the lines around it use",
            )
    return None


def _glued(lines: list[str], index: int) -> Mistake | None:
    """A 'key:value' line (no space after the colon) at or above index: YAML reads it as text, not a key."""
    for at in (index, _previous(lines, index)):
        if at is None or not _content(lines, at):
            continue
        match = _GLUED.match(lines[at].split(" #", 1)[0])
        if match and "://" not in match.group(0) and not match.group(2).startswith(("//", ":")):
            key, value = match.group(1), match.group(2)
            return Mistake(
                at + 1,
                f"'{_shown(lines[at])}' has no space after the colon, so YAML reads it as text rather than key {key}",
                f"write it as {key}: {value}",
            )
    return None


def _mapping_values(lines: list[str], line: int) -> Mistake:
    """'mapping values are not allowed here': a key where the parser expected none."""
    index = line - 1
    glued = _glued(lines, index)
    if glued is not None:
        return glued
    current = lines[index] if 0 <= index < len(lines) else ""
    inner = _INNER_COLON.match(current.split(" #", 1)[0])
    above = _previous(lines, index)
    if above is not None and _indent(current) > _indent(lines[above]) and not inner:
        previous = lines[above]
        parent_value = previous.split(":", 1)[1].split(" #", 1)[0].strip() if ":" in previous else ""
        if parent_value:
            return Mistake(
                line,
                f"the line is indented deeper ({_indent(current)} spaces) than line {above + 1} "
                f"('{_shown(previous)}'), which already has a value, so it cannot hold keys",
                f"indent it by {_indent(previous)} spaces, like line {above + 1} (keys under "
                f"{previous.split(':', 1)[0].strip().lstrip('- ')} go on lines of their own after "
                f"'{previous.split(':', 1)[0].strip().lstrip('- ')}:' with no value)",
            )
    if inner:
        return Mistake(
            line,
            f"the value on this line holds ': ' ('{_shown(inner.group(1))}: ...'), which YAML reads as a second key",
            'put the value in quotes, e.g. key: "a: b"',
        )
    return Mistake(line, "a 'key: value' appears where YAML expects none", "check this line's indentation")


def _dedent(lines: list[str], line: int) -> Mistake:
    """A block ended where it did not expect to: a line indented between two levels."""
    index = line - 1
    current = lines[index] if 0 <= index < len(lines) else ""
    here = _indent(current)
    above = _previous(lines, index)
    levels = sorted(
        {_indent(lines[i]) for i in range(index) if _content(lines, i) and _KEY.match(lines[i])} | {0}, reverse=True
    )
    deeper = [level for level in levels if level > here]
    shallower = [level for level in levels if level < here]
    if above is not None and deeper and shallower:
        inner, outer = min(deeper), max(shallower)
        return Mistake(
            line,
            f"the line is indented by {here} spaces: less than the keys above it ({inner}) and more than "
            f"their parent ({outer}), so it belongs to neither",
            f"indent it by {inner} spaces to keep it with the keys above, or by {outer} to end their block",
        )
    return Mistake(line, "the line's indentation does not match any block above it", "indent it like its sibling keys")


def _unclosed(lines: list[str], opened: int, bracket: str) -> Mistake:
    closing = {"[": "]", "{": "}"}[bracket]
    kind = "list" if bracket == "[" else "mapping"
    return Mistake(
        opened,
        f"the {kind} opened with '{bracket}' on this line ('{_shown(lines[opened - 1])}') is never closed",
        f"close it with '{closing}' at the end of its last item",
    )


def explain(text: str, problem: str, context: str, problem_line: int, context_line: int) -> Mistake:
    """The mistake behind a parser error, from its messages and marks (1-based lines, 0 when unknown)."""
    lines = text.splitlines()
    tab = _tab(lines)
    if tab is not None and ("'\\t'" in problem or tab.line <= max(problem_line, 1)):
        return tab
    if "duplicate key" in problem:
        key = re.search(r'duplicate key "([^"]*)"', problem)
        name = key.group(1) if key else "a key"
        first = f" (first on line {context_line})" if context_line else ""
        return Mistake(
            problem_line,
            f"key {name} appears twice in the same mapping{first}; YAML keeps one and the other is lost",
            f"keep one {name}: line and delete the other",
        )
    if "mapping values are not allowed" in problem:
        return _mapping_values(lines, problem_line)
    if "flow sequence" in context or "flow mapping" in context:
        return _unclosed(lines, context_line or problem_line, "[" if "sequence" in context else "{")
    if "quoted scalar" in context:
        return Mistake(
            context_line or problem_line,
            "a quote opened on this line is never closed",
            "close the quote at the end of the value",
        )
    if "block collection" in context and "'?'" in problem:
        opened = f" that starts on line {context_line}" if context_line else ""
        return Mistake(
            problem_line,
            f"a 'key: value' line among the '- item' lines of the list{opened}",
            "write it as a list item ('- ...'), or indent it under the item it belongs to",
        )
    if "block end" in problem:
        return _dedent(lines, problem_line)
    if "could not find expected ':'" in problem:
        at = (context_line or problem_line) - 1
        glued = _glued(lines, at)
        if glued is not None:
            return glued
        return Mistake(
            at + 1,
            f"'{_shown(lines[at]) if 0 <= at < len(lines) else ''}' is neither a 'key: value' line nor part of the "
            "value above it",
            "write it as key: value (a space after the colon), or indent it under the key it belongs to",
        )
    words = problem or context or "the text is not YAML"
    return Mistake(problem_line or context_line or 1, words, "correct the YAML at this line")
