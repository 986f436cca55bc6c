"""The one-step swap of two directories: which system call on which OS, and that it swaps."""

from __future__ import annotations

import ctypes
import errno
import sys
from pathlib import Path

import pytest

from gitops.render import exchange


class FakeLibc:
    """Records the call a platform's exchange makes; fails with errno when told to."""

    def __init__(self, name: str, fail: int = 0):
        self.calls: list[tuple] = []
        self.fail = fail
        setattr(self, name, self._record)

    def _record(self, *args) -> int:
        self.calls.append(args)
        if self.fail:
            ctypes.set_errno(self.fail)
            return -1
        return 0


def test_linux_uses_renameat2_with_rename_exchange():
    libc = FakeLibc("renameat2")
    swap = exchange.select("linux", libc)
    assert swap(Path("/a/new"), Path("/a/dist")) is True
    assert libc.calls == [(-100, b"/a/new", -100, b"/a/dist", 2)]
    assert (exchange.AT_FDCWD, exchange.RENAME_EXCHANGE) == (-100, 2)


def test_macos_uses_renamex_np_with_rename_swap():
    libc = FakeLibc("renamex_np")
    swap = exchange.select("darwin", libc)
    assert swap(Path("/a/new"), Path("/a/dist")) is True
    ((old, new, flags),) = libc.calls
    assert (old, new, flags.value) == (b"/a/new", b"/a/dist", 2)
    assert exchange.RENAME_SWAP == 0x00000002


@pytest.mark.parametrize(
    "platform, libc",
    [
        ("win32", FakeLibc("renameat2")),
        ("freebsd14", FakeLibc("renameat2")),  # renameat2 on a system that is not Linux: not trusted
        ("linux", FakeLibc("rename")),  # a C library older than glibc 2.28
        ("darwin", FakeLibc("rename")),  # before macOS 10.12
        ("linux", None),
    ],
)
def test_elsewhere_there_is_no_exchange(platform: str, libc):
    assert exchange.select(platform, libc) is None


def test_a_filesystem_that_cannot_exchange_means_fallback():
    swap = exchange.select("linux", FakeLibc("renameat2", fail=errno.EINVAL))
    assert swap(Path("/a"), Path("/b")) is False


def test_other_failures_are_errors():
    swap = exchange.select("darwin", FakeLibc("renamex_np", fail=errno.EACCES))
    with pytest.raises(PermissionError):
        swap(Path("/a"), Path("/b"))


@pytest.mark.skipif(exchange.select(sys.platform, exchange.libc()) is None, reason="no exchange on this system")
def test_this_system_swaps_two_directories(tmp_path: Path):
    a, b = tmp_path / "a", tmp_path / "b"
    for d in (a, b):
        d.mkdir()
        (d / f"{d.name}.txt").write_text(d.name)
    inode_a = a.stat().st_ino
    assert exchange.exchange(a, b) is True
    assert [p.name for p in a.iterdir()] == ["b.txt"]
    assert [p.name for p in b.iterdir()] == ["a.txt"]
    assert b.stat().st_ino == inode_a
