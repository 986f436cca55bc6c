"""The changes `make bench` diffs with and without sources, and the targets it reports (no timing is asserted)."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from gitops.tools.bench import sources
from gitops.tools.bench.measure import Result, Sample
from gitops.tools.bench.workloads import synthetic_config
from tests.conftest import CONFIG


def test_the_seed_change_makes_five_edits_of_the_projects_config(tmp_path: Path):
    config = tmp_path / "config"
    shutil.copytree(CONFIG, config)
    assert sources.seed_change(config) == 5
    changed = [
        f for f in ("base.yaml", "prod.yaml", "staging.yaml") if (config / f).read_text() != (CONFIG / f).read_text()
    ]
    assert changed == ["base.yaml", "prod.yaml", "staging.yaml"]


def test_the_large_change_makes_exactly_the_edits_asked_for_on_distinct_lines():
    text = synthetic_config(330)
    edited = sources.synthetic_change(text, 50)
    different = [a for a, b in zip(text.splitlines(), edited.splitlines(), strict=True) if a != b]
    assert len(different) == 50
    assert {bool(re.search(r"^  svc-\d{4}: 1\.0\.|cpu: 10m", line)) for line in different} == {True}


def _result(seconds: float) -> Result:
    return Result("x", "x", [Sample(seconds, 0, 0)] * 3)


def test_targets_say_what_the_sources_add():
    rows = sources.targets(
        {
            "diff-seed": _result(1.8),
            "diff-seed-plain": _result(1.5),
            "diff-1000": _result(25.0),
            "diff-1000-plain": _result(8.0),
        }
    )
    assert rows == [
        (
            "`diff` with sources, 5 edits of the seed stack ≤ 2 s (2 cores)",
            "1.80 s; plain diff 1.50 s, sources add 0.30 s",
            True,
        ),
        (
            "`diff` with sources, 50 edits at 1,000 objects ≤ 20 s (2 cores)",
            "25.00 s; plain diff 8.00 s, sources add 17.00 s",
            False,
        ),
    ]
    assert sources.targets({})[0] == ("`diff` with sources, 5 edits of the seed stack", "not measured", None)


def test_the_new_api_build_replaces_whatever_staging_runs_now():
    text = "services:\n  api:\n    replicas: 1\nimages:\n  admin: 6f303dbbaa\n\n  api: 7a8b9c0d1e  # shipped\n"
    assert sources.new_api_build(text) == ("  api: 7a8b9c0d1e  # shipped\n", "  api: 8b9c0d1e2f\n")
