"""Where the rehearsal finds its binaries: one build of each under .tools/cluster/, Redis beside it."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from gitops.rehearse import tools


def _tree(root: Path, redis: bool = True) -> Path:
    cluster = root / ".tools" / "cluster"
    for binary, prefix in tools.BINARIES.items():
        path = cluster / f"{prefix}-v1.0.0" / "bin" / binary
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("")
    if redis:
        path = root / ".tools" / "redis-7.0.15-1-deb12u10" / "bin" / tools.REDIS
        path.parent.mkdir(parents=True)
        path.write_text("")
    return cluster


def test_argo_cd_is_one_build_and_redis_lies_beside_the_cluster_tools(tmp_path: Path):
    located = tools.locate(_tree(tmp_path))
    assert located.paths["argocd-application-controller"].parent == located.paths["argocd"].parent
    assert located.paths[tools.REDIS] == tmp_path / ".tools" / "redis-7.0.15-1-deb12u10" / "bin" / tools.REDIS


def test_without_redis_the_message_names_it(tmp_path: Path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path / "nothing"))  # nor on PATH
    with pytest.raises(tools.ToolsMissing, match=re.escape("missing redis-server; run `make rehearse-tools`")):
        tools.locate(_tree(tmp_path, redis=False))


def test_a_relative_tools_directory_gives_absolute_paths(tmp_path: Path, monkeypatch):
    # Argo CD's processes, and others, run in directories of their own: a path relative to ours finds nothing.
    _tree(tmp_path)
    monkeypatch.chdir(tmp_path)
    located = tools.locate(Path(".tools", "cluster"))
    assert all(path.is_absolute() for path in located.paths.values())
    assert located.paths["argocd"] == tmp_path / ".tools" / "cluster" / "argocd-v1.0.0" / "bin" / "argocd"
