"""One worker process per environment, each with its own jsii runtime, so environments render in parallel.

jsii runs a Python process's constructs in one Node.js process, one call at
a time: two environments in one process take the time of both. The pool
renders every job at once and waits for all of them, so the problems of
every environment are reported together; the caller (gitops/render/synth.py)
merges the outcomes and swaps the staging tree in as one step.

How a worker starts:
- fork, on Linux: the parent has already imported the config models and
  loaded the config, so the worker's only start-up cost is jsii's own. Only
  a process that has not started jsii may fork (the child would share its
  Node.js process), and the parent never does.
- spawn (a fresh interpreter), elsewhere: macOS system libraries make fork
  unsafe. These workers are started before config is read, so their
  imports overlap the parent's config check; none starts jsii before its
  first job arrives, so a config error is reported without starting it.

No worker outlives the pool: close() ends them (their pipe closes, or
SIGTERM when busy, SIGKILL after a grace period); a worker whose parent
died finds its pipe closed and exits. Workers ignore Ctrl-C: the parent
gets it and stops them.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import sys
import weakref
from multiprocessing.connection import Connection
from multiprocessing.context import BaseContext
from multiprocessing.process import BaseProcess
from pathlib import Path
from typing import TYPE_CHECKING

from gitops.errors import GeneratorError
from gitops.render import worker as protocol

if TYPE_CHECKING:  # synth imports the config models, which a spawning parent loads after starting workers
    from gitops.render.synth import Job, Outcome

GRACE_SECONDS = 5.0


class WorkerFailed(GeneratorError):
    """A worker crashed or exited while rendering: a bug in charts/ or gitops/, reported with its traceback."""

    def report(self, command: str, untouched: str) -> str:
        return f"{command}: rendering failed, nothing was {untouched}:\n{self}"


def start_method() -> str:
    # Every cdk8s import loads the constructs assembly first: its module marks a started jsii runtime.
    return "fork" if sys.platform == "linux" and "constructs" not in sys.modules else "spawn"


# The parent's ends of every worker's pipe. A forked worker closes its copies at once: holding one open,
# it would never see its own pipe close (end of input) when the parent closes it or dies.
_PARENT_ENDS: weakref.WeakSet[Connection] = weakref.WeakSet()


def _close_parent_ends() -> None:
    for connection in list(_PARENT_ENDS):
        connection.close()


os.register_at_fork(after_in_child=_close_parent_ends)


class _Worker:
    def __init__(self, context: BaseContext) -> None:
        self.connection, child_end = context.Pipe()
        _PARENT_ENDS.add(self.connection)
        self.process: BaseProcess = context.Process(target=protocol.serve, args=(child_end,), daemon=True)
        # Ignored while starting, so the worker and its Node.js process inherit it: Ctrl-C is the parent's.
        previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
        try:
            self.process.start()
        finally:
            signal.signal(signal.SIGINT, previous)
        child_end.close()
        self.busy = self.started_jsii = False

    def send(self, message: tuple) -> None:
        self.busy = self.started_jsii = True
        try:
            self.connection.send(message)
        except OSError:  # it has exited; receive() says how
            pass

    def receive(self) -> tuple:
        try:
            reply = self.connection.recv()
        except (EOFError, OSError):
            self.process.join()
            reply = (protocol.CRASH, f"the worker exited with code {self.process.exitcode}")
        self.busy = False
        return reply


def _stop(workers: list[_Worker]) -> None:
    """End workers. An idle one exits when its pipe closes, and jsii then stops Node.js and removes its
    temporary files; a busy one (interrupted) gets SIGTERM, which does the same; one that never started
    jsii has nothing to clean up and gets SIGTERM at once."""
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)  # a second Ctrl-C must not leave workers behind
    try:
        for worker in workers:
            worker.connection.close()
            if worker.busy or not worker.started_jsii:
                worker.process.terminate()
        for worker in workers:
            worker.process.join(GRACE_SECONDS)
            if worker.process.exitcode is None:
                worker.process.kill()
                worker.process.join()
    finally:
        signal.signal(signal.SIGINT, previous)


class WorkerPool:
    """Workers by environment name; use as a context manager, or call close()."""

    def __init__(self, spares: int = 0, *, once: bool = False) -> None:
        """spares: workers to start now, before the environments are known (spawned workers only: a forked
        one is best started once config is loaded). once: a single render, after which the workers start
        shutting down while the caller swaps the output in."""
        self._context = multiprocessing.get_context(start_method())
        self._workers: dict[str, _Worker] = {}
        self._spares = [_Worker(self._context) for _ in range(spares if start_method() == "spawn" else 0)]
        self._once = once

    def __enter__(self) -> WorkerPool:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _worker_for(self, name: str) -> _Worker:
        if name not in self._workers:
            if not self._spares and self._context.get_start_method() == "fork":
                import jsii  # noqa: F401  (its Python side, once for every worker; Node.js starts in each)
            self._workers[name] = self._spares.pop() if self._spares else _Worker(self._context)
        return self._workers[name]

    def _ask(self, messages: dict[str, tuple]) -> dict[str, tuple]:
        """Send each environment's worker its message, then wait for every reply (crashes raise once all are in)."""
        workers = {name: self._worker_for(name) for name in messages}
        _stop(self._spares)  # started on a guess that was too high
        self._spares = []
        for name, message in messages.items():
            workers[name].send(message)
        replies = {name: worker.receive() for name, worker in workers.items()}
        for name, reply in replies.items():
            if reply[0] == protocol.CRASH and not workers[name].process.is_alive():
                # Exited: the next job for this environment gets a new worker.
                self._workers.pop(name).connection.close()
        crashed = [f"{name}: {reply[1].rstrip()}" for name, reply in replies.items() if reply[0] == protocol.CRASH]
        if crashed:
            raise WorkerFailed("\n".join(crashed))
        return replies

    def render(self, jobs: list[Job], root: Path) -> list[Outcome]:
        """Render every job in its environment's worker, all at once; outcomes in job order."""
        replies = self._ask({job.loaded.name: (protocol.RENDER, [job], str(root)) for job in jobs})
        if self._once:
            for worker in self._workers.values():
                worker.connection.close()  # they exit while the caller swaps the output in; close() waits
        return [outcome for job in jobs for outcome in replies[job.loaded.name][1]]

    def warm(self, names: list[str]) -> None:
        """Start jsii in a worker for each environment now, so the first render does not wait for it."""
        self._ask(dict.fromkeys(names, (protocol.WARM,)))

    def restart(self) -> None:
        """Replace every worker by a fresh one on its next job (new code under charts/)."""
        self.close()

    def close(self) -> None:
        _stop([*self._workers.values(), *self._spares])
        self._workers, self._spares = {}, []
