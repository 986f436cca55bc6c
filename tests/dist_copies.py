"""Copies of rendered output for tests that change one object: found by kind and name, never by position.

A test copies a synthesized environment into its own temporary directory,
edits or removes one object there (written back in the project's YAML style),
and hands the copy to `check`, `diff` or a reader: real output with one
deliberate difference.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

from gitops.formats.yamlio import dumps
from gitops.k8s import manifests
from gitops.k8s.manifests import load_documents

# Tests that edit output name the production stack's objects (api, worker, redis, ...).
BASE_ENV = "prod"


def tree(root: Path) -> dict[str, bytes]:
    """Every file under root by its relative path, with its bytes: two outputs compare byte for byte."""
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def copy_env(synthesized: Path, tmp_path: Path, env: str = BASE_ENV, name: str | None = None) -> Path:
    """A writable copy of dist/<env> at tmp_path/<name> (default: the environment's name)."""
    target = tmp_path / (name or env)
    shutil.copytree(synthesized / env, target)
    return target


def locate(root: Path, kind: str, name: str) -> Path:
    """The one file under root that holds the object kind/name."""
    # Parsing is the slow part: only files that mention both strings can hold the object.
    candidates = [p for p in manifests.files_under([root]) if kind in (text := p.read_text()) and name in text]
    found = [r.path for p in candidates for r in manifests.parse(p.read_text(), p) if r.kind == kind and r.name == name]
    assert len(found) == 1, f"expected one {kind} {name} under {root}, found {len(found)}"
    return found[0]


def obj(root: Path, kind: str, name: str) -> dict:
    (found,) = [r.obj for r in manifests.load([locate(root, kind, name)]) if r.kind == kind and r.name == name]
    return found


def edit(root: Path, kind: str, name: str, change: Callable[[dict], object]) -> None:
    """Apply change to the one object of that kind and name under root, rewriting its file."""
    path = locate(root, kind, name)
    documents = load_documents(path.read_text())
    edited = 0
    for document in documents:
        if document.get("kind") == kind and document["metadata"]["name"] == name:
            change(document)
            edited += 1
    assert edited == 1
    path.write_text("---\n".join(dumps(d) for d in documents))


def remove(root: Path, kind: str, name: str) -> None:
    locate(root, kind, name).unlink()


def write(root: Path, filename: str, text: str) -> Path:
    """A hand-written file added to the copy."""
    root.mkdir(parents=True, exist_ok=True)
    path = root / filename
    path.write_text(text)
    return path


def pod_spec(workload: dict) -> dict:
    return workload["spec"]["template"]["spec"]


def container(workload: dict, name: str | None = None) -> dict:
    """The container called name (default: the workload's own name) of a workload's pod template."""
    name = name or workload["metadata"]["name"]
    matches = [c for c in pod_spec(workload)["containers"] if c["name"] == name]
    assert len(matches) == 1, f"no container {name} in {workload['metadata']['name']}"
    return matches[0]
