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

REPOSITORY = "honeydue-gitops.git"
AUTHOR = {"GIT_AUTHOR_NAME": "rehearsal", "GIT_AUTHOR_EMAIL": "rehearsal@localhost",
          "GIT_COMMITTER_NAME": "rehearsal", "GIT_COMMITTER_EMAIL": "rehearsal@localhost",
          "GIT_AUTHOR_DATE": "2000-01-01T00:00:00Z", "GIT_COMMITTER_DATE": "2000-01-01T00:00:00Z"}


class RepoError(Exception):
    pass


@dataclass(frozen=True)
class Substitution:
    file: str
    field: str
    old: str
    new: str


def git(repo: Path, *args: str, input: bytes | None = None, env: dict | None = None) -> str:
    done = subprocess.run(["git", "-C", str(repo), *args], input=input, capture_output=True,
                          env={**os.environ, **(env or {})})
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


def substitute(served: Path, commit: str, path: str, old_url: str, new_url: str) -> tuple[str, Substitution]:
    """A commit on top of commit whose only change is spec.url in path; returns its id."""
    text = git(served, "show", f"{commit}:{path}")
    old_line, new_line = f"  url: {old_url}\n", f"  url: {new_url}\n"
    if text.count(old_line) != 1:
        raise RepoError(f"{path} at {commit[:10]}: expected one line '{old_line.strip()}'")
    blob = git(served, "hash-object", "-w", "--stdin", input=text.replace(old_line, new_line).encode()).strip()
    index = {"GIT_INDEX_FILE": str(served / "rehearsal-index")}
    git(served, "read-tree", commit, env=index)
    git(served, "update-index", "--cacheinfo", f"100644,{blob},{path}", env=index)
    tree = git(served, "write-tree", env=index).strip()
    message = f"rehearsal: serve from loopback\n\n{path}: spec.url {old_url} -> {new_url}\n"
    head = git(served, "commit-tree", tree, "-p", commit, "-m", message, env=AUTHOR).strip()
    return head, Substitution(path, "spec.url", old_url, new_url)


def point_branch(served: Path, branch: str, commit: str) -> None:
    git(served, "update-ref", f"refs/heads/{branch}", commit)
    git(served, "symbolic-ref", "HEAD", f"refs/heads/{branch}")


def checkout(served: Path, commit: str, target: Path) -> Path:
    """commit's dist/ extracted into target (nothing else is needed to apply it)."""
    done = subprocess.run(["git", "-C", str(served), "archive", "--format=tar", commit, "dist"],
                          capture_output=True)
    if done.returncode != 0:
        raise RepoError(f"{commit[:10]} has no dist/: {done.stderr.decode(errors='replace').strip()}")
    target.mkdir(parents=True, exist_ok=True)
    with tarfile.open(fileobj=BytesIO(done.stdout)) as archive:
        archive.extractall(target, filter="data")
    return target
