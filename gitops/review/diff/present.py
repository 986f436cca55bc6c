"""How values read in a report: short ones inline, long ones as YAML blocks, text as a line diff."""

from __future__ import annotations

import copy
import difflib
import json
import textwrap

from gitops.formats import yamlio
from gitops.k8s import capacity
from gitops.review.diff.model import MISSING, CapacityLine, Report, Source
from gitops.review.findings import Severity

INLINE_WIDTH = 80
ARROW = "→"


def inline(value: object) -> str:
    if value is MISSING:
        return "(absent)"
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        # Strings a YAML reader would take for another type are shown quoted, so "587" → 587 reads as a type change.
        if not value or value != value.strip() or yamlio.reads_as_non_string(value):
            return json.dumps(value, ensure_ascii=False)
        return value
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False, default=str, separators=(", ", ": "))
    return str(value)


def is_block(value: object) -> bool:
    if isinstance(value, str):
        return "\n" in value.strip()
    return isinstance(value, (dict, list)) and len(inline(value)) > INLINE_WIDTH


def block(value: object) -> str:
    """A multi-line rendering: YAML for data, the text itself for strings."""
    if isinstance(value, str):
        return value.rstrip("\n")
    # yamlio marks multi-line strings in place; the report's objects must stay as parsed. The project's
    # style indents a sequence under its key, so a list on its own starts two spaces in: shown at the margin.
    return textwrap.dedent(yamlio.dumps(copy.deepcopy(value))).rstrip("\n")


def text_diff(old: str, new: str) -> list[str]:
    lines = difflib.unified_diff(old.splitlines(), new.splitlines(), "before", "after", lineterm="", n=2)
    return [line for line in lines if not line.startswith(("---", "+++"))]


def counts_line(report: Report) -> str:
    c = report.counts
    return f"{c.added} added, {c.removed} removed, {c.changed} changed, {c.unchanged} unchanged"


def risks_line(report: Report) -> str:
    return ", ".join(f"{report.risk_count(level)} {level.label}" for level in sorted(Severity, reverse=True))


def capacity_text(line: CapacityLine) -> str:
    """The capacity line, in the words `main.py check` uses for the same figures (gitops/k8s/capacity.py)."""
    where = f" in {line.scope}" if line.scope else ""
    return f"capacity{where}: {capacity.summary(line.after, line.before)}"


def sources_text(sources: tuple[Source, ...]) -> str:
    """' (config/prod.yaml:36)', ' (config/base.yaml:97, charts/workload.py)', or '' when none is known."""
    return f" ({', '.join(str(source) for source in sources)})" if sources else ""
