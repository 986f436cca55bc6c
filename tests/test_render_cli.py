"""`main.py synth`: the same bytes whichever way it runs (one process, or a worker per environment)."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

from tests import sandbox
from tests.conftest import PROJECT


def test_serial_and_parallel_write_the_same_bytes_as_committed(tmp_path: Path):
    for mode in ([], ["--serial"]):
        done = subprocess.run([sys.executable, str(PROJECT / "main.py"), "synth", "--out",
                               str(tmp_path / f"dist{''.join(mode)}"), *mode], capture_output=True, text=True)
        assert done.returncode == 0, done.stderr
    assert sandbox.tree(tmp_path / "dist") == sandbox.tree(tmp_path / "dist--serial") == sandbox.tree(PROJECT / "dist")


def _node_that_leaves_a_mark(tmp_path: Path) -> tuple[dict[str, str], Path]:
    mark = tmp_path / "jsii-started"
    node = tmp_path / "node"
    node.write_text(f'#!/bin/sh\ntouch "{mark}"\nexec node "$@"\n')
    node.chmod(node.stat().st_mode | stat.S_IEXEC)
    return {**os.environ, "JSII_NODE": str(node), "JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION": "20"}, mark


def test_a_config_error_is_reported_without_starting_jsii(tmp_path: Path, config_copy: Path):
    env, mark = _node_that_leaves_a_mark(tmp_path)
    command = [sys.executable, str(PROJECT / "main.py"), "synth", "--config-dir", "config", "--out", "dist"]
    prod = config_copy / "prod.yaml"
    prod.write_text(prod.read_text().replace("replicas: 3", "replicas: -1"))
    done = subprocess.run(command, cwd=tmp_path, env=env, capture_output=True, text=True)
    assert done.returncode == 2
    assert done.stderr.endswith("1 problem(s) in config; nothing was written.\n")
    assert not mark.exists()
    prod.write_text(prod.read_text().replace("replicas: -1", "replicas: 3"))
    done = subprocess.run(command, cwd=tmp_path, env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert mark.exists()
