"""Synth runs on a temporary copy of config/: edit it, run main.py there, assert what was refused.

A failing synth must leave dist/ and config/ byte for byte as they were; the
`dist` fixture is such a dist/ for tests to compare against.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from gitops.layout import PROJECT

FOOTER = "1 problem(s) in config; nothing was written.\n"


def edit_config(config: Path, old: str, new: str, count: int = 1, file: str = "prod.yaml") -> int:
    """Replace old with new in config/<file>; returns the 1-based line of the first change."""
    path = config / file
    text = path.read_text()
    assert text.count(old) >= count, f"{old!r} not in {file}"
    line = text[: text.index(old)].count("\n") + 1
    path.write_text(text.replace(old, new, count))
    return line


def synth_in(tmp_path: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, str(PROJECT / "main.py"), "synth", "--config-dir", "config", "--out", "dist", *args],
        cwd=tmp_path, capture_output=True, text=True,
    )


@pytest.fixture
def dist(tmp_path: Path) -> Path:
    """An existing dist/ that a failing synth must leave exactly as it was."""
    out = tmp_path / "dist"
    (out / "prod" / "apps").mkdir(parents=True)
    (out / "prod" / "apps" / "deployment-api.yaml").write_text("kind: Deployment # before\n")
    return out


def snapshot(*roots: Path) -> dict[Path, bytes]:
    return {p: p.read_bytes() for root in roots for p in root.rglob("*") if p.is_file()}


def assert_rejected(tmp_path: Path, dist: Path, expected: str) -> None:
    before = snapshot(dist, tmp_path / "config")
    done = synth_in(tmp_path)
    assert done.stderr == expected + FOOTER
    assert done.returncode == 2
    assert done.stdout == ""
    assert snapshot(dist, tmp_path / "config") == before
