"""Ctrl-C, from the first line of main.py on: remembered while importing, raised once a command runs.

Imports nothing beyond the standard library: main.py installs the handler before it imports
anything of the project.
"""

from __future__ import annotations

import contextlib
import signal
from collections.abc import Callable, Iterator
from typing import Any


class SigintFlag:
    """Remembers that Ctrl-C was pressed. Once armed, raises KeyboardInterrupt as Python's own handler
    does; before that (main.py's imports) it only remembers, and the command stops as soon as it starts:
    a KeyboardInterrupt in the middle of an import would reach the user as a traceback."""

    def __init__(self) -> None:
        self.received = False
        self.armed = False

    def __call__(self, signum: int, frame: object) -> None:
        self.received = True
        if self.armed:
            raise KeyboardInterrupt

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
