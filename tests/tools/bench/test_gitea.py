"""The Gitea suite's benchmark: Gitea built cold on empty Go caches into a scratch directory, a cached build
that rebuilt something is caught, the suite is one `make e2e-gitea`, and their rows (no binary is built and
no timing is asserted)."""

from __future__ import annotations

import os
from pathlib import Path

from gitops.tools.bench import gitea
from gitops.tools.bench.measure import Result, Sample
from gitops.tools.bench.report import report
from tests.conftest import PROJECT
from tests.tools.bench.test_report import _data


def test_the_cold_build_uses_empty_go_caches_and_a_scratch_directory(monkeypatch, tmp_path):
    seen = []

    def fake(command, cwd, env):
        seen.append((command, env["GOCACHE"], env["GOMODCACHE"], env["GOFLAGS"]))
        Path(env["GOCACHE"]).mkdir(parents=True, exist_ok=True)
        (Path(env["GOCACHE"]) / "entry").write_bytes(b"x" * 2**20)
        return Sample(250.0, 2**30)

    monkeypatch.setattr(gitea, "run_once", fake)
    found = gitea.cold_build(PROJECT, tmp_path, {**os.environ, "GOFLAGS": "-mod=readonly"})
    ((command, cache, modules, flags),) = seen
    stamp = Path(command[-1])
    assert command[:3] == ["make", "--no-print-directory", f"GITEA_BIN={stamp.parent}"]
    assert stamp.name.startswith(".gitea-") and str(stamp).startswith(str(tmp_path))  # never the project's .tools
    assert str(tmp_path) in cache and str(tmp_path) in modules and flags == "-mod=readonly -modcacherw"
    assert found["result"].median == 250.0
    assert found["sizes"]["Go build cache"] == 1.0
    assert list(tmp_path.iterdir()) == []  # the scratch caches are gone


def test_a_cached_build_that_rebuilt_gitea_is_reported(monkeypatch, tmp_path):
    built = tmp_path / ".tools" / "gitea-v1.25.5" / "bin"
    built.mkdir(parents=True)
    (built / "gitea").write_text("1")
    calls = []

    def fake(command, cwd, env):
        calls.append(command)
        if len(calls) == 2:
            (built / "gitea").write_text("2")
            os.utime(built / "gitea", ns=(1, 1))
        return Sample(0.2, 0)

    monkeypatch.setattr(gitea, "run_once", fake)
    monkeypatch.setattr(gitea, "make_value", lambda project, variable, overrides, env: ".tools/gitea-v1.25.5/bin")
    found = gitea.cached_tools(tmp_path, {}, 2)
    assert calls == [["make", "--no-print-directory", "gitea-tools"]] * 3
    assert found["changed"] == ["gitea"]


def test_the_suite_is_one_make_e2e_gitea(monkeypatch, tmp_path):
    commands = []
    monkeypatch.setattr(gitea, "run_once", lambda command, cwd, env: commands.append(command) or Sample(400.0, 2**29))
    result = gitea.suite(tmp_path, {})
    assert commands == [["make", "--no-print-directory", "e2e-gitea"]]
    assert (result.median, result.peak_mb) == (400.0, 512)


def _gitea(cold: bool) -> dict:
    data: dict = {
        "cached": {
            "result": Result("`make gitea-tools`, Gitea already built", "make gitea-tools", [Sample(0.3, 0)]),
            "changed": [],
        },
        "suite": Result("end-to-end suite on a real Gitea", "make e2e-gitea", [Sample(420.0, 2**30)]),
    }
    if cold:
        data["cold"] = {
            "result": Result("cold build: Gitea (the end-to-end suite's forge)", "make", [Sample(270.0, 2**30)]),
            "sizes": {"Go build cache": 1500.0, "Go module cache": 600.0, "binary": 100.0},
        }
    return data


def test_the_rows_in_benchmarks_md():
    text = report(_data(gitea=_gitea(cold=True)))
    for row in [
        "| cold build of Gitea (empty Go caches) ≤ 15 min | 4.5 min | yes |",
        "| `make gitea-tools` with Gitea built rebuilds nothing | 0 files rebuilt, 0.3 s | yes |",
        "| `make e2e-gitea` ≤ 10 min wall | 7.0 min | yes |",
        "| end-to-end suite on a real Gitea |  | 420.00 | 420.00–420.00 | 1 | 1024 | 0 | `make e2e-gitea` |",  # noqa: RUF001 - the report writes ranges with an en dash
        "## The Gitea end-to-end suite",
        "Cold build of Gitea on empty Go caches: 270 s, peak 1024 MB; left behind: Go build cache 1,500 MB, "
        "Go module cache 600 MB, binary 100 MB.",
    ]:
        assert row in text
    assert "| cold build of Gitea | not measured in this run (`make bench COLD_BUILD=1`) | — |" in report(
        _data(gitea=_gitea(cold=False))
    )
    assert "| the Gitea end-to-end suite | not measured (--no-gitea) | — |" in report(_data())
