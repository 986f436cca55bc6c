"""Swap two directories in one step, where the operating system offers it.

Replacing dist/ by two renames (old tree away, new tree in) leaves no dist/
at all if the process dies between them. Linux and macOS can exchange two
paths atomically:

- Linux: renameat2(AT_FDCWD, a, AT_FDCWD, b, RENAME_EXCHANGE), glibc 2.28 and
  later (RENAME_EXCHANGE = 1 << 1, include/uapi/linux/fs.h; AT_FDCWD = -100).
- macOS (the operator's workstation): renamex_np(a, b, RENAME_SWAP), macOS
  10.12 and later (RENAME_SWAP = 0x00000002, <sys/stdio.h>).

Elsewhere (or on a filesystem that refuses the exchange, EINVAL/ENOTSUP) the
caller falls back to two renames; a run killed between them leaves the old
tree inside its staging directory, and the next synth puts it back
(output.remove_stale_staging).
"""

from __future__ import annotations

import ctypes
import errno
import os
import sys
from collections.abc import Callable
from pathlib import Path

AT_FDCWD = -100
RENAME_EXCHANGE = 1 << 1
RENAME_SWAP = 0x00000002

Exchange = Callable[[Path, Path], bool]

# errno values that mean "this filesystem or kernel cannot exchange": use the fallback.
_UNSUPPORTED = {errno.EINVAL, errno.ENOSYS, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EXDEV}


def _call(function: Callable[..., int], *args: object) -> bool:
    if function(*args) == 0:
        return True
    code = ctypes.get_errno()
    if code in _UNSUPPORTED:
        return False
    raise OSError(code, os.strerror(code))


def select(platform: str, libc: object | None) -> Exchange | None:
    """The exchange for this platform and C library, or None when there is none.

    platform is sys.platform; libc a ctypes library (tests pass a stand-in).
    """
    if libc is None:
        return None
    if platform.startswith("linux") and hasattr(libc, "renameat2"):
        renameat2 = libc.renameat2

        def linux(a: Path, b: Path) -> bool:
            return _call(renameat2, AT_FDCWD, os.fsencode(a), AT_FDCWD, os.fsencode(b), RENAME_EXCHANGE)

        return linux
    if platform == "darwin" and hasattr(libc, "renamex_np"):
        renamex_np = libc.renamex_np

        def darwin(a: Path, b: Path) -> bool:
            return _call(renamex_np, os.fsencode(a), os.fsencode(b), ctypes.c_uint(RENAME_SWAP))

        return darwin
    return None


def libc() -> object | None:
    try:
        return ctypes.CDLL(None, use_errno=True)
    except OSError:
        return None


_EXCHANGE = select(sys.platform, libc())


def exchange(a: Path, b: Path) -> bool:
    """Swap the paths a and b atomically; False when this system cannot (nothing was changed then)."""
    return _EXCHANGE is not None and _EXCHANGE(a, b)
