"""CI on a fresh machine: every cache the build uses points at an empty scratch directory, and the target reads it."""

from __future__ import annotations

from pathlib import Path

from gitops.tools.bench import ci
from gitops.tools.bench.measure import Result, Sample


def test_every_cache_is_redirected_into_the_scratch_directory(tmp_path: Path):
    env = ci.fresh_env({"GOFLAGS": "-mod=readonly", "HOME": "/home/x"}, tmp_path)
    assert {k: env[k] for k in ("GOCACHE", "GOMODCACHE", "npm_config_cache", "PIP_CACHE_DIR")} == {
        "GOCACHE": str(tmp_path / "go-build"),
        "GOMODCACHE": str(tmp_path / "go-mod"),
        "npm_config_cache": str(tmp_path / "npm"),
        "PIP_CACHE_DIR": str(tmp_path / "pip"),
    }
    assert env["GOFLAGS"] == "-mod=readonly -modcacherw"
    assert env["HOME"] == "/home/x"


def test_the_target_is_sixty_minutes_and_a_run_without_it_says_so():
    fast = {"result": Result("ci", "ci", [Sample(45 * 60.0, 0)])}
    slow = {"result": Result("ci", "ci", [Sample(61 * 60.0, 0)])}
    assert ci.targets(fast) == [
        ("`.ci/run` on a fresh clone, every build cold ≤ 60 min (CI allows 90)", "45.0 min", True)
    ]
    assert ci.targets(slow)[0][2] is False
    assert ci.targets({}) == [
        ("`.ci/run` on a fresh machine", "not measured in this run (`make bench CI_RUN=1`)", None)
    ]


def test_a_failed_run_is_a_missed_target_with_its_time():
    failed = {"result": Result("ci", "ci", []), "failure": "make: *** [Makefile:133: test] Error 1", "minutes": 12.34}
    assert ci.targets(failed) == [
        ("`.ci/run` on a fresh clone, every build cold ≤ 60 min", "failed after 12.3 min", False)
    ]
