"""What shipping asks of git: uncommitted edits, a file's history on the first-parent line, blobs, commits.

History is read on the first-parent line of a commit (`git log --first-parent`): on main that is the
sequence of states the clusters were delivered, one per merge, whatever happened on the branches
merged into it. Every call runs git with plumbing output; a failing call is a GitError (exit 2).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from gitops.review.diff.gitref import GitError
from gitops.review.diff.gitref import run as run  # one way to call git, shared with diff --base

_FIELD, _RECORD = "\x1f", "\x1e"


def relative(root: Path, path: Path) -> str:
    """path as git names it inside the repository at root."""
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        raise GitError(f"{path} is not inside the repository {root}") from None


def uncommitted(root: Path, paths: list[Path]) -> list[str]:
    """Those of paths (files or directories) with changes git does not hold: modified, staged or untracked."""
    listing = run(root, "status", "--porcelain=v1", "-z", "--untracked-files=all", "--", *map(str, paths))
    entries = [entry for entry in listing.decode().split("\0") if entry]
    changed, skip = [], False
    for entry in entries:
        if skip:  # the source of a rename
            skip = False
            continue
        status, name = entry[:2], entry[3:]
        skip = "R" in status or "C" in status
        changed.append(name)
    return sorted(changed)


def tree_is_clean(root: Path) -> bool:
    """No tracked file differs from HEAD (untracked files do not count)."""
    return not run(root, "status", "--porcelain=v1", "--untracked-files=no").strip()


@dataclass(frozen=True)
class Commit:
    sha: str
    parent: str | None  # the first parent
    time: int  # committer time, seconds since the epoch
    subject: str

    @property
    def short(self) -> str:
        return self.sha[:10]

    @property
    def date(self) -> str:
        return datetime.fromtimestamp(self.time, UTC).strftime("%Y-%m-%d %H:%M UTC")


def touching(root: Path, commit: str, path: str) -> list[Commit]:
    """The commits on commit's first-parent line that changed path, newest first."""
    text = run(
        root, "log", "--first-parent", f"--format=%H{_FIELD}%P{_FIELD}%ct{_FIELD}%s{_RECORD}", commit, "--", path
    ).decode()
    commits = []
    for record in filter(None, (r.strip("\n") for r in text.split(_RECORD))):
        sha, parents, time, subject = record.split(_FIELD, 3)
        commits.append(Commit(sha, parents.split()[0] if parents else None, int(time), subject))
    return commits


def show(root: Path, specs: list[str]) -> list[bytes | None]:
    """The blobs named by '<commit>:<path>' specs, in order; None where the path did not exist there."""
    if not specs:
        return []
    data = run(root, "cat-file", "--batch", stdin="".join(f"{spec}\n" for spec in specs).encode())
    out: list[bytes | None] = []
    position = 0
    for _ in specs:
        end = data.index(b"\n", position)
        header = data[position:end].split()
        if header[-1] == b"missing" or len(header) < 3:
            out.append(None)
            position = end + 1
            continue
        size = int(header[2])
        out.append(data[end + 1 : end + 1 + size])
        position = end + 1 + size + 1
    return out


def branch(root: Path) -> str:
    """The current branch ('' when HEAD is detached)."""
    return run(root, "branch", "--show-current").decode().strip()


def commit(root: Path, paths: list[Path], message: str, new_branch: str | None = None) -> str:
    """Commit paths (with whatever they hold now) on the current branch, or on a new branch from HEAD."""
    if new_branch:
        run(root, "switch", "--quiet", "-c", new_branch)
    run(root, "add", "--all", "--", *map(str, paths))
    run(root, "commit", "--quiet", "-m", message, "--", *map(str, paths))
    return run(root, "rev-parse", "HEAD").decode().strip()
