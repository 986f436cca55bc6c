"""Reading dist/ as committed at a revision, in a throwaway repository."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from gitops.k8s.manifests import ManifestError
from gitops.review.diff import gitref
from gitops.review.diff.gitref import GitError, default_base, extract, resolve

GIT_ENV = {
    "GIT_AUTHOR_NAME": "test",
    "GIT_AUTHOR_EMAIL": "test@example.invalid",
    "GIT_COMMITTER_NAME": "test",
    "GIT_COMMITTER_EMAIL": "test@example.invalid",
    "GIT_CONFIG_GLOBAL": os.devnull,
    "GIT_CONFIG_NOSYSTEM": "1",
}


def git(repo: Path, *args: str) -> str:
    done = subprocess.run(
        ["git", "-C", str(repo), *args], capture_output=True, text=True, check=True, env={**os.environ, **GIT_ENV}
    )
    return done.stdout.strip()


def commit_all(repo: Path, message: str) -> str:
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", message)
    return git(repo, "rev-parse", "HEAD")


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    root.mkdir()
    git(root, "init", "-q", "-b", "trunk")
    (root / "dist" / "prod").mkdir(parents=True)
    (root / "dist" / "prod" / "cm.yaml").write_text("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: one}\n")
    (root / "dist" / "prod" / "INVENTORY.md").write_text("# not a manifest\n")
    (root / "README.md").write_text("outside dist\n")
    commit_all(root, "first")
    return root


def test_extract_writes_only_the_yaml_under_the_paths_as_committed(repo: Path, tmp_path: Path):
    first = git(repo, "rev-parse", "HEAD")
    (repo / "dist" / "prod" / "cm.yaml").write_text("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: two}\n")
    commit_all(repo, "second")
    (repo / "dist" / "prod" / "cm.yaml").write_text("uncommitted work\n")
    out = tmp_path / "out"
    assert extract(repo, first, ["dist"], out) == 1
    files = sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file())
    assert files == ["dist/prod/cm.yaml"]
    assert "name: one" in (out / "dist" / "prod" / "cm.yaml").read_text()
    assert extract(repo, first, ["dist/staging"], tmp_path / "none") == 0


def test_revisions_that_name_no_commit_are_errors(repo: Path):
    assert resolve(repo, "trunk") == git(repo, "rev-parse", "HEAD")
    with pytest.raises(GitError, match=r"^'nope' does not name a commit in "):
        resolve(repo, "nope")
    with pytest.raises(GitError, match=r"^'--all' is not a git revision$"):
        resolve(repo, "--all")


def test_the_default_base_is_the_merge_base_with_main_then_origin_main(repo: Path):
    with pytest.raises(GitError, match=r"^no --base given, and neither main nor origin/main exists: pass --base REF$"):
        default_base(repo)
    fork_point = git(repo, "rev-parse", "HEAD")
    git(repo, "update-ref", "refs/remotes/origin/main", fork_point)
    (repo / "dist" / "prod" / "more.yaml").write_text("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: more}\n")
    commit_all(repo, "on the branch")
    assert default_base(repo) == ("merge-base of HEAD and origin/main", fork_point)
    git(repo, "branch", "main", fork_point)
    assert default_base(repo) == ("merge-base of HEAD and main", fork_point)


def test_a_directory_that_is_no_repository_says_so(tmp_path: Path):
    with pytest.raises(GitError, match=r"^git rev-parse failed in .*: fatal: not a git repository"):
        resolve(tmp_path, "HEAD")


def test_a_committed_file_over_the_bound_is_refused_before_its_blob_is_read(
    repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    (repo / "dist" / "prod" / "big.yaml").write_bytes(b"#" * (4 * 2**20 + 1))
    commit = commit_all(repo, "a pull request")
    commands = _recorded(monkeypatch)
    with pytest.raises(ManifestError) as caught:
        extract(repo, commit, ["dist"], tmp_path / "out")
    assert str(caught.value) == (
        "dist/prod/big.yaml: the file is larger than 4 MiB, the most a manifest file may hold: split it into files of "
        f"one object each, as dist/ holds them (at {commit[:10]})"
    )
    assert [command[0] for command in commands] == ["ls-tree"]
    assert not (tmp_path / "out").exists()


def test_more_yaml_in_all_than_the_review_reads_is_refused_before_any_blob_is_read(
    repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    (repo / "dist" / "staging").mkdir()
    (repo / "dist" / "staging" / "cm.yaml").write_text("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: s}\n")
    commit = commit_all(repo, "two environments")
    monkeypatch.setattr(gitref, "TOTAL_BYTES", 100)  # the two files hold 104 bytes
    commands = _recorded(monkeypatch)
    with pytest.raises(ManifestError) as caught:
        extract(repo, commit, ["dist/prod", "dist/staging"], tmp_path / "out")
    assert str(caught.value) == (
        f"dist/prod, dist/staging at {commit[:10]}: 104 bytes of YAML in all, more than the 100 bytes the review "
        "reads at once"
    )
    assert [command[0] for command in commands] == ["ls-tree"]


def test_a_path_that_is_not_utf8_is_written_as_git_holds_it(repo: Path, tmp_path: Path):
    name = os.fsdecode(b"caf\xe9.yaml")  # Latin-1, as another system may have committed it
    (repo / "dist" / "prod" / name).write_text("a: 1\n")
    commit = commit_all(repo, "a path that is not UTF-8")
    out = tmp_path / "out"
    assert extract(repo, commit, ["dist"], out) == 2
    assert (out / "dist" / "prod" / name).read_text() == "a: 1\n"


def _recorded(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, ...]]:
    """The git commands extract runs from now on (each still run)."""
    commands: list[tuple[str, ...]] = []
    real = gitref.run

    def recording(root: Path, *args: str, **kwargs):
        commands.append(args)
        return real(root, *args, **kwargs)

    monkeypatch.setattr(gitref, "run", recording)
    return commands
