"""Which build an environment ran when, from a manifest's history: since when it runs one, when it last ran another."""

from __future__ import annotations

from gitops.ship.git import Commit
from gitops.ship.history import Build, History


def _history(*images: str | None) -> History:
    """Builds newest first; commit n's first parent is commit n-1."""
    count = len(images)
    builds = [
        Build(Commit(f"c{n}", f"c{n - 1}" if n else None, 1_700_000_000 + n, f"change {n}"), image)
        for n, image in zip(range(count - 1, -1, -1), images, strict=True)
    ]
    return History("dist/staging/apps/deployment-api.yaml", builds)


def test_running_since_is_the_first_commit_of_the_newest_unbroken_run():
    builds = _history("b", "b", "a", "b")
    assert builds.running_since("b").sha == "c2"
    assert builds.running_since("a") is None


def test_last_ran_is_the_parent_of_the_commit_that_changed_it():
    builds = _history("c", "b", "a", "a")
    assert builds.last_ran("a", "HEAD") == "c1"  # c2 changed a to b
    assert builds.last_ran("b", "HEAD") == "c2"
    assert builds.last_ran("c", "HEAD") == "HEAD"  # it runs it now
    assert builds.last_ran("z", "HEAD") is None
