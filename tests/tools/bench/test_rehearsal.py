"""The rehearsal's benchmark: a cached build that rebuilt something is caught, each run's JSON report is read,
the cold build runs each component on empty Go caches (no binary is built and no timing is asserted)."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from gitops.tools.bench import rehearsal
from gitops.tools.bench.measure import Result, Sample
from tests.conftest import PROJECT


def _report(plane: float, drain: float, env: str = "prod") -> str:
    return json.dumps(
        {
            "environments": [
                {
                    "env": env,
                    "headline": f"{env}: drained in {drain}",
                    "seconds": {"controlPlane": plane, "delivery": 9.0, "wall": 60.0},
                    "drills": [{"name": "converge", "seconds": 5.0}, {"name": "drain", "seconds": drain}],
                }
            ]
        }
    )


def test_each_rehearsal_is_read_from_its_own_json_report(monkeypatch, tmp_path):
    outputs = iter([_report(3.0, 20.0), _report(4.0, 22.0)])
    commands = []

    def fake(command, cwd, env, *, capture=False):
        commands.append(command[1:])
        assert capture
        return Sample(70.0, 2**30, output=next(outputs))

    monkeypatch.setattr(rehearsal, "run_once", fake)
    found = rehearsal.rehearse(tmp_path, {}, 2, "prod", "delivery (Flux Ready)")
    assert commands == [["main.py", "rehearse", "--env", "prod", "--format", "json"]] * 2
    assert found["parts"] == {
        "control plane start-up": [3.0, 4.0],
        "delivery (Flux Ready)": [9.0, 9.0],
        "drill: converge": [5.0, 5.0],
        "drill: drain": [20.0, 22.0],
    }
    assert found["headline"] == "prod: drained in 22.0"
    assert found["result"].peak_mb == 1024


def test_a_cached_build_that_rebuilt_a_binary_is_reported(monkeypatch, tmp_path):
    binary = tmp_path / ".tools" / "cluster" / "etcd-v3.6.8" / "bin" / "etcd"
    binary.parent.mkdir(parents=True)
    binary.write_text("1")
    calls = []

    def fake(command, cwd, env):
        calls.append(command)
        if len(calls) == 2:  # the first measured run, after the warm-up
            binary.write_text("2")
            os.utime(binary, ns=(1, 1))  # a new build, whatever the clock's resolution
        return Sample(0.5, 0)

    monkeypatch.setattr(rehearsal, "run_once", fake)
    found = rehearsal.cached_tools(tmp_path, {}, 2)
    assert calls == [["make", "--no-print-directory", "rehearse-tools"]] * 3
    assert found["changed"] == ["etcd-v3.6.8/bin/etcd"]
    rows = rehearsal.targets(
        {
            "cached": found,
            "rehearsals": {"prod": {"result": found["result"], "parts": {"control plane start-up": [1.0]}}},
        }
    )
    name = "`make rehearse-tools` with the binaries built rebuilds nothing"
    assert next(row for row in rows if row[0] == name) == (name, "1 files rebuilt, 0.5 s", False)


def test_prod_and_staging_are_measured_and_reported_side_by_side(monkeypatch, tmp_path):
    outputs = iter([_report(3.0, 20.0), _report(4.0, 2.0, "staging")])
    envs = []

    def fake(command, cwd, env, *, capture=False):
        envs.append(command[command.index("--env") + 1])
        return Sample(60.0 if envs[-1] == "prod" else 45.0, 2**30, output=next(outputs))

    monkeypatch.setattr(rehearsal, "run_once", fake)
    cached = Result("cached", "make rehearse-tools")
    cached.samples.append(Sample(0.1, 0))
    monkeypatch.setattr(rehearsal, "cached_tools", lambda *a: {"result": cached, "changed": []})
    data = rehearsal.measure_all(tmp_path, tmp_path, {}, 1, cold=False)
    assert envs == ["prod", "staging"]
    assert data["rehearsals"]["staging"]["parts"]["delivery (Argo CD Synced and Healthy)"] == [9.0]
    rows = {name: (value, ok) for name, value, ok in rehearsal.targets(data)}
    assert rows["rehearsal of prod with every drill ≤ 120 s wall"] == ("60 s", True)
    assert rows["rehearsal of staging with every drill ≤ 120 s wall"] == ("45 s", True)
    assert rows["control plane start-up ≤ 10 s"] == ("3.5 s", True)
    text = "\n".join(rehearsal.lines(data)).replace("\u2013", "..")  # the ranges' en dash
    assert "| Part (from each run's JSON report) | prod median s | prod min..max s | staging median s |" in text
    assert "| drill: drain | 20.0 | 20.0..20.0 | 2.0 | 2.0..2.0 |" in text
    assert "| delivery (Argo CD Synced and Healthy) | \u2014 | \u2014 | 9.0 | 9.0..9.0 |" in text
    assert "| wall (whole run) | 60.0 | 60.0..60.0 | 45.0 | 45.0..45.0 |" in text


def test_the_cold_build_uses_empty_go_caches_and_a_scratch_tools_directory(monkeypatch, tmp_path):
    project = PROJECT
    seen = []

    def fake(command, cwd, env):
        seen.append((command[-1], env["GOCACHE"], env["GOMODCACHE"], env["GOFLAGS"]))
        Path(env["GOCACHE"]).mkdir(parents=True, exist_ok=True)
        (Path(env["GOCACHE"]) / "entry").write_bytes(b"x" * 2**20)
        return Sample(60.0, 0)

    monkeypatch.setattr(rehearsal, "run_once", fake)
    found = rehearsal.cold_build(project, tmp_path, {"GOFLAGS": "-mod=readonly"})
    stamps = [stamp for stamp, *_ in seen]
    assert [Path(s).parent.parent.name for s in stamps] == [
        "kubernetes-v1.34.4",
        "etcd-v3.6.8",
        "kwok-v0.7.0",
        "flux-v1.9.6",
        "flux-v1.9.6",
        "argocd-v3.2.11",
        "redis-7.0.15-1-deb12u10",
    ]
    assert all(s.startswith(str(tmp_path)) for s in stamps)  # never the project's own .tools/cluster
    caches = {(cache, modules) for _, cache, modules, _ in seen}
    assert len(caches) == 1 and all(str(tmp_path) in path for path in caches.pop())
    assert {flags for *_, flags in seen} == {"-mod=readonly -modcacherw"}
    assert found["seconds"] == 420.0
    assert found["sizes"]["Go build cache"] == pytest.approx(1.0)
    assert list(tmp_path.iterdir()) == []  # the scratch caches are gone
