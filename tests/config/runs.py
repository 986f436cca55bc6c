"""Synth runs on a temporary copy of config/: edit it, run main.py there, assert what was refused.

A failing synth must leave dist/ and config/ byte for byte as they were; the
`dist` fixture (conftest.py) is such a dist/ for tests to compare against.
"""

from __future__ import annotations

import contextlib
import io
import subprocess
import sys
from pathlib import Path

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
        cwd=tmp_path,
        capture_output=True,
        text=True,
    )


def snapshot(*roots: Path) -> dict[Path, bytes]:
    return {p: p.read_bytes() for root in roots for p in root.rglob("*") if p.is_file()}


def synth_here(tmp_path: Path, *args: str) -> tuple[int, str, str]:
    """main.py synth in this process, from tmp_path: (exit code, stdout, stderr).

    For config that synth refuses: it stops before any jsii runtime or worker starts, so
    running it in the test's own process is what a subprocess would do, without starting
    an interpreter for each of the many cases (synth_in keeps the whole process for the rest).
    """
    import main

    out, err = io.StringIO(), io.StringIO()
    with contextlib.chdir(tmp_path), contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main.main(["synth", "--config-dir", "config", "--out", "dist", *args])
    return code, out.getvalue(), err.getvalue()


def assert_rejected(tmp_path: Path, dist: Path, expected: str) -> None:
    before = snapshot(dist, tmp_path / "config")
    code, out, err = synth_here(tmp_path)
    assert err == expected + FOOTER
    assert code == 2
    assert out == ""
    assert snapshot(dist, tmp_path / "config") == before
