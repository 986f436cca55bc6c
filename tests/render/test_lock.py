"""Two synths at once: the second waits, says who holds dist/, and then writes a complete tree."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from gitops.render.lock import lock_path, locked
from tests.conftest import PROJECT


def test_the_lock_file_sits_beside_the_output(tmp_path: Path):
    assert lock_path(tmp_path / "dist") == tmp_path / ".dist.lock"
    done = subprocess.run(["git", "check-ignore", "--no-index", ".dist.lock"], cwd=PROJECT, capture_output=True)
    assert done.returncode == 0


def test_the_holder_writes_its_pid_and_clears_it_on_release(tmp_path: Path):
    with locked(tmp_path / "dist"):
        assert lock_path(tmp_path / "dist").read_text() == f"{os.getpid()}\n"
    assert lock_path(tmp_path / "dist").read_text() == ""


def test_a_second_synth_waits_for_the_first(tmp_path: Path):
    out = tmp_path / "dist"
    with locked(out):
        waiting = subprocess.Popen(
            [sys.executable, str(PROJECT / "main.py"), "synth", "--env", "staging", "--out", str(out)],
            cwd=tmp_path,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        first_line = waiting.stderr.readline()
        assert first_line == f"synth: waiting for another synth (pid {os.getpid()}) to finish writing dist/\n"
        assert not out.exists()  # nothing written while the lock is held
    _, stderr = waiting.communicate(timeout=120)
    assert (waiting.returncode, stderr) == (0, ""), stderr
    assert (out / "staging" / "apps" / "deployment-api.yaml").is_file()


def test_the_holder_may_take_its_lock_again_and_keeps_it_until_the_outer_block_ends(tmp_path: Path):
    # set-image holds the lock from reading config to the end of the synth, which takes it again.
    with locked(tmp_path / "dist"):
        with locked(tmp_path / "dist"):
            pass
        assert lock_path(tmp_path / "dist").read_text() == f"{os.getpid()}\n"
    assert lock_path(tmp_path / "dist").read_text() == ""
