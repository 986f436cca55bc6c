"""What changed on disk since the last look, by polling modification times and sizes.

Polling a few dozen files every 50 ms costs well under a millisecond and
needs no file-system notification API, so it behaves the same on macOS and
Linux and adds no native dependency.
"""

from __future__ import annotations

import os
from pathlib import Path

# path -> (modification time in ns, size); a file saved twice within one tick of the clock still changes size
# in practice, and the next save is caught anyway.
Snapshot = dict[Path, tuple[int, int]]

_SKIPPED_DIRECTORIES = {"__pycache__"}


def _ignored(name: str) -> bool:
    """Editor and OS droppings (.prod.yaml.swp, prod.yaml~, .DS_Store, #prod.yaml#), not sources."""
    return name.startswith((".", "#")) or name.endswith(("~", ".swp", ".swx", ".tmp"))


def snapshot(roots: list[Path], skip: frozenset[Path] = frozenset()) -> Snapshot:
    """Every file under roots (a root may itself be a file), except skip and editor droppings."""
    found: Snapshot = {}
    pending = list(roots)
    while pending:
        path = pending.pop()
        try:
            if not path.is_dir():
                stat = path.stat()
                if path not in skip:
                    found[path] = (stat.st_mtime_ns, stat.st_size)
                continue
            entries = list(os.scandir(path))
        except OSError:  # removed while we looked; the next look sees it gone
            continue
        for entry in entries:
            if _ignored(entry.name) or entry.name in _SKIPPED_DIRECTORIES:
                continue
            try:
                if entry.is_dir():
                    pending.append(Path(entry.path))
                elif Path(entry.path) not in skip:
                    stat = entry.stat()
                    found[Path(entry.path)] = (stat.st_mtime_ns, stat.st_size)
            except OSError:
                continue
    return found


def changed(before: Snapshot, after: Snapshot) -> list[Path]:
    """Files added, removed or modified between two snapshots, sorted."""
    return sorted(path for path in before.keys() | after.keys() if before.get(path) != after.get(path))
