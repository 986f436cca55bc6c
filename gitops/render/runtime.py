"""jsii's Node.js runtime: charts/ starts it on first use; this module ends it when a Ctrl-C cut its run short.

On a normal exit jsii's own exit handler stops Node.js and removes the temporary directory it
unpacked its runtime into. After a Ctrl-C that handler cannot be trusted: the same SIGINT reached
Node.js (it is in the terminal's process group), so the handler writes to a closed pipe, fails
half-way and leaves the directory behind. stop_after_interrupt() does the same work without
failing half-way. jsii offers no public way to reach its process; the one attribute read here is
named where it is read.
"""

from __future__ import annotations

import contextlib
import inspect
import os
import subprocess
import sys


def stop_after_interrupt() -> None:
    """Stop jsii's Node.js process, if one started, and remove its temporary directory; say nothing."""
    providers = sys.modules.get("jsii._kernel.providers.process")
    if providers is None:
        return
    # ProcessProvider._process is jsii's memoized_property: the started process sits in a list its getter
    # closes over (jsii/_utils.py), empty until the first call starts Node.js.
    started = inspect.getclosurevars(providers.ProcessProvider._process.fget).nonlocals.get("stored") or []
    if not started:
        return
    node = started[0]
    # Node.js's last words (a closed pipe, a signal) go to our stderr through jsii's relay thread.
    quiet = os.open(os.devnull, os.O_WRONLY)
    os.dup2(quiet, 2)
    os.close(quiet)
    try:
        node.stop()
    except (OSError, ValueError):
        process = node._process  # the subprocess.Popen of Node.js
        with contextlib.suppress(OSError):
            process.kill()
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(timeout=5)
        node._ctx_stack.close()  # removes the unpacked runtime's temporary directory
