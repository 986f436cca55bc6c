"""The loopback git server: real `git clone` over smart HTTP, with the run's credentials and nothing else."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from gitops.rehearse import repo
from gitops.rehearse.gitserver import GitServer
from gitops.rehearse.ports import Ports


@pytest.fixture
def served(tmp_path: Path):
    work = tmp_path / "work"
    work.mkdir()
    (work / "dist").mkdir()
    (work / "dist" / "a.yaml").write_text("kind: ConfigMap\n")
    subprocess.run(["git", "init", "--quiet", str(work)], check=True)
    subprocess.run(["git", "-C", str(work), "add", "-A"], check=True)
    repo.git(work, "commit", "--quiet", "-m", "one", env=repo.AUTHOR)
    commit = repo.git(work, "rev-parse", "HEAD").strip()
    bare = repo.create_served(tmp_path, work, [commit])
    repo.point_branch(bare, "main", commit)
    server = GitServer(tmp_path, Ports().take())
    server.start()
    yield server, commit, tmp_path
    server.stop()


def _clone(url: str, target: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        ["git", "-c", "credential.helper=", "clone", "--quiet", url, str(target)],
        capture_output=True,
        text=True,
        timeout=60,
        env={"GIT_TERMINAL_PROMPT": "0", "PATH": "/usr/bin:/bin:/usr/local/bin"},
    )


def test_git_clones_the_served_branch_over_smart_http(served):
    server, commit, tmp = served
    url = server.url(repo.REPOSITORY).replace("http://", f"http://{server.username}:{server.password}@")
    done = _clone(url, tmp / "clone")
    assert done.returncode == 0, done.stderr
    assert (tmp / "clone" / "dist" / "a.yaml").read_text() == "kind: ConfigMap\n"
    assert repo.git(tmp / "clone", "rev-parse", "HEAD").strip() == commit
    assert any(r.startswith("POST /honeydue-gitops.git/git-upload-pack") for r in server.requests)


def test_a_wrong_password_is_refused(served):
    server, _, tmp = served
    url = server.url(repo.REPOSITORY).replace("http://", f"http://{server.username}:wrong@")
    done = _clone(url, tmp / "refused")
    assert done.returncode != 0
    assert not (tmp / "refused" / "dist").exists()


def test_it_listens_on_loopback_only(served):
    server, _, _ = served
    assert server.url("x.git").startswith("http://127.0.0.1:")
    assert server.address == ("127.0.0.1", server.port)
