"""Which build an environment ran when: a service's workload manifest in dist/, read along git history.

dist/ is what the clusters run (Flux and Argo CD apply it as git holds it), so the image in
dist/<env>/<unit>/deployment-<service>.yaml at a commit is the build that environment ran from
that commit on. Reading the rendered manifest rather than config keeps the answer right across
any change of config's shape (a tag in config/base.yaml before, images: per environment after).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.error import YAMLError

from gitops.k8s import labels, workloads
from gitops.ship import git
from gitops.ship.git import Commit


def image_of(obj: dict[str, Any], service: str) -> str | None:
    """The image of service's own container in a workload object (its first container otherwise)."""
    containers = workloads.containers(workloads.pod_spec(obj))
    own = containers.get(("containers", service))
    if own is None:
        own = next((c for (kind, _), c in containers.items() if kind == "containers"), None)
    image = own.get("image") if own else None
    return image if isinstance(image, str) else None


def is_workload_of(obj: object, service: str) -> bool:
    if not isinstance(obj, dict) or obj.get("kind") not in workloads.WORKLOADS:
        return False
    return workloads.mapping(workloads.mapping(obj.get("metadata")).get("labels")).get(labels.NAME) == service


def _image_in(text: bytes, service: str) -> str | None:
    try:
        documents = list(YAML(typ="safe", pure=False).load_all(text))
    except YAMLError:
        return None
    return next((image_of(doc, service) for doc in documents if is_workload_of(doc, service)), None)


@dataclass(frozen=True)
class Build:
    """The build an environment ran from a commit on (None: no such workload then)."""

    commit: Commit
    image: str | None


@dataclass(frozen=True)
class History:
    """One service's builds in one environment, newest first, up to a commit."""

    path: str
    builds: list[Build]

    def running_since(self, image: str) -> Commit | None:
        """The commit from which the environment has run image without a break (None: it does not run it)."""
        since = None
        for build in self.builds:
            if build.image != image:
                break
            since = build.commit
        return since

    def last_ran(self, image: str, head: str) -> str | None:
        """The newest commit at which the environment still ran image (head when it runs it now); None if never.

        The first commit after that one changed it; the answer is that commit's first parent.
        """
        newer: Build | None = None
        for build in self.builds:
            if build.image == image:
                return head if newer is None else newer.commit.parent
            newer = build
        return None


def history(root: Path, commit: str, path: str, service: str) -> History:
    """The builds of service in the manifest at path (repository-relative), along commit's first-parent line."""
    commits = git.touching(root, commit, path)
    blobs = git.show(root, [f"{c.sha}:{path}" for c in commits])
    return History(
        path,
        [
            Build(c, _image_in(blob, service) if blob is not None else None)
            for c, blob in zip(commits, blobs, strict=True)
        ],
    )
