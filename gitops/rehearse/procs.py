"""Every process of one rehearsal, in one new process group that the rehearsal owns.

The group's leader is watchdog.py, which ends the group if the rehearsal dies without
cleaning up. Stopping signals that group only (never a process found by name), waits, and
then kills what is left. Logs go to one file per component, for the report's log tails.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

WATCHDOG = Path(__file__).with_name("watchdog.py")
STOP_GRACE_SECONDS = 5.0


class ComponentError(Exception):
    """A component that would not start or stopped on its own: exit 2, with its log tail."""

    def __init__(self, component: str, what: str, log_tail: str = "") -> None:
        super().__init__(f"{component}: {what}")
        self.component = component
        self.what = what
        self.log_tail = log_tail


@dataclass
class Process:
    name: str
    popen: subprocess.Popen
    log: Path

    @property
    def pid(self) -> int:
        return self.popen.pid

    def running(self) -> bool:
        return self.popen.poll() is None

    def tail(self, lines: int = 20) -> str:
        return log_tail(self.log, lines)


def log_tail(path: Path, lines: int = 20) -> str:
    try:
        text = path.read_text(errors="replace")
    except OSError:
        return ""
    return "\n".join(text.splitlines()[-lines:])


class Supervisor:
    """Starts processes into one process group and stops exactly that group."""

    def __init__(self, logs: Path) -> None:
        self.logs = logs
        self.processes: dict[str, Process] = {}
        self._watchdog: subprocess.Popen | None = None
        self.stopped = False

    @property
    def pgid(self) -> int | None:
        return self._watchdog.pid if self._watchdog else None

    def _ensure_group(self) -> int:
        if self._watchdog is None:
            self._watchdog = subprocess.Popen(
                [sys.executable, str(WATCHDOG)],
                stdin=subprocess.PIPE,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                process_group=0,
            )
        return self._watchdog.pid

    def start(self, name: str, argv: list[str], env: dict[str, str] | None = None, cwd: Path | None = None) -> Process:
        if self.stopped:
            raise ComponentError(name, "not started: the rehearsal is stopping")
        group = self._ensure_group()
        log = self.logs / f"{name}.log"
        with log.open("ab") as out:
            try:
                popen = subprocess.Popen(
                    argv,
                    stdin=subprocess.DEVNULL,
                    stdout=out,
                    stderr=subprocess.STDOUT,
                    env=env,
                    cwd=cwd,
                    process_group=group,
                )
            except OSError as err:
                raise ComponentError(name, f"cannot start {argv[0]}: {err}") from None
        process = Process(name, popen, log)
        self.processes[name] = process
        return process

    def run(
        self,
        name: str,
        argv: list[str],
        env: dict[str, str] | None = None,
        input: bytes | None = None,
        timeout: float = 120,
    ) -> subprocess.CompletedProcess:
        """A short-lived command (kubectl, git) inside the same group, its output captured."""
        group = self._ensure_group()
        try:
            return subprocess.run(argv, input=input, capture_output=True, env=env, timeout=timeout, process_group=group)
        except subprocess.TimeoutExpired:
            raise ComponentError(name, f"{' '.join(argv[:3])} ... did not finish in {timeout:.0f} s") from None
        except OSError as err:
            raise ComponentError(name, f"cannot run {argv[0]}: {err}") from None

    def check_alive(self) -> None:
        """Raise for the first long-running component that has exited."""
        for process in self.processes.values():
            code = process.popen.poll()
            if code is not None:
                raise ComponentError(process.name, f"exited with code {code}", process.tail())

    def stop(self) -> None:
        """SIGTERM the group, wait, SIGKILL what is left, reap every child. Safe to call twice."""
        if self.stopped:
            return
        self.stopped = True
        if self._watchdog is None:
            return
        group = self._watchdog.pid
        _signal_group(group, signal.SIGTERM)
        deadline = time.monotonic() + STOP_GRACE_SECONDS
        for process in self.processes.values():
            _wait(process.popen, deadline)
        _signal_group(group, signal.SIGKILL)
        for process in self.processes.values():
            _wait(process.popen, time.monotonic() + 2)
        if self._watchdog.stdin:
            self._watchdog.stdin.close()
        _wait(self._watchdog, time.monotonic() + 2)


def _signal_group(group: int, sig: int) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):  # the group is gone already
        os.killpg(group, sig)


def _wait(popen: subprocess.Popen, deadline: float) -> None:
    with contextlib.suppress(subprocess.TimeoutExpired):  # the caller kills what is still running
        popen.wait(timeout=max(0.0, deadline - time.monotonic()))
