"""dist/ as committed at a git revision, read with plumbing commands into a directory.

Blobs are read straight from the object database (ls-tree, cat-file), so
neither the work tree, the index nor export attributes can change what the
base side holds.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from gitops.bounds import size as shown_size
from gitops.bounds import too_large as too_large_problem
from gitops.errors import InputError
from gitops.k8s.manifests import LIMITS, SUFFIXES, TOTAL_BYTES, ManifestError, Unreadable

DEFAULT_BRANCHES = ("main", "origin/main")
SYMLINK, SUBMODULE = b"120000", b"160000"


class GitError(InputError):
    """A revision that does not resolve, or git refusing a command."""


def run(root: Path, *args: str, stdin: bytes | None = None) -> bytes:
    """git ARGS in root; its output, or a GitError with what git said."""
    try:
        done = subprocess.run(["git", "-C", str(root), *args], input=stdin, capture_output=True, check=False)
    except FileNotFoundError:
        raise GitError("git is not installed") from None
    if done.returncode != 0:
        detail = done.stderr.decode(errors="replace").strip() or f"exit {done.returncode}"
        raise GitError(f"git {args[0]} failed in {root}: {detail}")
    return done.stdout


def resolve(root: Path, ref: str) -> str:
    """The commit a revision names."""
    if not ref or ref.startswith("-"):
        raise GitError(f"{ref!r} is not a git revision")
    try:
        return run(root, "rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}").decode().strip()
    except GitError:
        run(root, "rev-parse", "--git-dir")  # a clearer error when root is no repository at all
        raise GitError(f"{ref!r} does not name a commit in {root}") from None


def default_base(root: Path) -> tuple[str, str]:
    """(description, commit): where this branch left main, trying main then origin/main."""
    for branch in DEFAULT_BRANCHES:
        try:
            tip = resolve(root, branch)
        except GitError:
            continue
        head = resolve(root, "HEAD")
        try:
            base = run(root, "merge-base", head, tip).decode().strip()
        except GitError:
            raise GitError(f"HEAD and {branch} have no common ancestor: pass --base REF") from None
        return f"merge-base of HEAD and {branch}", base
    raise GitError("no --base given, and neither main nor origin/main exists: pass --base REF")


def extract(root: Path, commit: str, paths: list[str], dest: Path) -> int:
    """Write the YAML files under paths (repository-relative) at commit into dest; returns how many.

    Sizes are read from the tree first: a file over manifests.LIMITS, or more than TOTAL_BYTES in all, is refused
    before any blob is read (ManifestError), as reading them from disk would be.
    """
    listing = run(root, "ls-tree", "-r", "-z", "-l", "--full-tree", commit, "--", *paths)
    wanted: list[tuple[str, str]] = []
    too_large: list[Unreadable] = []
    total = 0
    for entry in filter(None, listing.split(b"\0")):
        meta, _, name = entry.partition(b"\t")
        mode, kind, oid, size = meta.split()
        path = os.fsdecode(name)  # a path git holds may be any bytes
        if kind != b"blob" or mode in (SYMLINK, SUBMODULE) or not path.endswith(SUFFIXES):
            continue
        if int(size) > LIMITS.bytes:
            problem = too_large_problem(LIMITS)
            too_large.append(Unreadable(Path(path), f"{problem.problem}: {problem.fix} (at {commit[:10]})"))
            continue
        total += int(size)
        wanted.append((oid.decode(), path))
    if too_large:
        raise ManifestError(too_large)
    if total > TOTAL_BYTES:
        raise ManifestError(
            f"{', '.join(paths)} at {commit[:10]}: {shown_size(total)} of YAML in all, more than the "
            f"{shown_size(TOTAL_BYTES)} the review reads at once"
        )
    if not wanted:
        return 0
    blobs = run(root, "cat-file", "--batch", stdin="".join(f"{oid}\n" for oid, _ in wanted).encode())
    position = 0
    base = dest.resolve()
    for _, path in wanted:
        header_end = blobs.index(b"\n", position)
        size_read = int(blobs[position:header_end].split()[2])
        content = blobs[header_end + 1 : header_end + 1 + size_read]
        position = header_end + 1 + size_read + 1
        target = (dest / path).resolve()
        if base not in target.parents:
            raise GitError(f"{path}: refusing to write outside {dest}")
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(content)
    return len(wanted)
