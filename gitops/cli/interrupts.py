"""Ctrl-C, from the first line of main.py on: remembered while importing, raised once a command runs.

Imports nothing beyond the standard library: main.py installs the handler before it imports
anything of the project.
"""

from __future__ import annotations

import contextlib
import signal
import threading
from collections.abc import Callable, Iterator
from types import FrameType
from typing import Any

# How soon a Ctrl-C that landed inside an import is delivered again.
RETRY_SECONDS = 0.05


def _importing(frame: FrameType | None) -> bool:
    """Whether the interrupted code runs inside an import (Python's import machinery is on its stack)."""
    while frame is not None:
        if frame.f_code.co_filename.startswith("<frozen importlib"):
            return True
        frame = frame.f_back
    return False


class SigintFlag:
    """Remembers that Ctrl-C was pressed. Once armed, raises KeyboardInterrupt as Python's own handler
    does; before that (main.py's imports) it only remembers, and the command stops as soon as it starts:
    a KeyboardInterrupt in the middle of an import would reach the user as a traceback. An armed flag
    does not raise inside an import either (a command's modules load late): there the exception can
    reach an extension module's initialisation, which turns it into a crash of its own (pydantic-core
    panics), so the signal is delivered again once the import is done."""

    def __init__(self) -> None:
        self.received = False
        self.armed = False

    def __call__(self, signum: int, frame: FrameType | None) -> None:
        self.received = True
        if not self.armed:
            return
        if _importing(frame):
            retry = threading.Timer(RETRY_SECONDS, self._again, (signum,))
            retry.daemon = True
            retry.start()
            return
        raise KeyboardInterrupt

    def _again(self, signum: int) -> None:
        if signal.getsignal(signum) is self:
            signal.raise_signal(signum)

    def arm(self) -> None:
        self.armed = True
        if self.received:
            raise KeyboardInterrupt


# The process's one flag: main.py installs it as the SIGINT handler, gitops/cli/app.py arms and reads it.
SIGINT_FLAG = SigintFlag()


@contextlib.contextmanager
def terminate_as_interrupt() -> Iterator[None]:
    """SIGTERM (a cancelled CI job, a `kill`) stops the block as a Ctrl-C does: one line, exit 130, cleanup run.

    Only the main thread can install a handler; elsewhere (a test's worker thread) the block runs as it is.
    """
    try:
        previous = signal.signal(signal.SIGTERM, SIGINT_FLAG)
    except ValueError:
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def quiet_interrupts(hook: Callable[[Any], None], flag: SigintFlag = SIGINT_FLAG) -> Callable[[Any], None]:
    """A Ctrl-C that lands in a callback Python cannot raise from (a weakref or import-lock callback)
    is already remembered by the flag; printing it as an "Exception ignored" traceback says nothing.
    Nor does, once Ctrl-C was pressed, the finalizer of an object it cut short half-built (jsii's
    Node.js process interrupted before it started fails in its __del__): the command's one line
    says all there is."""

    def unraisable(info: Any) -> None:
        if flag.received or (info.exc_type and issubclass(info.exc_type, KeyboardInterrupt)):
            return
        hook(info)

    return unraisable
