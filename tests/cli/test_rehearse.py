"""main.py rehearse: bad input is exit 2 with one line on stderr and no traceback."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from gitops.layout import PROJECT


def _run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "main.py", "rehearse", *args], cwd=PROJECT, capture_output=True, text=True, timeout=120
    )


def test_an_unknown_environment_is_bad_input():
    done = _run("--env", "nope")
    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    assert "config/nope.yaml:0: (file): no config for environment 'nope'." in done.stderr


def test_missing_tools_say_what_to_run(tmp_path: Path):
    done = _run("--env", "prod", "--tools", str(tmp_path))
    assert done.returncode == 2
    assert done.stderr.startswith(f"rehearse: {tmp_path}: missing etcd, kube-apiserver,")
    assert done.stderr.rstrip().endswith("run `make rehearse-tools`")


def test_a_bad_base_revision_is_bad_input():
    done = _run("--base", "no-such-revision")
    assert done.returncode == 2
    assert done.stderr == f"rehearse: no-such-revision: not a commit in {PROJECT}\n"


def test_a_base_that_is_the_commit_under_test_is_a_usage_error():
    done = _run("--base", "HEAD")
    assert done.returncode == 2
    assert done.stderr == "rehearse: --base HEAD is the commit under test itself; give the revision it changes\n"


def test_an_age_key_that_is_not_a_file_is_a_usage_error(tmp_path: Path):
    done = _run("--env", "prod", "--age-key", str(tmp_path / "none.key"))
    assert done.returncode == 2
    assert done.stderr == f"rehearse: --age-key {tmp_path / 'none.key'}: no such file\n"


def test_bad_config_is_reported_once_as_every_command_reports_it():
    done = _run("--env", "nope")
    assert done.stderr.rstrip().endswith("1 problem(s) in config; nothing was rehearsed.")
