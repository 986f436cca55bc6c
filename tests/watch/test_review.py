"""The watcher's review: dist/ at HEAD against dist/ now, as `main.py diff` prints it."""

from __future__ import annotations

import subprocess
from pathlib import Path

from gitops.k8s import manifests
from gitops.watch.review import HeadReview
from tests import sandbox

DEPLOYMENT = Path("dist/prod/apps/deployment-admin.yaml")


def _head(work: Path) -> str:
    return subprocess.run(["git", "rev-parse", "HEAD"], cwd=work, capture_output=True, text=True).stdout[:10]


def test_changes_against_head_and_a_new_head(tmp_path: Path):
    work = sandbox.project(tmp_path)
    review = HeadReview(work)
    try:
        first = review.text(work / "dist")
        objects = len(manifests.load([work / "dist"]))
        assert (
            first == f"dist/ at HEAD ({_head(work)}) → dist/ (working tree)\nno changes ({objects} objects compared)\n"
        )
        path = work / DEPLOYMENT
        path.write_text(path.read_text().replace("replicas: 2", "replicas: 4"))
        changed = review.text(work / "dist")
        assert "  [prod] Deployment honeydue/admin: replicas 2 → 4\n" in changed
        assert "      spec.replicas: 2 → 4\n" in changed
        subprocess.run([*sandbox.GIT, "commit", "-q", "-am", "four"], cwd=work, check=True)
        again = review.text(work / "dist")
        assert (
            again == f"dist/ at HEAD ({_head(work)}) → dist/ (working tree)\nno changes ({objects} objects compared)\n"
        )
    finally:
        review.close()


def test_nothing_committed_at_head_makes_every_object_new(tmp_path: Path):
    work = sandbox.project(tmp_path)
    subprocess.run([*sandbox.GIT, "rm", "-q", "-r", "--cached", "dist"], cwd=work, check=True)
    subprocess.run([*sandbox.GIT, "commit", "-q", "-m", "no dist"], cwd=work, check=True)
    review = HeadReview(work)
    try:
        text = review.text(work / "dist")
    finally:
        review.close()
    objects = len(manifests.load([work / "dist"]))
    assert f"objects: {objects} added, 0 removed, 0 changed, 0 unchanged\n" in text
    assert text.endswith("note: dist: nothing committed at HEAD; every object is new\n")
