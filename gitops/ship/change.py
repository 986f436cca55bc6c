"""One shipping change: under dist/'s lock, edit config in place, render, review against HEAD, maybe commit.

The lock is synth's own (gitops/render/lock.py), taken before config is read: two `set-image`
calls on one checkout run one after the other, and the second sees the first one's edit. An edit
is made only to a file git holds as it is (edits not saved to git are never overwritten unless
the caller says so), written atomically, and undone if rendering fails or is interrupted: config/
and dist/ end as they were, or both hold the whole change.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from gitops.config import LoadedEnvironment, load_environments
from gitops.config.loader import display_path
from gitops.layout import environment_dirs
from gitops.render.lock import locked
from gitops.render.output import write_text_atomically
from gitops.render.synth import synth
from gitops.review.diff import report as diff_report
from gitops.review.diff.gitref import extract
from gitops.review.diff.load import Loader
from gitops.review.diff.model import Report
from gitops.ship import git
from gitops.ship.builds import ShipError
from gitops.ship.edit import Edit, Key, edit_text


@dataclass(frozen=True)
class Tree:
    """Where a shipping command works: the repository, its config/ and its dist/."""

    root: Path
    config_dir: Path
    out_dir: Path

    @property
    def dist(self) -> str:
        """dist/'s path inside the repository."""
        return git.relative(self.root, self.out_dir)

    def env_paths(self, envs: list[str]) -> list[Path]:
        return [self.out_dir / sub for env in envs for sub in environment_dirs(env)]


@contextmanager
def holding(tree: Tree) -> Iterator[dict[str, LoadedEnvironment]]:
    """dist/'s lock for the block, and config as it is once the lock is held."""
    with locked(tree.out_dir):
        yield {env.name: env for env in load_environments(tree.config_dir)}


def refuse_uncommitted(tree: Tree, files: list[Path], allow: bool, command: str) -> None:
    """ShipError when a file the command edits holds changes git does not, unless allowed."""
    changed = git.uncommitted(tree.root, files)
    if changed and not allow:
        names = ", ".join(changed)
        raise ShipError(
            f"{names} {'has' if len(changed) == 1 else 'have'} changes not committed to git, which {command} "
            "would edit and render on top of",
            f"commit or stash them (git stash) and run {command} again, or pass --allow-dirty to keep them in",
        )


def refuse_unclean_for_commit(tree: Tree, command: str) -> None:
    if not git.tree_is_clean(tree.root):
        raise ShipError(
            f"{command} --commit commits config and dist/ as rendered, and the work tree holds other changes",
            "commit or stash them first, or leave out --commit",
        )


def followers(loaded: dict[str, LoadedEnvironment], env: str, services: list[str]) -> list[str]:
    """The environments that run env's build of any of services (shipping.follows): rendered again with it."""
    return sorted(name for name, other in loaded.items() if any(other.followed.get(s) == env for s in services))


def edit_and_render(tree: Tree, source: Path, changes: dict[Key, str], envs: list[str]) -> Edit:
    """Set the values in source, render envs; on any failure or interrupt, source is restored."""
    shown = display_path(source)
    edit = edit_text(source.read_text(encoding="utf-8"), changes, shown)
    if not edit.changed:
        return edit
    write_text_atomically(source, edit.after)
    try:
        synth(tree.config_dir, tree.out_dir, envs, write_schema=False)
    except BaseException:
        write_text_atomically(source, edit.before)
        raise
    return edit


def review(tree: Tree, envs: list[str], base: str = "HEAD", label: str = "working tree") -> Report:
    """What the change does to envs' dist/ against base, as `main.py diff` reports it."""
    commit = git.run(tree.root, "rev-parse", "--verify", f"{base}^{{commit}}").decode().strip()
    loader = Loader()
    with tempfile.TemporaryDirectory(prefix="honeydue-ship-") as tmp:
        paths = [f"{tree.dist}/{sub}" for env in envs for sub in environment_dirs(env)]
        extract(tree.root, commit, paths, Path(tmp))
        old_root = Path(tmp) / tree.dist
        old = loader.load(
            f"{tree.dist}/ at {base} ({commit[:10]})",
            [old_root / sub for env in envs for sub in environment_dirs(env) if (old_root / sub).exists()],
            old_root,
        )
        new = loader.load(label, [p for p in tree.env_paths(envs) if p.exists()], tree.out_dir)
    return diff_report.build(old, new)


def commit(tree: Tree, files: list[Path], envs: list[str], message: str, branch: str | None) -> tuple[str, str]:
    """Commit the edited files and envs' dist/ (on a new branch when branch is given): (commit, branch)."""
    sha = git.commit(tree.root, [*files, *[p for p in tree.env_paths(envs) if p.exists()]], message, branch)
    return sha, git.branch(tree.root)
