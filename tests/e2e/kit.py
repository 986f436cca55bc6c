"""Helpers for the end-to-end rehearsal tests: a throwaway clone with a change committed, and main.py on it.

The tests here run real control planes (make rehearse builds the binaries); `make test` never
collects them: their files are not named test_*.py. Every command is the project's own main.py
(the code under test) pointed at the clone (its config, dist/ and git history).
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

from gitops.layout import PROJECT

TOOLS = PROJECT / ".tools" / "cluster"
BIN = PROJECT / ".tools" / "bin"
PYTHON = sys.executable
Edit = tuple[str, str, str]  # (repository-relative file, text that is there once, its replacement)


def git(repo: Path, *args: str) -> str:
    return subprocess.run(["git", "-C", str(repo), *args], check=True, capture_output=True, text=True).stdout


def main(*args: str, timeout: float = 900) -> subprocess.CompletedProcess:
    return subprocess.run([PYTHON, "main.py", *args], cwd=PROJECT, capture_output=True, text=True, timeout=timeout)


def clone(tmp_path: Path) -> Path:
    target = tmp_path / "clone"
    subprocess.run(["git", "clone", "--quiet", str(PROJECT), str(target)], check=True)
    return target


def commit(repo: Path, edits: list[Edit], synth: bool, before_synth: Callable[[Path], None] | None = None) -> None:
    """Apply the edits (each text must be there exactly once), synthesize if asked, commit everything."""
    for file, old, new in edits:
        path = repo / file
        text = path.read_text()
        assert text.count(old) == 1, f"{file} no longer holds {old!r} once"
        path.write_text(text.replace(old, new))
    if before_synth:
        before_synth(repo)
    if synth:
        done = main("synth", "--config-dir", str(repo / "config"), "--out", str(repo / "dist"))
        assert done.returncode == 0, done.stderr
    git(repo, "add", "-A")
    git(repo, "-c", "user.name=e2e", "-c", "user.email=e2e@localhost", "commit", "--quiet", "-m", "e2e change")


def validate(repo: Path, env: str) -> subprocess.CompletedProcess:
    return main(
        "validate", "--env", env, "--config-dir", str(repo / "config"), "--dist", str(repo / "dist"), timeout=300
    )


def check(repo: Path, env: str) -> subprocess.CompletedProcess:
    """`main.py check --env env`, as one set: the environment's dist/ and dist/clusters/ of the clone."""
    return main("check", str(repo / "dist" / env), str(repo / "dist" / "clusters" / env), timeout=300)


def rehearse(repo: Path, env: str, *args: str) -> subprocess.CompletedProcess:
    return main("rehearse", "--env", env, "--repo", str(repo), "--tools", str(TOOLS), *args)
