"""What the rehearsal asks of a GitOps engine, whichever it is: the one interface both engines implement.

fluxengine.py (the real Flux controllers) and argocd.py (the real Argo CD application-controller
and repo-server) implement Engine; rehearsal.py and the drills know an engine only through it.

Commits come in two kinds. A plain commit is one under test, as the project's repository holds
it. A served commit is what the engine fetches for it: a commit on top that points the engine at
the loopback git server (Flux's GitRepository spec.url; Argo CD's Applications' repoURL and its
AppProject's sourceRepos), or the plain commit itself for an engine that needs no such change.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Protocol

from gitops.rehearse.delivery import Delivered

# Why waiting longer for the engine's health checks is pointless (a pod no node can take, say), or
# None to keep waiting. Given to an engine when it is made.
Stalled = Callable[[], str | None]


def never_stalled() -> str | None:
    return None


class Engine(Protocol):
    @property
    def label(self) -> str:
        """How the report names the engine ("Flux", "Argo CD")."""
        ...

    @property
    def notes(self) -> Sequence[str]:
        """What the report must say about how the engine was rehearsed (how it runs, what stands in)."""
        ...

    @property
    def substitutions(self) -> Sequence[str]:
        """What the served commits change against the plain ones, for the report."""
        ...

    @property
    def kept(self) -> Sequence[str]:
        """Objects the engine left in the cluster when git dropped them, because they say Prune=false
        ("Kind ns/name"); empty for an engine that honours no such option (Flux)."""
        ...

    def serve(self, plain: str) -> str:
        """The served commit for plain (made once, then remembered)."""
        ...

    def checkout(self, served: str) -> Path:
        """served's dist/, extracted."""
        ...

    def deliver(self, plain: str) -> Delivered:
        """The README's bootstrap, then plain applied; returns once every unit is healthy or cannot become so."""
        ...

    def sync(self, served: str) -> Delivered:
        """Move git to served and wait, as deliver does, until the engine has applied it."""
        ...

    def derive(self, served: str, remove: list[str], message: str) -> str:
        """A commit on top of served without the files in remove (the prune drill's commit)."""
        ...

    def restore(self, tree_of: str, parent: str, message: str) -> str:
        """A commit on top of parent whose tree is tree_of's (what a revert of everything since does)."""
        ...
