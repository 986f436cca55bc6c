"""Every process in one group that the rehearsal owns, and nothing outlives a run, even a failed one."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time

import pytest

from gitops.rehearse.procs import ComponentError
from gitops.rehearse.session import Interrupted, Session
from tests.conftest import PROJECT

SLEEP = shutil.which("sleep")


def _gone(pid: int) -> bool:
    """Exited: no such process, or a zombie that only waits for whoever adopted it to reap it."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    state = subprocess.run(["ps", "-o", "stat=", "-p", str(pid)], capture_output=True, text=True).stdout.strip()
    return not state or state.startswith("Z")


def test_processes_share_one_new_group_and_are_stopped_on_an_error():
    pids, root = [], None
    with pytest.raises(RuntimeError, match="drill failed"), Session() as session:
        root = session.root
        for name in ("a", "b"):
            pids.append(session.supervisor.start(name, [SLEEP, "300"]).pid)
        group = session.supervisor.pgid
        assert group != os.getpgid(0)
        assert {os.getpgid(pid) for pid in pids} == {group}
        raise RuntimeError("drill failed")
    assert all(_gone(pid) for pid in pids)
    assert _gone(group)
    assert not root.exists()


def test_a_component_that_exits_is_named_with_its_log_tail():
    with Session() as session:
        process = session.supervisor.start("etcd", ["sh", "-c", "echo listening failed; exit 3"])
        process.popen.wait()
        with pytest.raises(ComponentError) as raised:
            session.supervisor.check_alive()
    assert raised.value.component == "etcd"
    assert raised.value.what == "exited with code 3"
    assert raised.value.log_tail == "listening failed"


def test_sigterm_becomes_an_exception_that_runs_cleanup():
    with pytest.raises(Interrupted, match="interrupted by SIGTERM"), Session() as session:
        pid = session.supervisor.start("kwok", [SLEEP, "300"]).pid
        os.kill(os.getpid(), signal.SIGTERM)
        time.sleep(5)
    assert _gone(pid)
    assert signal.getsignal(signal.SIGTERM) is signal.SIG_DFL
    assert issubclass(Interrupted, KeyboardInterrupt)  # main.py reports it as the interruption: exit 130


def test_the_watchdog_ends_the_group_when_the_rehearsal_dies_without_cleanup(tmp_path):
    """SIGKILL the process that started the group: nothing of it runs on."""
    script = (
        "import sys, time; from gitops.rehearse.session import Session; session = Session(); "
        f"process = session.supervisor.start('etcd', [{SLEEP!r}, '300']); "
        "print(process.pid, flush=True); time.sleep(300)"
    )
    # The killed rehearsal cannot remove its temporary directory: let it make that under tmp_path.
    rehearsal = subprocess.Popen(
        [sys.executable, "-c", script],
        cwd=PROJECT,
        stdout=subprocess.PIPE,
        text=True,
        start_new_session=True,
        env={**os.environ, "TMPDIR": str(tmp_path)},
    )
    try:
        started = int(rehearsal.stdout.readline())
        rehearsal.kill()
        rehearsal.wait(timeout=10)
        deadline = time.monotonic() + 10
        while not _gone(started) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert _gone(started)
    finally:
        if rehearsal.poll() is None:
            rehearsal.kill()


def test_nothing_starts_once_the_session_is_closed():
    session = Session()
    session.close()
    with pytest.raises(ComponentError, match="kube-apiserver: not started: the rehearsal is stopping"):
        session.supervisor.start("kube-apiserver", [SLEEP, "1"])
