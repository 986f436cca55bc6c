"""Which directories synth may replace: one it creates, an empty one, or one whose every file synth wrote.

synth replaces its output directory whole (gitops/render/output.py swaps a new tree in), so whatever the
directory held before is gone afterwards. It therefore writes only where that loses nothing of anyone's:

- a directory that does not exist yet, or is empty;
- a directory synth wrote before, recognised by its marker file (`.synthesized`), which lists every file
  synth wrote there; a file that is not listed (a note the user saved in dist/) makes synth refuse,
  unless git tracks it: a merge brings the other branch's files with a marker that may list only one
  side's, and what git holds is not lost;
- never the repository itself, one of its own directories (config/, .git, gitops/, ...), the config
  directory synth reads, or a directory that holds one of those.

The marker is part of the output: it is written inside the new tree, so it is swapped in with it, and
it is byte-stable (sorted paths, no timestamps), so the committed dist/ carries it like any other file.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from gitops.errors import InputError
from gitops.layout import OWN_DIRECTORIES, PROJECT

MARKER = ".synthesized"
_HEADER = (
    "# Written by `main.py synth`. The files below are synth's own: it replaces this directory whole on its\n"
    "# next run, and refuses to while the directory holds any file not listed here.\n"
)
_SHOWN_STRANGERS = 5


class OutputDirError(InputError):
    """An output directory synth must not replace: it would delete what synth did not write."""

    def __init__(self, shown: str, why: str, fix: str):
        super().__init__(f"cannot write to {shown}: {why}, and synth replaces its output directory whole")
        self.fix = fix

    def report(self, command: str, untouched: str) -> str:
        return f"{command}: {self}; nothing was {untouched}.\n  fix: {self.fix}."


@dataclass(frozen=True)
class Protected:
    """A directory synth never writes into, over or around, and how a message names it."""

    path: Path
    what: str


def protected(config_dir: Path) -> list[Protected]:
    """The repository, its own directories and the config directory being read."""
    found = [Protected(PROJECT / name, f"the repository's {name}/ directory") for name in OWN_DIRECTORIES]
    found.append(Protected(config_dir, "the config directory synth reads"))
    return found


def shown(path: Path) -> str:
    """path as the user would type it: relative to the working directory when below it."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve())) or "."
    except (ValueError, OSError):
        return str(path)


def marker_text(files: Iterable[str]) -> str:
    return _HEADER + "".join(f"{name}\n" for name in sorted(files))


def listed(out: Path) -> set[str] | None:
    """The files out's marker lists, or None when out carries no marker."""
    try:
        text = (out / MARKER).read_text(encoding="utf-8")
    except (FileNotFoundError, NotADirectoryError, UnicodeDecodeError):
        return None
    return {line for line in text.splitlines() if line and not line.startswith("#")}


def files_in(root: Path, under: Sequence[str] = ("",)) -> list[str]:
    """Every entry under root/<under> that is not a directory (symlinks included), as root-relative paths."""
    found: list[str] = []
    for part in under:
        top = root / part if part else root
        if top.is_symlink() or (top.exists() and not top.is_dir()):
            found.append(part)
            continue
        for directory, subdirectories, files in os.walk(top):
            here = Path(directory)
            # A symlink to a directory is an entry of its own: os.walk does not descend into it.
            names = files + [d for d in subdirectories if (here / d).is_symlink()]
            found += [(here / name).relative_to(root).as_posix() for name in names]
    return sorted(name for name in found if name != MARKER)


def _tracked(out: Path) -> set[str]:
    """The files under out that git tracks (committed or staged), out-relative; none outside a repository."""
    try:
        done = subprocess.run(["git", "-C", str(out), "ls-files", "-z"], capture_output=True, timeout=60)
    except (OSError, subprocess.TimeoutExpired):
        return set()
    if done.returncode != 0:
        return set()
    return {name for name in done.stdout.decode("utf-8", "surrogateescape").split("\0") if name}


def _where(out: Path, guarded: Sequence[Protected]) -> tuple[str, str] | None:
    """Why out is off limits (a protected directory, inside one, or around one), with the fix; None if it is not."""
    resolved = out.resolve()
    project = PROJECT.resolve()
    if resolved == project or resolved in project.parents:
        what = "the repository itself" if resolved == project else "a directory that holds the repository"
        return f"it is {what}", "write to dist/ (leave out --out) or to a new or empty directory"
    for place in guarded:
        target = place.path.resolve()
        if resolved == target:
            why = f"it is {place.what}"
        elif target in resolved.parents:
            why = f"it is inside {place.what}"
        elif resolved in target.parents:
            why = f"it holds {place.what}"
        else:
            continue
        return why, "write to dist/ (leave out --out) or to a new or empty directory outside it"
    return None


def claim(out: Path, replaced: Sequence[str] | None, guarded: Sequence[Protected]) -> None:
    """Raise OutputDirError unless synth may replace out (replaced: the directories under it a run of only
    some environments replaces; None for all of out)."""
    place = shown(out)
    refused = _where(out, guarded)
    if refused is not None:
        raise OutputDirError(place, *refused)
    if not (out.exists() or out.is_symlink()):
        return
    if not out.is_dir():
        raise OutputDirError(place, "it is a file, not a directory", "give --out a directory")
    if not any(out.iterdir()):
        return
    own = listed(out)
    if own is None:
        raise OutputDirError(
            place,
            f"it is not empty and synth did not write it (it has no {MARKER} file listing synth's files)",
            "give --out a new or empty directory, or move what it holds elsewhere",
        )
    strangers = [name for name in files_in(out, replaced or ("",)) if name not in own]
    if strangers:
        tracked = _tracked(out)
        strangers = [name for name in strangers if name not in tracked]
    if strangers:
        names = ", ".join(strangers[:_SHOWN_STRANGERS])
        more = len(strangers) - _SHOWN_STRANGERS
        names += f" and {more} more" if more > 0 else ""
        raise OutputDirError(
            place,
            f"it holds {len(strangers)} file(s) synth did not write and git does not track ({names})",
            f"move them out of {place} (synth lists its own files in {place}/{MARKER}), then run synth again",
        )
