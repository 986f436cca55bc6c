"""The repository the rehearsal serves: the commit under test, plus one commit on top of it.

The root Kustomization re-applies dist/clusters/<env>/ from git, so pointing the cluster's
GitRepository at the loopback server by hand would be reverted on its first sync. The served
branch therefore carries a commit that changes exactly the GitRepository's spec.url; what it
changed is recorded for the report. The project's own repository is only read.
"""

from __future__ import annotations

import os
import subprocess
import tarfile
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path

from gitops.errors import InputError

REPOSITORY = "honeydue-gitops.git"
AUTHOR = {
    "GIT_AUTHOR_NAME": "rehearsal",
    "GIT_AUTHOR_EMAIL": "rehearsal@localhost",
    "GIT_COMMITTER_NAME": "rehearsal",
    "GIT_COMMITTER_EMAIL": "rehearsal@localhost",
    "GIT_AUTHOR_DATE": "2000-01-01T00:00:00Z",
    "GIT_COMMITTER_DATE": "2000-01-01T00:00:00Z",
}


class RepoError(InputError):
    """A revision or a tree the rehearsal cannot use (exit 2)."""


@dataclass(frozen=True)
class Substitution:
    file: str
    field: str
    old: str
    new: str


def git(repo: Path, *args: str, input: bytes | None = None, env: dict | None = None) -> str:
    done = subprocess.run(
        ["git", "-C", str(repo), *args], input=input, capture_output=True, env={**os.environ, **(env or {})}
    )
    if done.returncode != 0:
        raise RepoError(f"git {' '.join(args[:2])}: {done.stderr.decode(errors='replace').strip()}")
    return done.stdout.decode()


def resolve(project_root: Path, ref: str) -> str:
    try:
        return git(project_root, "rev-parse", "--verify", f"{ref}^{{commit}}").strip()
    except RepoError:
        raise RepoError(f"{ref}: not a commit in {project_root}") from None


def create_served(root: Path, project_root: Path, commits: list[str]) -> Path:
    served = root / REPOSITORY
    git(root, "init", "--quiet", "--bare", str(served))
    for commit in commits:
        git(project_root, "push", "--quiet", str(served), f"{commit}:refs/rehearsal/{commit}")
    return served


def commit_change(
    served: Path, parent: str, message: str, replace: dict[str, str] | None = None, remove: list[str] | None = None
) -> str:
    """A commit on top of parent that replaces and removes exactly the given files; returns its id."""
    index = {"GIT_INDEX_FILE": str(served / "rehearsal-index")}
    git(served, "read-tree", parent, env=index)
    for path, text in sorted((replace or {}).items()):
        blob = git(served, "hash-object", "-w", "--stdin", input=text.encode()).strip()
        git(served, "update-index", "--cacheinfo", f"100644,{blob},{path}", env=index)
    if remove:
        # --index-info with mode 0 removes an entry; --force-remove needs a work tree, a bare repository has none.
        zero = "0" * 40
        git(
            served,
            "update-index",
            "--index-info",
            env=index,
            input="".join(f"0 {zero}\t{path}\n" for path in sorted(remove)).encode(),
        )
    tree = git(served, "write-tree", env=index).strip()
    return git(served, "commit-tree", tree, "-p", parent, "-m", message, env=AUTHOR).strip()


def commit_tree_of(served: Path, tree_of: str, parent: str, message: str) -> str:
    """A commit on top of parent whose tree is tree_of's: how a revert of everything since tree_of looks."""
    return git(served, "commit-tree", f"{tree_of}^{{tree}}", "-p", parent, "-m", message, env=AUTHOR).strip()


def files(served: Path, commit: str, under: str) -> list[str]:
    """Repository-relative paths of the files under a directory at commit."""
    return [line for line in git(served, "ls-tree", "-r", "--name-only", commit, "--", under).splitlines() if line]


def substitute(
    served: Path, commit: str, path: str, old_url: str, new_url: str, remove: list[str] | None = None
) -> tuple[str, Substitution]:
    """A commit on top of commit whose only change is spec.url in path (and the files in remove)."""
    text = git(served, "show", f"{commit}:{path}")
    old_line, new_line = f"  url: {old_url}\n", f"  url: {new_url}\n"
    if text.count(old_line) != 1:
        raise RepoError(f"{path} at {commit[:10]}: expected one line '{old_line.strip()}'")
    message = f"rehearsal: serve from loopback\n\n{path}: spec.url {old_url} -> {new_url}\n"
    message += "".join(f"{removed}: removed\n" for removed in sorted(remove or []))
    head = commit_change(served, commit, message, replace={path: text.replace(old_line, new_line)}, remove=remove)
    return head, Substitution(path, "spec.url", old_url, new_url)


def point_branch(served: Path, branch: str, commit: str) -> None:
    git(served, "update-ref", f"refs/heads/{branch}", commit)
    git(served, "symbolic-ref", "HEAD", f"refs/heads/{branch}")


def checkout(served: Path, commit: str, target: Path) -> Path:
    """commit's dist/ extracted into target (nothing else is needed to apply it)."""
    done = subprocess.run(["git", "-C", str(served), "archive", "--format=tar", commit, "dist"], capture_output=True)
    if done.returncode != 0:
        raise RepoError(f"{commit[:10]} has no dist/: {done.stderr.decode(errors='replace').strip()}")
    target.mkdir(parents=True, exist_ok=True)
    with tarfile.open(fileobj=BytesIO(done.stdout)) as archive:
        archive.extractall(target, filter="data")
    return target
