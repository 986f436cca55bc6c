"""One synth at a time per output directory: a lock file beside it, held with flock.

A second synth waits for the first to finish (it says once who holds the
lock), then writes its own complete tree: waiting rather than failing keeps
two terminals, or an editor's watch task next to `make test`, from turning a
race into an error. flock is released by the kernel when its holder exits,
however it exits, so a killed synth never leaves the lock held. The lock is
reentrant within a process: `set-image` and `promote` hold it from reading
config to the end of their synth, so two of them edit and render one after
the other, and their synth takes the lock they already hold.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import sys
from collections.abc import Iterator
from pathlib import Path


def lock_path(out_dir: Path) -> Path:
    """'.dist.lock' beside dist/ (.gitignore ignores it)."""
    return out_dir.parent / f".{out_dir.name}.lock"


# Locks this process holds, by path: taking one again is a no-op.
_HELD: set[Path] = set()


@contextlib.contextmanager
def locked(out_dir: Path, announce=lambda line: print(line, file=sys.stderr)) -> Iterator[None]:
    """Hold out_dir's lock for the block; waits while another process holds it."""
    path = lock_path(out_dir)
    key = path.resolve()
    if key in _HELD:
        yield
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a+", encoding="utf-8") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            holder = handle.read().strip() or "unknown"
            announce(f"synth: waiting for another synth (pid {holder}) to finish writing {out_dir.name}/")
            fcntl.flock(handle, fcntl.LOCK_EX)
        handle.seek(0)
        handle.truncate()
        handle.write(f"{os.getpid()}\n")
        handle.flush()
        _HELD.add(key)
        try:
            yield
        finally:
            _HELD.discard(key)
            handle.seek(0)
            handle.truncate()
            fcntl.flock(handle, fcntl.LOCK_UN)
