"""Runs from elsewhere and interrupted runs: output never depends on either."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

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
        try:
            run.wait(timeout=delay)
        except subprocess.TimeoutExpired:
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
