"""One rehearsal's lifetime: a temporary directory, ports, processes, and their guaranteed end.

Cleanup runs on normal exit, on any exception, on Ctrl-C (KeyboardInterrupt) and on SIGTERM (the
handler raises Interrupted, a KeyboardInterrupt, so that the same finally block runs and main.py
reports it as the interruption it is), and from atexit should the interpreter exit some other way.
A second Ctrl-C while cleaning up is ignored: cleanup always finishes. The watchdog that leads the
process group covers a SIGKILL.
"""

from __future__ import annotations

import atexit
import contextlib
import shutil
import signal
import tempfile
from collections.abc import Callable
from pathlib import Path
from types import FrameType
from typing import Any

from gitops.rehearse.ports import Ports
from gitops.rehearse.procs import Supervisor

# What signal.signal takes and returns: a function, SIG_DFL or SIG_IGN, or None (a handler set outside Python).
Handler = Callable[[int, FrameType | None], Any] | int | signal.Handlers | None


class Interrupted(KeyboardInterrupt):
    """SIGTERM, handled like Ctrl-C."""

    def __init__(self, signum: int) -> None:
        super().__init__(f"interrupted by {signal.Signals(signum).name}")
        self.signum = signum


class Session:
    def __init__(self, prefix: str = "honeydue-rehearse-") -> None:
        self.root = Path(tempfile.mkdtemp(prefix=prefix))
        self.logs = self.root / "logs"
        self.logs.mkdir()
        self.ports = Ports()
        self.supervisor = Supervisor(self.logs)
        self._cleanups: list[Callable[[], None]] = []
        self._previous: dict[int, Handler] = {}
        self.closed = False

    def on_close(self, cleanup: Callable[[], None]) -> None:
        """Run cleanup (a server thread's shutdown, say) when the session closes, last added first."""
        self._cleanups.append(cleanup)

    def __enter__(self) -> Session:
        with contextlib.suppress(ValueError):  # not the main thread: the caller owns signal handling
            self._previous[signal.SIGTERM] = signal.signal(signal.SIGTERM, _raise_interrupted)
        atexit.register(self.close)
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        if self.closed:
            return
        self.closed = True
        ignored = _ignore_signals()
        try:
            for cleanup in reversed(self._cleanups):
                with contextlib.suppress(Exception):  # every cleanup must get its turn
                    cleanup()
            self.supervisor.stop()
        finally:
            shutil.rmtree(self.root, ignore_errors=True)
            for signum, previous in {**ignored, **self._previous}.items():
                signal.signal(signum, previous)
            atexit.unregister(self.close)


def _ignore_signals() -> dict[int, Handler]:
    """Ignore Ctrl-C and SIGTERM while cleaning up; returns the handlers to put back."""
    previous: dict[int, Handler] = {}
    for signum in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(ValueError):  # not the main thread
            previous[signum] = signal.signal(signum, signal.SIG_IGN)
    return previous


def _raise_interrupted(signum: int, _frame: object) -> None:
    raise Interrupted(signum)
