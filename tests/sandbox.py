"""A throwaway copy of the project, committed to its own git repository, for commands that write dist/ or read HEAD."""

from __future__ import annotations

import os
import queue
import shutil
import signal
import subprocess
import sys
import threading
from pathlib import Path

from tests.conftest import PROJECT

SOURCES = ("main.py", "cdk8s.yaml", "charts", "gitops", "config", "dist")
GIT = ["git", "-c", "user.name=test", "-c", "user.email=test@example.com", "-c", "commit.gpgsign=false"]


def project(tmp_path: Path) -> Path:
    work = tmp_path / "project"
    work.mkdir()
    for name in SOURCES:
        source = PROJECT / name
        if source.is_dir():
            shutil.copytree(source, work / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(source, work / name)
    (work / ".venv").symlink_to(PROJECT / ".venv")
    subprocess.run([*GIT, "init", "-q"], cwd=work, check=True)
    subprocess.run([*GIT, "add", *SOURCES], cwd=work, check=True)
    subprocess.run([*GIT, "commit", "-q", "-m", "sandbox"], cwd=work, check=True)
    return work


def tree(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def synth(work: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "main.py", "synth", *args], cwd=work, capture_output=True, text=True,
                          env={**os.environ, "JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION": "20"})


class Running:
    """A long-running command whose output lines are read as they come, as a terminal would show them."""

    def __init__(self, work: Path, *args: str) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "main.py", *args], cwd=work, text=True,
            stdout=subprocess.PIPE, stderr=subprocess.PIPE,
            env={**os.environ, "JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION": "20"},
            # Ctrl-C must reach it even when the test run itself ignores SIGINT (a background job).
            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
        )
        self._lines: queue.Queue[str | None] = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self._lines.put(line)
        self._lines.put(None)

    def until(self, marker: str, timeout: float = 60.0) -> str:
        """Output up to and including the next line that starts with marker."""
        seen = []
        while True:
            line = self._lines.get(timeout=timeout)
            assert line is not None, "exited early:\n" + "".join(seen)
            seen.append(line)
            if line.startswith(marker):
                return "".join(seen)

    def descendants(self) -> list[int]:
        """Its child processes (workers), theirs (Node.js), and so on."""
        found, frontier = [], [self.process.pid]
        while frontier:
            listed = subprocess.run(["pgrep", "-P", str(frontier.pop())], capture_output=True, text=True).stdout
            children = [int(pid) for pid in listed.split()]
            found += children
            frontier += children
        return found

    def interrupt(self) -> tuple[int, str]:
        """Ctrl-C; the exit code and everything it printed on stderr."""
        self.process.send_signal(signal.SIGINT)
        _, stderr = self.process.communicate(timeout=30)
        return self.process.returncode, stderr
