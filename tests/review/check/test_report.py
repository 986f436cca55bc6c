"""The gate's text report and rules table as a whole: what a reviewer reads in CI, pinned by snapshots."""

from __future__ import annotations

from pathlib import Path

from gitops.review.check import engine, report
from tests.dist_copies import copy_env, edit


def test_the_rules_table_as_listed(snapshot):
    assert report.rules_table(engine.rules()) == snapshot


def test_a_failing_production_set_as_text(synthesized: Path, tmp_path: Path, snapshot):
    root = copy_env(synthesized, tmp_path, name="prod-copy")
    edit(root, "Service", "api", lambda s: s["spec"]["selector"].update({"app.kubernetes.io/name": "apii"}))
    text = report.text([engine.check_paths("prod-copy", [root])])
    # The set's own path is the one part that depends on where the test runs.
    assert text.replace(str(root), "<prod-copy>") == snapshot
