"""Matching two sides: every object lands in exactly one of added, removed, changed, unchanged."""

from __future__ import annotations

from pathlib import Path

from gitops.review.diff.compare import compare, count
from gitops.review.diff.fields import render_path
from gitops.review.diff.load import Loader
from gitops.review.diff.model import Counts, Status

CM = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: %s, namespace: ns}\ndata: {k: %s}\n---\n"


def test_each_object_gets_one_status_and_its_changes(tmp_path: Path):
    (tmp_path / "a.yaml").write_text(CM % ("kept", "1") + CM % ("edited", "1") + CM % ("dropped", "1"))
    (tmp_path / "b.yaml").write_text(CM % ("edited", "2") + CM % ("kept", "1") + CM % ("new", "1"))
    loader = Loader()
    diffs = compare(loader.load("a", [tmp_path / "a.yaml"]), loader.load("b", [tmp_path / "b.yaml"]))
    assert [(d.key.name, d.status) for d in diffs] == [
        ("dropped", Status.REMOVED),
        ("edited", Status.CHANGED),
        ("kept", Status.UNCHANGED),
        ("new", Status.ADDED),
    ]
    (edited,) = [d for d in diffs if d.key.name == "edited"]
    assert [(render_path(c.path), c.old, c.new) for c in edited.changes] == [("data.k", 1, 2)]
    assert count(diffs) == Counts(added=1, removed=1, changed=1, unchanged=1)
