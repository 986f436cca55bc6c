"""What the machine does not give a command: one sentence naming what is missing and the fix, exit 2, dist/ untouched.

Read-only or missing caches, a TMPDIR that does not exist, Node.js missing from PATH, a working directory deleted
under the command, a full disk: each once printed a Python or Node.js stack.
"""

from __future__ import annotations

import errno
import io
import os
import subprocess
import sys
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

import pytest

import main
from gitops.render import output
from gitops.render.synth import synth
from tests.conftest import PROJECT
from tests.dist_copies import tree

CACHE_FIX = (
    "  fix: make that directory (HOME) writable, set JSII_RUNTIME_PACKAGE_CACHE_ROOT to a writable directory, or "
    "set JSII_RUNTIME_PACKAGE_CACHE=disabled.\n"
)


def _environment(tmp_path: Path, **changes: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("JSII_RUNTIME_PACKAGE_CACHE") and k != "JSII_NODE"}
    return {**env, "JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION": "20", **changes}


@pytest.mark.parametrize(
    "what, changes, message",
    [
        (
            "a HOME its cache cannot be made in",
            {"HOME": "{file}"},
            "synth: jsii cannot use its package cache {file}/.cache/aws/jsii/package-cache (Not a directory); nothing "
            "was written.\n" + CACHE_FIX,
        ),
        (
            "a package cache that cannot be written",
            {"JSII_RUNTIME_PACKAGE_CACHE_ROOT": "{file}/cache"},
            "synth: jsii cannot use its package cache {file}/cache (Not a directory); nothing was written.\n"
            + CACHE_FIX,
        ),
        (
            "a TMPDIR that does not exist",
            {"TMPDIR": "{missing}"},
            "synth: TMPDIR={missing} does not exist, and jsii keeps its working files there; nothing was written.\n"
            "  fix: create it (mkdir -p {missing}) or unset TMPDIR.\n",
        ),
        (
            "Node.js missing from PATH",
            {"PATH": "{empty}"},
            "synth: Node.js (node) is not on PATH, and charts/ runs in it through jsii; nothing was written.\n"
            "  fix: install Node.js 20 and put it on PATH, or set JSII_NODE to its path.\n",
        ),
    ],
)
def test_what_jsii_needs_is_named_with_the_fix(tmp_path: Path, what: str, changes: dict, message: str):
    places = {"file": tmp_path / "a-file", "missing": tmp_path / "missing", "empty": tmp_path / "empty"}
    places["file"].write_text("not a directory\n")
    places["empty"].mkdir()
    env = _environment(tmp_path, **{k: v.format(**places) for k, v in changes.items()})
    out = tmp_path / "dist"
    done = subprocess.run(
        [sys.executable, str(PROJECT / "main.py"), "synth", "--out", str(out)],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
    )
    assert (done.returncode, done.stdout) == (2, ""), what
    assert done.stderr == message.format(**places)
    assert not out.exists()


@pytest.mark.parametrize("command", [["check"], ["synth", "--out", "dist"], ["diff", "--from", "a", "--to", "b"]])
def test_a_working_directory_deleted_under_the_command(tmp_path: Path, command: list[str]):
    gone = tmp_path / "gone"
    gone.mkdir()
    script = f'cd "{gone}" && rmdir "{gone}" && exec "{sys.executable}" "{PROJECT / "main.py"}" "$@"'
    done = subprocess.run(["sh", "-c", script, "sh", *command], capture_output=True, text=True)
    assert (done.returncode, done.stdout) == (2, "")
    untouched = {"check": "checked", "synth": "written", "diff": "compared"}[command[0]]
    assert done.stderr == (
        f"{command[0]}: the working directory no longer exists (it was deleted or moved away); nothing was "
        f"{untouched}.\n  fix: cd to a directory that exists and run the command again.\n"
    )


def test_a_full_disk_during_synth_leaves_dist_as_it_was(tmp_path: Path, config_copy: Path, monkeypatch):
    out = tmp_path / "dist"
    synth(config_copy, out, write_schema=False)
    before = tree(out)

    def full(*args, **kwargs):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(output, "write_unit", full)
    stdout, stderr = io.StringIO(), io.StringIO()
    with redirect_stdout(stdout), redirect_stderr(stderr):
        code = main.main(["synth", "--config-dir", str(config_copy), "--out", str(out)])
    assert (code, stdout.getvalue()) == (2, "")
    assert stderr.getvalue() == (
        f"synth: the device of {tmp_path} is full; nothing was written.\n"
        "  fix: free some space there, or give --out another place.\n"
    )
    assert tree(out) == before
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".dist.") and p.is_dir()] == []


def test_an_os_error_anywhere_is_a_sentence_not_a_traceback(monkeypatch, capsys):
    from gitops.cli import check

    def refused(args):
        raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), "/srv/dist/prod")

    monkeypatch.setattr(check, "run", refused)
    assert main.main(["check"]) == 2
    assert capsys.readouterr().err == (
        "check: cannot write or read /srv/dist/prod: Permission denied; nothing was checked.\n"
        "  fix: run it where that directory can be written, or fix its permissions.\n"
    )
