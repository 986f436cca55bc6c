"""A synth worker: one process, one jsii runtime, rendering environments on request until its pipe closes.

Started by gitops/render/pool.py. The runtime starts with the first request
(charts.stack loads the cdk8s assemblies) and then stays warm for the next.
"""

from __future__ import annotations

import atexit
import os
import signal
import sys
import traceback
from multiprocessing.connection import Connection
from pathlib import Path

# Requests and replies, pickled by the connection.
WARM = "warm"  # ("warm",): start jsii and load the constructs now -> ("ok", None)
RENDER = "render"  # ("render", [Job], staging root) -> ("ok", [Outcome]) or ("crash", traceback text)
OK, CRASH = "ok", "crash"


class _Stop(BaseException):
    """SIGTERM from the parent. Raised in the main thread, so the render in flight unwinds before
    jsii's exit handler runs: run from inside the signal handler, that handler would re-enter the
    read on Node.js's pipe that the render was blocked in."""


def _stop(*_: object) -> None:
    # From here on the worker only tears down a runtime the same Ctrl-C has already ended (Node.js
    # is in the terminal's process group too): jsii's cleanup then trips over pipes that are closed
    # or a process it had not finished starting, and relays Node.js's own complaints about them.
    # None of that is news, and nothing this worker still has to say is wanted: the parent reports
    # the one line, so the worker's stderr goes nowhere from now on.
    quiet = os.open(os.devnull, os.O_WRONLY)
    os.dup2(quiet, 2)
    os.close(quiet)
    raise _Stop


def _handle(request: tuple) -> tuple:
    try:
        if request[0] == WARM:
            import charts.stack  # noqa: F401  (starts jsii and loads cdk8s and cdk8s-plus)

            return (OK, None)
        from gitops.render.synth import render_in_process

        _, jobs, root = request
        return (OK, render_in_process(jobs, Path(root)))
    except Exception:  # a bug in charts/ or gitops/: the parent reports it with this traceback
        return (CRASH, traceback.format_exc())


def _exit(*_: object) -> None:
    """Run this worker's atexit handlers (jsii's stops Node.js and removes its temporary files), then leave
    at once: the interpreter's own teardown of the cdk8s-plus bindings takes longer than a seed-stack synth."""
    report = sys.unraisablehook

    def quiet(info) -> None:
        # A Ctrl-C reaches Node.js too: jsii's handler then finds its pipe already closed, which
        # means the runtime it would stop is gone, not that anything went wrong.
        if not isinstance(info.exc_value, BrokenPipeError):
            report(info)

    sys.unraisablehook = quiet
    atexit._run_exitfuncs()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(0)


def serve(connection: Connection) -> None:
    """Answer requests until the parent closes its end (or sends SIGTERM)."""
    # A forked worker inherits its parent's exit handlers (temporary directories, say): they are the parent's.
    atexit._clear()
    signal.signal(signal.SIGTERM, _stop)
    # Already imported in a forked worker. A spawned one imports them while its parent checks config:
    # jsii's Python side does not start Node.js, and unpickling a job needs the config models.
    import jsii  # noqa: F401

    import gitops.render.synth  # noqa: F401

    try:
        while True:
            try:
                request = connection.recv()
            except EOFError:
                break
            connection.send(_handle(request))
    except _Stop:
        pass
    _exit()
