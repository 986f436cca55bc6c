"""Every process in one group that the rehearsal owns, and nothing outlives a run, even a failed one."""

from __future__ import annotations

import os
import shutil
import signal
import time

import pytest

from gitops.rehearse.procs import ComponentError
from gitops.rehearse.session import Interrupted, Session

SLEEP = shutil.which("sleep")


def _gone(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    return False


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


def test_the_watchdog_ends_the_group_when_the_rehearsal_dies_without_cleanup():
    session = Session()
    process = session.supervisor.start("etcd", [SLEEP, "300"])
    watchdog = session.supervisor._watchdog
    try:
        watchdog.stdin.close()  # what the kernel does to the pipe when the rehearsal is killed
        assert process.popen.wait(timeout=10) == -signal.SIGTERM
    finally:
        session.close()


def test_nothing_starts_once_the_session_is_closed():
    session = Session()
    session.close()
    with pytest.raises(ComponentError, match="kube-apiserver: not started: the rehearsal is stopping"):
        session.supervisor.start("kube-apiserver", [SLEEP, "1"])
