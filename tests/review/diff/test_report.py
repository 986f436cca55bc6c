"""The pure core end to end: two environments' worth of objects compared well under a second."""

from __future__ import annotations

import time
from pathlib import Path

from gitops.review.diff import render_md, render_text, report
from gitops.review.diff.load import Loader


def test_comparing_two_environments_takes_well_under_a_second(synthesized: Path):
    started = time.process_time()
    loader = Loader()
    prod = loader.load("prod", [synthesized / "prod"])
    result = report.build(prod, loader.load("staging", [synthesized / "staging"]))
    render_md.render(result)
    render_text.render(result)
    elapsed = time.process_time() - started
    assert result.counts.total >= 20
    assert elapsed < 1.0, f"{elapsed:.2f} s of CPU for {result.counts.total} objects"
