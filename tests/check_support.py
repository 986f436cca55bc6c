"""Helpers for the check tests: copies of real output edited one object at a time, findings by rule and object."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

from gitops.k8s import manifests
from gitops.k8s.manifests import load_documents
from gitops.render.yamlio import dumps
from gitops.review.check import engine
from gitops.review.check.engine import Outcome
from gitops.review.findings import Finding

# Mutation tests edit the production stack, whose objects (api, worker, redis, ...) they name.
BASE_ENV = "prod"


def copy_env(synthesized: Path, tmp_path: Path, env: str = BASE_ENV) -> Path:
    target = tmp_path / env
    shutil.copytree(synthesized / env, target)
    return target


def edit(root: Path, kind: str, name: str, change: Callable[[dict], object]) -> None:
    """Apply change to the one object of that kind and name under root, rewriting its file."""
    # Parsing is the slow part: only files that mention both strings can hold the object.
    candidates = [p for p in manifests.files_under([root]) if kind in (text := p.read_text()) and name in text]
    matches = [r for p in candidates for r in manifests.parse(p.read_text(), p) if r.kind == kind and r.name == name]
    assert len(matches) == 1, f"expected one {kind} {name} under {root}, found {len(matches)}"
    path = matches[0].path
    documents = load_documents(path.read_text())
    edited = 0
    for document in documents:
        if document.get("kind") == kind and document["metadata"]["name"] == name:
            change(document)
            edited += 1
    assert edited == 1
    path.write_text("---\n".join(dumps(d) for d in documents))


def write(root: Path, filename: str, text: str) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    path = root / filename
    path.write_text(text)
    return path


def check(*roots: Path) -> Outcome:
    return engine.check_paths("test", list(roots))


def active(outcome: Outcome, rule: str) -> list[Finding]:
    return [f for f in outcome.active if f.rule == rule]


def one(outcome: Outcome, rule: str, kind: str, name: str) -> Finding:
    """The single unwaived finding of rule on the object kind/name."""
    found = [f for f in outcome.active if f.rule == rule and f.kind == kind and f.name == name]
    assert len(found) == 1, f"expected one {rule} finding on {kind} {name}, got {[(f.field, f.message) for f in found]}"
    return found[0]


def container(workload: dict, name: str) -> dict:
    (match,) = [c for c in workload["spec"]["template"]["spec"]["containers"] if c["name"] == name]
    return match
