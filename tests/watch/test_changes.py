"""Polling for changes: files added, removed or modified; editor droppings and caches are not sources."""

from __future__ import annotations

import os
from pathlib import Path

from gitops.watch.changes import changed, snapshot


def _tree(root: Path) -> Path:
    (root / "config" / "secrets" / "prod").mkdir(parents=True)
    (root / "config" / "prod.yaml").write_text("a: 1\n")
    (root / "config" / "secrets" / "prod" / "db.yaml").write_text("kind: Secret\n")
    (root / "config" / "schema.json").write_text("{}\n")
    (root / "charts" / "__pycache__").mkdir(parents=True)
    (root / "charts" / "naming.py").write_text("x = 1\n")
    for dropping in (
        "charts/__pycache__/naming.cpython-311.pyc",
        "config/.prod.yaml.swp",
        "config/prod.yaml~",
        "config/#prod.yaml#",
        "charts/.DS_Store",
    ):
        (root / dropping).write_text("")
    (root / "main.py").write_text("")
    return root


def test_every_source_file_is_seen_and_nothing_else(tmp_path: Path):
    root = _tree(tmp_path)
    found = snapshot(
        [root / "config", root / "charts", root / "main.py", root / "missing"],
        frozenset({root / "config" / "schema.json"}),
    )
    assert sorted(str(p.relative_to(root)) for p in found) == [
        "charts/naming.py",
        "config/prod.yaml",
        "config/secrets/prod/db.yaml",
        "main.py",
    ]


def test_additions_removals_and_edits_are_changes(tmp_path: Path):
    root = _tree(tmp_path)
    roots = [root / "config", root / "charts"]
    before = snapshot(roots)
    assert changed(before, snapshot(roots)) == []
    (root / "config" / "prod.yaml").write_text("a: 22\n")
    (root / "config" / "staging.yaml").write_text("a: 1\n")
    (root / "charts" / "naming.py").unlink()
    assert changed(before, snapshot(roots)) == [
        root / "charts" / "naming.py",
        root / "config" / "prod.yaml",
        root / "config" / "staging.yaml",
    ]


def test_a_save_of_the_same_size_is_a_change(tmp_path: Path):
    root = _tree(tmp_path)
    path = root / "config" / "prod.yaml"
    before = snapshot([root / "config"])
    path.write_text("a: 2\n")
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000))
    assert changed(before, snapshot([root / "config"])) == [path]
