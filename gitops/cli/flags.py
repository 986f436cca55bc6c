"""synth runs under -O, unless debugging: jsii's generated bindings type-check every argument
of every call while __debug__ is on, a third of synth's time at 1,000 objects.

Imported by main.py before anything else, so starting again under -O costs one interpreter start.
"""

from __future__ import annotations

import os
import sys

# Set, synth runs without -O, keeping the type checks (slower, clearer errors from charts/).
DEBUG_ENV = "HONEYDUE_GITOPS_DEBUG"


def python_flags() -> list[str]:
    return [] if os.environ.get(DEBUG_ENV) else ["-O"]


def optimize() -> None:
    """Start this command again under -O; workers, forked or spawned, inherit the flag."""
    if sys.flags.optimize == 0 and python_flags():
        os.execv(sys.executable, [sys.executable, *python_flags(), *sys.argv])
