"""Helpers for the diff tests: copy a synthesized environment, edit one object found by kind and name, compare."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

from gitops.k8s import manifests
from gitops.k8s.manifests import load_documents
from gitops.render import yamlio
from gitops.review.diff import report
from gitops.review.diff.load import Loader
from gitops.review.diff.model import Report
from gitops.review.findings import Severity


def copy_env(synthesized: Path, tmp_path: Path, name: str, env: str = "prod") -> Path:
    target = tmp_path / name
    shutil.copytree(synthesized / env, target)
    return target


def before_after(synthesized: Path, tmp_path: Path, env: str = "prod") -> tuple[Path, Path]:
    return copy_env(synthesized, tmp_path, "before", env), copy_env(synthesized, tmp_path, "after", env)


def locate(root: Path, kind: str, name: str) -> Path:
    found = [r.path for r in manifests.load([root]) if r.kind == kind and r.name == name]
    assert len(found) == 1, f"expected one {kind} {name} under {root}, found {len(found)}"
    return found[0]


def obj(root: Path, kind: str, name: str) -> dict:
    (found,) = [r.obj for r in manifests.load([locate(root, kind, name)]) if r.kind == kind and r.name == name]
    return found


def edit(root: Path, kind: str, name: str, change: Callable[[dict], None]) -> None:
    """Apply change to the object in place and write it back (in the project's YAML style)."""
    path = locate(root, kind, name)
    (obj,) = load_documents(path.read_text())
    change(obj)
    path.write_text(yamlio.dumps(obj))


def remove(root: Path, kind: str, name: str) -> None:
    locate(root, kind, name).unlink()


def add(root: Path, file_name: str, text: str) -> None:
    (root / file_name).write_text(text)


def compare(before: Path, after: Path) -> Report:
    loader = Loader()
    return report.build(loader.load("before", [before]), loader.load("after", [after]))


def risks(result: Report) -> list[tuple[str, str, str, str]]:
    """(level, object, field, message) of every risk, highest first."""
    return [(r.severity.label, str(r.subject), r.field, r.message) for r in result.risks]


def risks_of(result: Report, kind: str, name: str) -> list[tuple[str, str, str]]:
    return [(r.severity.label, r.field, r.message) for r in result.risks if r.kind == kind and r.name == name]


def levels(result: Report) -> list[Severity]:
    return [r.severity for r in result.risks]


def pod(obj: dict) -> dict:
    return obj["spec"]["template"]["spec"]


def container(obj: dict, name: str) -> dict:
    (found,) = [c for c in pod(obj)["containers"] if c["name"] == name]
    return found


NEW_API_TAG = "1a2b3c4d5e"


def realistic_change(synthesized: Path, tmp_path: Path) -> tuple[Path, Path, str]:
    """The review example: a new api image tag, the worker scaled to 2, the redis claim removed.

    Returns both directories and the api's old tag.
    """
    before, after = before_after(synthesized, tmp_path)
    old_image = container(obj(before, "Deployment", "api"), "api")["image"]
    repository, _, old_tag = old_image.rpartition(":")

    def new_tag(obj: dict) -> None:
        container(obj, "api")["image"] = f"{repository}:{NEW_API_TAG}"

    edit(after, "Deployment", "api", new_tag)
    edit(after, "Deployment", "worker", lambda obj: obj["spec"].update(replicas=2))
    remove(after, "PersistentVolumeClaim", "redis-data")
    return before, after, old_tag
