"""The served repository: the URL substitution is one commit that changes one line, nothing else."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from gitops.rehearse import repo

GITREPOSITORY = "dist/clusters/prod/gitrepository.yaml"
TEXT = "kind: GitRepository\nspec:\n  interval: 1m\n  url: https://gitea.example/o/r.git\n"


@pytest.fixture
def served(tmp_path: Path) -> tuple[Path, str]:
    work = tmp_path / "work"
    for path, text in ((GITREPOSITORY, TEXT), ("dist/prod/a.yaml", "a\n"), ("dist/prod/b.yaml", "b\n")):
        (work / path).parent.mkdir(parents=True, exist_ok=True)
        (work / path).write_text(text)
    subprocess.run(["git", "init", "--quiet", str(work)], check=True)
    subprocess.run(["git", "-C", str(work), "add", "-A"], check=True)
    repo.git(work, "commit", "--quiet", "-m", "one", env=repo.AUTHOR)
    commit = repo.git(work, "rev-parse", "HEAD").strip()
    return repo.create_served(tmp_path, work, [commit]), commit


def test_the_substitution_changes_only_the_url(served):
    bare, commit = served
    head, sub = repo.substitute(
        bare, commit, GITREPOSITORY, "https://gitea.example/o/r.git", "http://127.0.0.1:1234/honeydue-gitops.git"
    )
    assert repo.git(bare, "rev-parse", f"{head}^").strip() == commit
    assert repo.git(bare, "diff", "--name-only", commit, head).split() == [GITREPOSITORY]
    assert repo.git(bare, "show", f"{head}:{GITREPOSITORY}") == TEXT.replace(
        "https://gitea.example/o/r.git", "http://127.0.0.1:1234/honeydue-gitops.git"
    )
    assert (sub.file, sub.field, sub.old, sub.new) == (
        GITREPOSITORY,
        "spec.url",
        "https://gitea.example/o/r.git",
        "http://127.0.0.1:1234/honeydue-gitops.git",
    )


def test_the_substitution_can_leave_files_out(served):
    bare, commit = served
    head, _ = repo.substitute(
        bare, commit, GITREPOSITORY, "https://gitea.example/o/r.git", "http://x/r.git", remove=["dist/prod/b.yaml"]
    )
    assert repo.files(bare, head, "dist/prod") == ["dist/prod/a.yaml"]
    assert "dist/prod/b.yaml: removed" in repo.git(bare, "log", "-1", "--format=%B", head)


def test_a_url_that_is_not_there_once_is_refused(served):
    bare, commit = served
    with pytest.raises(repo.RepoError, match=re.escape("expected one line 'url: https://other/r.git'")):
        repo.substitute(bare, commit, GITREPOSITORY, "https://other/r.git", "http://x/r.git")


def test_a_restore_commit_has_the_tree_it_restores(served):
    bare, commit = served
    removed = repo.commit_change(bare, commit, "drill", remove=["dist/prod/a.yaml"])
    assert repo.files(bare, removed, "dist/prod") == ["dist/prod/b.yaml"]
    back = repo.commit_tree_of(bare, commit, removed, "restore")
    assert repo.git(bare, "rev-parse", f"{back}^").strip() == removed
    assert repo.git(bare, "rev-parse", f"{back}^{{tree}}") == repo.git(bare, "rev-parse", f"{commit}^{{tree}}")
