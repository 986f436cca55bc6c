"""jsii's Node.js runtime: started here, after checking what it needs; stopped here, whatever way the command ends.

charts/ runs in Node.js through jsii, which would start it on the first import of cdk8s and wait for it to
boot, then for each assembly to load. Here Node.js is started and asked for the assemblies without waiting
(synth does it before it imports and loads the config: spawn()), so that it works on another core while
Python imports and loads config/ and cdk8s's Python side; the first call charts/ makes reads its answers.

What it needs from the machine is checked first, so a missing piece is one sentence naming it and the fix
(EnvironmentProblem, exit 2) rather than a Python or Node.js stack:

- Node.js on PATH (or where JSII_NODE points);
- a writable temporary directory: Node.js makes its working directories (jsii-kernel-*) in TMPDIR;
- jsii's package cache (~/.cache/aws/jsii/package-cache, or JSII_RUNTIME_PACKAGE_CACHE_ROOT), unless
  JSII_RUNTIME_PACKAGE_CACHE=disabled.

Both temporary directories (the runtime jsii unpacks on the Python side, Node.js's own) are put in one
directory of ours, which stop() removes with everything in it. jsii's own exit handler cannot be trusted
with that: it runs at interpreter exit, after an interrupt may have cut the pipe to Node.js, and fails
half-way; a Node.js killed by a signal never removes its jsii-kernel-* directory. Node.js runs in a process
group of its own, so a Ctrl-C at the terminal reaches only Python, which stops it. main.py calls stop() on
every way out (gitops/cli/app.py run_and_exit), and the watch before it starts again with new code. jsii
offers no public way to reach its process or to start it without waiting; each of its internals used here
is named where it is used.
"""

from __future__ import annotations

import atexit
import contextlib
import importlib.util
import inspect
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from gitops.errors import EnvironmentProblem

SCRATCH_PREFIX = "honeydue-jsii-"
# The directory of ours that holds jsii's temporary files, once started, and the Node.js process jsii started:
# recorded as soon as it exists, so that stop() ends it even when an interrupt came before jsii kept it.
_scratch: list[str] = []
_children: list[subprocess.Popen[bytes]] = []
# Node.js started, whose hello is not read yet (_AnswersFirst reads it).
_unanswered: list[Any] = []
# The Python packages of the jsii assemblies charts/ uses, dependencies first (the order their imports load them).
ASSEMBLY_PACKAGES = ("constructs", "cdk8s", "cdk8s_plus_28")


@contextlib.contextmanager
def _deferred_signals() -> Iterator[None]:
    """Run the block whole: a Ctrl-C or SIGTERM that arrives during it is delivered right after it."""
    held = {signal.SIGINT, signal.SIGTERM}
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, held)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


def _recording(popen: Callable[..., subprocess.Popen[bytes]]) -> Callable[..., subprocess.Popen[bytes]]:
    def start(*args: Any, **kwargs: Any) -> subprocess.Popen[bytes]:
        # A process group of its own: a Ctrl-C at the terminal (SIGINT to the foreground group) reaches only
        # Python, which stops Node.js with its output silenced (stop(quiet=True)); Node.js killed by the same
        # signal would have its jsii wrapper print the broken channel to our stderr first. Node.js still ends
        # with us: jsii's runtime exits when its stdin, our pipe, closes.
        kwargs.setdefault("process_group", 0)
        with _deferred_signals():
            child = popen(*args, **kwargs)
            _children.append(child)
        return child

    return start


def _cache_root() -> Path | None:
    """Where jsii's Node.js side keeps its package cache (its defaultCacheRoot, Linux and macOS), or None when off."""
    if os.environ.get("JSII_RUNTIME_PACKAGE_CACHE", "enabled").lower() == "disabled":
        return None
    if os.environ.get("JSII_RUNTIME_PACKAGE_CACHE_ROOT"):
        return Path(os.environ["JSII_RUNTIME_PACKAGE_CACHE_ROOT"])
    home = os.environ.get("HOME") or str(Path("~").expanduser())
    if not Path(home).is_absolute():
        return None  # jsii keeps it in the temporary directory then, which is ours
    if sys.platform == "darwin":
        return Path(home, "Library", "Caches", "com.amazonaws.jsii", "package-cache")
    return Path(home, ".cache", "aws", "jsii", "package-cache")


def _writable(directory: Path) -> str | None:
    """Why directory cannot take a file (created when missing), or None when it can."""
    try:
        directory.mkdir(parents=True, exist_ok=True)
        handle, probe = tempfile.mkstemp(dir=directory, prefix=".honeydue-probe-")
        os.close(handle)
        Path(probe).unlink()
    except OSError as err:
        return err.strerror or str(err)
    return None


def preflight() -> None:
    """EnvironmentProblem naming what jsii needs and does not have, before it starts."""
    node = os.environ.get("JSII_NODE", "node")
    if shutil.which(node) is None:
        raise EnvironmentProblem(
            f"Node.js ({node}) is not on PATH, and charts/ runs in it through jsii",
            "install Node.js 20 and put it on PATH, or set JSII_NODE to its path",
        )
    tmpdir = os.environ.get("TMPDIR")
    if tmpdir and not Path(tmpdir).is_dir():
        raise EnvironmentProblem(
            f"TMPDIR={tmpdir} does not exist, and jsii keeps its working files there",
            f"create it (mkdir -p {tmpdir}) or unset TMPDIR",
        )
    try:
        tempfile.gettempdir()
    except FileNotFoundError:
        raise EnvironmentProblem(
            "no writable temporary directory (TMPDIR, /tmp, /var/tmp, /usr/tmp, the working directory)",
            "point TMPDIR at a writable directory",
        ) from None
    cache = _cache_root()
    if cache is not None:
        why = _writable(cache)
        if why:
            raise EnvironmentProblem(
                f"jsii cannot use its package cache {cache} ({why})",
                "make that directory (HOME) writable, set JSII_RUNTIME_PACKAGE_CACHE_ROOT to a writable directory, "
                "or set JSII_RUNTIME_PACKAGE_CACHE=disabled",
            )


@contextlib.contextmanager
def _in_scratch() -> Iterator[None]:
    """jsii's temporary files, and Node.js's (its TMPDIR), in our scratch directory; Node.js in its own group."""
    previous, cached, popen = os.environ.get("TMPDIR"), tempfile.tempdir, subprocess.Popen
    os.environ["TMPDIR"] = _scratch[0]
    tempfile.tempdir = _scratch[0]
    subprocess.Popen = _recording(popen)  # type: ignore[misc,assignment]  # jsii starts Node.js with subprocess.Popen
    try:
        yield
    finally:
        subprocess.Popen = popen  # type: ignore[misc]
        tempfile.tempdir = cached
        if previous is None:
            os.environ.pop("TMPDIR", None)
        else:
            os.environ["TMPDIR"] = previous


def spawn() -> None:
    """Start Node.js and go on without waiting for it: it boots and loads cdk8s (about a third of a second, on
    another core) while Python imports and loads the config. Does nothing if it already runs, or if
    preflight() finds the machine lacking: start() says so, after the config has been checked."""
    if _node() is not None or "cdk8s" in sys.modules:
        return
    try:
        preflight()
    except EnvironmentProblem:
        return
    _launch()


def _launch() -> None:
    """Start Node.js with its temporary files in a directory of ours, and ask it for cdk8s; nothing waits for
    its answers until the first call that needs them (_AnswersFirst)."""
    if not _scratch:
        with _deferred_signals():
            _scratch.append(tempfile.mkdtemp(prefix=SCRATCH_PREFIX))
        atexit.register(_remove_scratch)  # a normal exit that skips stop() (a test process) still removes it
    with _in_scratch():
        from jsii._kernel.providers import process as jsii_process
        from jsii._runtime import kernel

        # jsii's finalizer stops Node.js through the same property that starts it: collected after an interrupt
        # that came before jsii kept its process, it would start a second one that nobody stops. stop() ends it.
        jsii_process.ProcessProvider.__del__ = _nothing  # type: ignore[attr-defined]
        # jsii starts Node.js on first use and reads its hello at once; that read is left for later.
        handshake = jsii_process._NodeProcess.handshake
        jsii_process._NodeProcess.handshake = _nothing  # type: ignore[method-assign]
        try:
            node = kernel.provider._process  # type: ignore[attr-defined]  # jsii's memoized property: starts Node.js once
        finally:
            jsii_process._NodeProcess.handshake = handshake  # type: ignore[method-assign]
        _unanswered.append(node)
        node.send = _AnswersFirst(node, _queue_loads(node))


def _queue_loads(node: Any) -> list[str]:
    """Ask Node.js to load the assemblies, without waiting: it does so as soon as it has booted. The request is
    jsii's own LoadRequest, written as jsii writes it (one JSON line). Returns the assemblies asked for."""
    from jsii._kernel.types import LoadRequest

    requests = []
    for package in ASSEMBLY_PACKAGES:
        found = importlib.util.find_spec(package)  # where the package is, without importing it
        locations = list(found.submodule_search_locations or []) if found is not None else []
        # The tarball each generated package ships: <name>@<version>.jsii.tgz in its _jsii/.
        tarballs = [t for where in locations for t in sorted(Path(where, "_jsii").glob("*@*.jsii.tgz"))]
        if len(tarballs) != 1:
            break  # not the layout expected: the imports load it, and what it needs, as usual
        name, version = tarballs[0].name.removesuffix(".jsii.tgz").rsplit("@", 1)
        requests.append(LoadRequest(name=name, version=version, tarball=str(tarballs[0])))
    for request in requests:
        node._process.stdin.write(json.dumps(node._serializer.unstructure(request)).encode() + b"\n")
    node._process.stdin.flush()
    return [request.name for request in requests]


class _AnswersFirst:
    """jsii's send to a Node.js whose answers are not read yet: the imports' LoadRequests for the assemblies
    already asked for return at once (their Python side imports while Node.js boots); any other call first
    reads the hello and those answers, then goes as usual."""

    def __init__(self, node: Any, queued: list[str]) -> None:
        self.node, self.queued = node, queued

    def __call__(self, request: Any, response_type: Any) -> Any:
        from jsii._kernel.types import LoadRequest

        if isinstance(request, LoadRequest) and request.name in self.queued:
            return None  # jsii's Kernel.load ignores the answer; the one to the queued request is checked later
        self.answer()
        return self.node.send(request, response_type)

    def answer(self) -> None:
        """Read the hello and the answers to the queued loads; from then on, send is jsii's own."""
        del self.node.send
        if self.node in _unanswered:
            _unanswered.remove(self.node)
        self.node.handshake()
        for name in self.queued:
            answer = self.node._next_message()
            if "error" in answer:
                raise RuntimeError(f"jsii could not load {name}: {answer['error']}")


def start() -> None:
    """Start jsii (import cdk8s) once, with its temporary files in a directory of ours."""
    if "cdk8s" in sys.modules:
        return
    if _node() is None:
        preflight()
        _launch()
    with _in_scratch():
        import cdk8s  # noqa: F401 - its Python side; charts/ makes the first call, which waits for Node.js


def ready() -> None:
    """Wait for Node.js to boot and load what it was asked for (the first call that needs it waits anyway)."""
    send = getattr(_node(), "send", None)
    if isinstance(send, _AnswersFirst):
        send.answer()


def _nothing(self: object) -> None:
    """Stands in for a method of jsii's that must not run (its finalizer) or not yet (its handshake)."""


def _node() -> object | None:
    """jsii's handle on its Node.js process, if one started."""
    providers = sys.modules.get("jsii._kernel.providers.process")
    if providers is None:
        return None
    # ProcessProvider._process is jsii's memoized_property: the started process sits in a list its getter
    # closes over (jsii/_utils.py), empty until the first call starts Node.js.
    started = inspect.getclosurevars(providers.ProcessProvider._process.fget).nonlocals.get("stored") or []
    return started[0] if started else None


def _remove_scratch() -> None:
    while _scratch:
        shutil.rmtree(_scratch.pop(), ignore_errors=True)


def stop(*, quiet: bool = False) -> None:
    """Stop jsii's Node.js process, if one started, and remove every temporary file of it; never raises.

    quiet: Node.js's last words (a closed pipe, a signal) would reach our stderr through jsii's relay thread
    after the one line an interrupted command prints; silence them. (What it relays to stdout, gitops/cli/app.py
    has already sent nowhere: an interrupted command's stdout is what it printed before.)
    """
    node = _node()
    if node is not None:
        if node in _unanswered:
            # Never used (the config was refused, or the command interrupted, first): nothing to finish, and
            # no reason to wait while it boots and loads.
            _unanswered.remove(node)
            process = getattr(node, "_process", None)  # jsii's subprocess.Popen of Node.js
            if process is not None:
                _kill(process)
        if quiet:
            silent = os.open(os.devnull, os.O_WRONLY)
            os.dup2(silent, 2)
            os.close(silent)
        try:
            node.stop()  # type: ignore[attr-defined]
        except (OSError, ValueError, AssertionError, AttributeError):
            process = getattr(node, "_process", None)  # the subprocess.Popen of Node.js
            if process is not None:
                _kill(process)
                with contextlib.suppress(subprocess.TimeoutExpired):
                    process.wait(timeout=5)
            with contextlib.suppress(Exception):  # removes the runtime jsii unpacked, whatever state it is in
                node._ctx_stack.close()  # type: ignore[attr-defined]
        with contextlib.suppress(ValueError):
            atexit.unregister(node.stop)  # type: ignore[attr-defined]
    while _children:  # started, but stopped above only if jsii had kept it
        child = _children.pop()
        if child.poll() is None:
            _kill(child)
            with contextlib.suppress(subprocess.TimeoutExpired):
                child.wait(timeout=5)
    _remove_scratch()


def _kill(process: subprocess.Popen[bytes]) -> None:
    """SIGKILL to Node.js and the kernel process it starts (jsii's runtime runs lib/program.js in a second
    Node.js): killed alone, the first would leave the second running, writing into the scratch directory."""
    if process.poll() is None:  # not reaped: its pid, the id of the group of its own (_recording), is still ours
        with contextlib.suppress(OSError):
            os.killpg(process.pid, signal.SIGKILL)
    with contextlib.suppress(OSError):
        process.kill()
