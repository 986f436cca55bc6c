"""Runs from elsewhere and interrupted runs: output never depends on either."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import PROJECT
from tests.dist_copies import tree


def test_output_does_not_depend_on_the_working_directory(tmp_path: Path):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    done = subprocess.run(
        [sys.executable, str(PROJECT / "main.py"), "synth", "--out", str(tmp_path / "dist")],
        cwd=elsewhere,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    assert tree(tmp_path / "dist") == tree(PROJECT / "dist")


def test_ctrl_c_prints_one_line_exits_130_and_leaves_dist_whole(tmp_path: Path):
    """SIGINT to the process group, as a terminal sends it, at points from start-up to the swap."""
    out = tmp_path / "dist"
    committed = PROJECT / "dist"  # what synth of the project's config writes (tests/render/test_output.py)
    fresh = tree(committed)
    outcomes = []
    for delay in (0.2, 0.5, 0.9):
        if out.exists():
            subprocess.run(["rm", "-rf", str(out)], check=True)
        subprocess.run(["cp", "-R", str(committed), str(out)], check=True)
        (out / "prod" / "INVENTORY.md").write_text("from before\n")
        before = tree(out)
        run = subprocess.Popen(
            [sys.executable, str(PROJECT / "main.py"), "synth", "--out", str(out)],
            cwd=tmp_path,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            start_new_session=True,
        )
        _until_started(run, delay)
        if run.poll() is None:
            os.killpg(run.pid, signal.SIGINT)
        stdout, stderr = run.communicate(timeout=120)
        outcomes.append(run.returncode)
        if run.returncode == 130:
            assert (stdout, stderr) == ("", "synth: interrupted; dist/ is as it was or fully new\n")
        else:
            assert run.returncode == 0, stderr
        assert tree(out) in (before, fresh)
    assert 130 in outcomes
    # Whatever an interrupted run left beside dist/ (its staging directory), the next run removes.
    done = subprocess.run(
        [sys.executable, str(PROJECT / "main.py"), "synth", "--out", str(out)],
        cwd=tmp_path,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".dist.") and p.is_dir()] == []


def test_a_ctrl_c_while_synth_starts_again_under_minus_o_is_not_lost(tmp_path: Path):
    """Pressed before main.py has its handler (here: pending, as the exec finds it), the run still stops."""
    press_then_start = (
        "import os, signal, sys; signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT}); "
        "os.kill(os.getpid(), signal.SIGINT); os.execv(sys.executable, [sys.executable, *sys.argv[1:]])"
    )
    done = subprocess.run(
        [sys.executable, "-c", press_then_start, str(PROJECT / "main.py"), "synth", "--out", str(tmp_path / "dist")],
        cwd=tmp_path,
        capture_output=True,
        text=True,
    )
    assert (done.returncode, done.stdout, done.stderr) == (
        130,
        "",
        "synth: interrupted; dist/ is as it was or fully new\n",
    )
    assert not (tmp_path / "dist").exists()


def test_a_ctrl_c_during_main_py_imports_stops_the_command_as_it_starts(tmp_path: Path, monkeypatch, capsys):
    import main as cli
    from gitops.cli.interrupts import SIGINT_FLAG

    monkeypatch.setattr(SIGINT_FLAG, "received", False)
    monkeypatch.setattr(SIGINT_FLAG, "armed", False)
    SIGINT_FLAG(signal.SIGINT, None)  # not armed yet: remembered, nothing raised mid-import
    assert cli.main(["synth", "--out", str(tmp_path / "dist")]) == 130
    assert capsys.readouterr().err == "synth: interrupted; dist/ is as it was or fully new\n"
    assert not (tmp_path / "dist").exists()


def test_after_ctrl_c_no_finalizer_of_what_it_cut_short_prints_a_traceback():
    from types import SimpleNamespace

    from gitops.cli.interrupts import SigintFlag, quiet_interrupts

    shown: list[type] = []
    flag = SigintFlag()
    hook = quiet_interrupts(lambda info: shown.append(info.exc_type), flag)
    hook(SimpleNamespace(exc_type=KeyboardInterrupt))
    hook(SimpleNamespace(exc_type=AttributeError))  # a real fault, before any Ctrl-C: shown
    flag(2, None)  # Ctrl-C, not yet armed: remembered
    hook(SimpleNamespace(exc_type=AttributeError))  # jsii's half-started Node.js process in its __del__
    assert shown == [AttributeError]


def test_a_ctrl_c_inside_an_import_arrives_once_the_import_is_done(tmp_path: Path, monkeypatch):
    import importlib
    import time

    from gitops.cli.interrupts import SigintFlag

    (tmp_path / "slow_to_import.py").write_text(
        "import os, signal\nos.kill(os.getpid(), signal.SIGINT)\nsum(range(3_000_000))\nDONE = True\n"
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    flag = SigintFlag()
    flag.arm()
    previous = signal.signal(signal.SIGINT, flag)
    try:
        module = importlib.import_module("slow_to_import")  # no KeyboardInterrupt half-way through
        assert module.DONE and flag.received
        with pytest.raises(KeyboardInterrupt):
            time.sleep(5)
    finally:
        signal.signal(signal.SIGINT, previous)


def _alive_in_session(session: int) -> list[str]:
    """The processes left in a session that are still running (a zombie is dead, waiting for init to reap it)."""
    listed = subprocess.run(["pgrep", "-s", str(session)], capture_output=True, text=True).stdout.split()
    alive = []
    for pid in listed:
        with contextlib.suppress(OSError):
            status = Path(f"/proc/{pid}/status").read_text()
            if "\nState:\tZ" not in status:
                alive.append(status.splitlines()[0])
    return alive


@pytest.mark.parametrize("how", ["SIGINT to the process group", "SIGTERM to main.py alone"])
def test_an_interrupted_synth_leaves_no_process_and_no_temporary_directory(tmp_path: Path, how):
    """Ctrl-C reaches jsii's Node.js too and kills it before it cleans up; SIGTERM from a CI runner or `kill`
    reaches main.py alone. Either way: one line, exit 130, dist/ whole, nothing left running or on disk."""
    out, scratch = tmp_path / "dist", tmp_path / "tmp"
    outcomes = []
    for delay in (0.3, 0.6, 0.9, 1.2):
        scratch.mkdir()
        run = subprocess.Popen(
            [sys.executable, str(PROJECT / "main.py"), "synth", "--out", str(out)],
            cwd=tmp_path,
            env={**os.environ, "TMPDIR": str(scratch)},
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            start_new_session=True,
        )
        _until_started(run, delay)
        if run.poll() is None:
            if how.startswith("SIGINT"):
                os.killpg(run.pid, signal.SIGINT)
            else:
                run.send_signal(signal.SIGTERM)
        stdout, stderr = run.communicate(timeout=120)
        outcomes.append(run.returncode)
        if run.returncode == 130:
            assert (stdout, stderr) == ("", "synth: interrupted; dist/ is as it was or fully new\n")
        else:
            assert run.returncode == 0, stderr
        assert tree(out) in ({}, tree(PROJECT / "dist"))  # what synth of the project's config writes
        for _ in range(50):  # Node.js may take a moment to go once its pipe is closed
            if not _alive_in_session(run.pid):
                break
            time.sleep(0.1)
        assert _alive_in_session(run.pid) == [], f"left running after {delay} s"
        assert list(scratch.iterdir()) == [], f"left in TMPDIR after {delay} s"
        scratch.rmdir()
    assert 130 in outcomes


def _holding_signals(run: subprocess.Popen) -> None:
    """Wait until main.py's first lines have run: they block SIGINT and SIGTERM, then handle them. A signal
    before that finds the interpreter still starting, where its default action ends it and no program of
    ours can say a word; on a loaded machine that start takes longer than the delays below. Read from
    /proc (Linux); where there is none (macOS), the delays count from the start, as a terminal's would."""
    status = Path(f"/proc/{run.pid}/status")
    for _ in range(6000):
        try:
            fields = dict(line.split(":", 1) for line in status.read_text().splitlines() if ":" in line)
        except OSError:
            return
        if fields.get("State", "").strip().startswith("Z"):
            return
        held = int(fields.get("SigBlk", "0"), 16) | int(fields.get("SigCgt", "0"), 16)
        if held >> (signal.SIGTERM - 1) & 1:
            return
        time.sleep(0.005)


def _until_started(run: subprocess.Popen, seconds: float) -> None:
    """seconds after main.py's first lines (or until the command ends)."""
    _holding_signals(run)
    with contextlib.suppress(subprocess.TimeoutExpired):
        run.wait(timeout=seconds)


@pytest.mark.parametrize("argv", [["check", "dist"], ["validate"], ["diff", "--from", "dist", "--to", "dist"]])
def test_sigterm_stops_every_command_with_one_line(tmp_path: Path, argv: list[str]):
    """Sent as the command starts (imports, reading): remembered and acted on, one line, exit 130."""
    for delay in (0.05, 0.15, 0.3):
        run = subprocess.Popen(
            [sys.executable, str(PROJECT / "main.py"), *argv],
            cwd=PROJECT,
            env={**os.environ, "TMPDIR": str(tmp_path)},
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        _until_started(run, delay)
        run.send_signal(signal.SIGTERM)
        _, stderr = run.communicate(timeout=120)
        assert run.returncode in (0, 1, 130), stderr
        if run.returncode == 130:
            assert stderr == f"{argv[0]}: interrupted\n"
            break
    else:
        pytest.fail(f"{argv[0]} finished before every SIGTERM")
    assert list(tmp_path.iterdir()) == []


def test_sigterm_stops_the_watch_with_one_line_and_nothing_left(tmp_path: Path):
    from gitops.cli.watch import WAITING
    from tests import sandbox

    work = sandbox.project(tmp_path)
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    watching = sandbox.Running(work, ["synth", "--watch"], {**sandbox.ENV, "TMPDIR": str(scratch)})
    watching.until(WAITING, 120)
    assert list(scratch.iterdir()), "jsii's and the review's temporary directories while it runs"
    watching.process.send_signal(signal.SIGTERM)
    _, stderr = watching.process.communicate(timeout=60)
    assert (watching.process.returncode, stderr) == (130, "synth: interrupted; dist/ is as it was or fully new\n")
    assert list(scratch.iterdir()) == []


def test_sigterm_stops_the_comment_while_the_forge_does_not_answer(tmp_path: Path):
    """A forge that accepts the connection and never answers: the job is cancelled, the command stops at once."""
    import socket

    body = tmp_path / "diff.md"
    body.write_text("no changes\n")
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen()
        run = subprocess.Popen(
            [sys.executable, str(PROJECT / "main.py"), "comment", "--api-url", f"http://127.0.0.1:{server.getsockname()[1]}",
             "--repo", "o/r", "--pr", "1", "--body-file", str(body)],
            env={**os.environ, "GITEA_TOKEN": "t", "TMPDIR": str(tmp_path)},
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )  # fmt: skip
        server.settimeout(60)
        connection, _ = server.accept()  # it is waiting for the answer now
        with connection:
            run.send_signal(signal.SIGTERM)
            _, stderr = run.communicate(timeout=60)
    assert (run.returncode, stderr) == (130, "comment: interrupted\n")
