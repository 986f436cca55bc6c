"""A throwaway copy of the project, committed to its own git repository, for commands that write dist/ or read HEAD.

The copy is the benchmark's own (gitops/tools/bench/workloads.py), and so is the runner that reads a long-running
command's output as it comes (gitops/tools/bench/devloop.py): the tests and `make bench` drive watch the same way.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from gitops.tools.bench.devloop import Running
from gitops.tools.bench.workloads import GIT, sandbox
from tests.conftest import PROJECT

__all__ = ["ENV", "GIT", "Running", "descendants", "project", "synth", "watch"]

ENV = {**os.environ, "JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION": "20"}


def project(tmp_path: Path) -> Path:
    return sandbox(PROJECT, tmp_path, committed=True)


def synth(work: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "main.py", "synth", *args], cwd=work, capture_output=True, text=True, env=ENV
    )


def watch(work: Path) -> Running:
    """`main.py synth --watch` in work."""
    return Running(work, ["synth", "--watch"], ENV)


def descendants(running: Running) -> list[int]:
    """Its child processes (workers), theirs (Node.js), and so on."""
    found, frontier = [], [running.process.pid]
    while frontier:
        listed = subprocess.run(["pgrep", "-P", str(frontier.pop())], capture_output=True, text=True).stdout
        children = [int(pid) for pid in listed.split()]
        found += children
        frontier += children
    return found
