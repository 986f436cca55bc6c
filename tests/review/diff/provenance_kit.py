"""Two config trees (the base and an edited copy), the diff between their renders, and its sources."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

from gitops.render.synth import synth
from gitops.review.diff import provenance, report
from gitops.review.diff.fields import render_path
from gitops.review.diff.load import Loader
from gitops.review.diff.model import Report, Status
from tests.builds import pinned_config

ENVS = ["prod", "staging"]


def replace_in(config: Path, file: str, old: str, new: str) -> int:
    """Replace old with new in config/<file>; the 1-based line where new starts."""
    path = config / file
    text = path.read_text()
    assert old in text, f"{old!r} not in {file}"
    path.write_text(text.replace(old, new, 1))
    return text[: text.index(old)].count("\n") + 1


def append_to(config: Path, file: str, text: str) -> int:
    """Append text to config/<file>; the 1-based line where it starts."""
    path = config / file
    before = path.read_text()
    path.write_text(before + text)
    return before.count("\n") + 1


def change(tmp_path: Path, edit: Callable[[Path], object], base_dist_edit: Callable[[Path], object] | None = None):
    """(report with sources, attribution) for config/ (the base) against config/ with edit made to it."""
    base, head = tmp_path / "base" / "config", tmp_path / "head" / "config"
    shutil.copytree(pinned_config(), base)
    shutil.copytree(pinned_config(), head)
    edit(head)
    base_dist, head_dist = tmp_path / "base" / "dist", tmp_path / "head" / "dist"
    synth(base, base_dist, write_schema=False)
    synth(head, head_dist, write_schema=False)
    if base_dist_edit is not None:
        base_dist_edit(base_dist)
    loader = Loader()
    result = report.build(loader.load("base", [base_dist], base_dist), loader.load("head", [head_dist], head_dist))
    envs, notes = provenance.environments(base, head, "config", ENVS)
    result.notes += notes
    attribution = provenance.Attribution(())
    for env in envs:
        attribution.environment(env)
    attribution.attach(result)
    return result, attribution, envs


def sources(result: Report) -> dict[tuple[str, str], list[str]]:
    """(object, field path or '(object)') -> the sources named for it, as the report shows them."""
    found = {}
    for d in result.changed_diffs:
        if d.status is Status.CHANGED:
            for c in d.changes:
                found[(str(d.key), render_path(c.path))] = [str(s) for s in c.sources]
        else:
            found[(str(d.key), "(object)")] = [str(s) for s in d.sources]
    return found
