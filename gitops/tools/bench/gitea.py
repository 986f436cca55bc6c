"""What the Gitea end-to-end suite costs: Gitea's cold and cached build, and the suite's wall time.

The cold build is `make $(GITEA_STAMP)` on empty Go build and module caches of its own (module
downloads and the cgo SQLite part included) into a scratch directory: what a fresh CI machine pays
for `make e2e-gitea` (asked for with `make bench COLD_BUILD=1`, like the cluster's cold build). The
cached build is `make gitea-tools` with the binary there: it must rebuild nothing. The suite is
`make e2e-gitea` once, start to end (the real `make test` of the pull request is most of it).
"""

from __future__ import annotations

import subprocess
import tempfile
from pathlib import Path

from gitops.tools.bench.measure import Result, make_value, run_once, size_mb

COLD_BUILD_MINUTES = 15
SUITE_MINUTES = 10
STAMP = "GITEA_STAMP"


def cold_build(project: Path, root: Path, env: dict[str, str]) -> dict:
    """Gitea built once on empty Go caches into a scratch directory: its Result and what it left behind."""
    scratch = Path(tempfile.mkdtemp(prefix="cold-gitea-", dir=root))
    cache, modules, binary = scratch / "go-build", scratch / "go-mod", scratch / "gitea" / "bin"
    flags = " ".join(filter(None, (env.get("GOFLAGS", ""), "-modcacherw")))
    cold = {**env, "GOCACHE": str(cache), "GOMODCACHE": str(modules), "GOFLAGS": flags}
    overrides = [f"GITEA_BIN={binary}"]
    # The stamp's name holds the module cache's path (the binary reads the source from there): asked
    # with the same empty caches as the build.
    stamp = make_value(project, STAMP, overrides, cold)
    result = Result("cold build: Gitea (the end-to-end suite's forge)", f"make $({STAMP}), empty Go caches")
    result.samples.append(run_once(["make", "--no-print-directory", *overrides, stamp], project, cold))
    print(f"  {result.name}: {result.median:.0f} s", flush=True)
    sizes = {"Go build cache": size_mb(cache), "Go module cache": size_mb(modules), "binary": size_mb(binary)}
    subprocess.run(["rm", "-rf", str(scratch)], check=True)
    return {"result": result, "sizes": sizes}


def _files(root: Path) -> dict[str, int]:
    return {str(p.relative_to(root)): p.stat().st_mtime_ns for p in root.rglob("*") if p.is_file()}


def cached_tools(project: Path, env: dict[str, str], runs: int) -> dict:
    """`make gitea-tools` once Gitea is built: its time, and that it rebuilt nothing."""
    command = ["make", "--no-print-directory", "gitea-tools"]
    run_once(command, project, env)  # builds it if this checkout has not yet
    built = project / make_value(project, "GITEA_BIN", [], env)
    before = _files(built)
    result = Result("`make gitea-tools`, Gitea already built", "make gitea-tools")
    for _ in range(runs):
        result.samples.append(run_once(command, project, env))
    after = _files(built)
    changed = sorted(name for name in before.keys() | after.keys() if before.get(name) != after.get(name))
    print(f"  make gitea-tools, cached: median {result.median:.2f} s, {len(changed)} files rebuilt", flush=True)
    return {"result": result, "changed": changed}


def suite(project: Path, env: dict[str, str]) -> Result:
    """`make e2e-gitea` once, start to end."""
    result = Result("end-to-end suite on a real Gitea", "make e2e-gitea")
    result.samples.append(run_once(["make", "--no-print-directory", "e2e-gitea"], project, env))
    print(f"  make e2e-gitea: {result.median:.0f} s, peak {result.peak_mb:.0f} MB", flush=True)
    return result


def measure_all(project: Path, root: Path, env: dict[str, str], runs: int, *, cold: bool) -> dict:
    data: dict = {"cached": cached_tools(project, env, runs), "suite": suite(project, env)}
    if cold:
        data["cold"] = cold_build(project, root, env)
    return data


def targets(data: dict) -> list[tuple[str, str, bool | None]]:
    cached, run = data["cached"], data["suite"]
    cold = data.get("cold")
    rows: list[tuple[str, str, bool | None]] = []
    if cold:
        seconds = cold["result"].median
        rows.append(
            (
                f"cold build of Gitea (empty Go caches) ≤ {COLD_BUILD_MINUTES} min",
                f"{seconds / 60:.1f} min",
                seconds <= 60 * COLD_BUILD_MINUTES,
            )
        )
    else:
        rows.append(("cold build of Gitea", "not measured in this run (`make bench COLD_BUILD=1`)", None))
    rows += [
        (
            "`make gitea-tools` with Gitea built rebuilds nothing",
            f"{len(cached['changed'])} files rebuilt, {cached['result'].median:.1f} s",
            not cached["changed"],
        ),
        (
            f"`make e2e-gitea` ≤ {SUITE_MINUTES} min wall",
            f"{run.median / 60:.1f} min",
            run.median <= 60 * SUITE_MINUTES,
        ),
    ]
    return rows


def rows(data: dict) -> list[Result]:
    """The suite's measurements as rows of the Results table."""
    cold = data.get("cold")
    return [data["cached"]["result"], data["suite"], *([cold["result"]] if cold else [])]


def lines(data: dict) -> list[str]:
    """BENCHMARKS.md's section on the Gitea end-to-end suite."""
    run = data["suite"]
    out = [
        "## The Gitea end-to-end suite",
        "",
        "`make e2e-gitea`, once: Gitea on 127.0.0.1, this repository pushed, a pull request, the workflow's",
        f"steps on it (the real `make test` among them) and a 300-object comment: {run.median:.0f} s wall, "
        f"peak {run.peak_mb:.0f} MB",
        "(the suite's whole process tree).",
    ]
    cold = data.get("cold")
    if cold:
        out += [
            "",
            f"Cold build of Gitea on empty Go caches: {cold['result'].median:.0f} s, peak "
            f"{cold['result'].peak_mb:.0f} MB; left behind: "
            + ", ".join(f"{name} {mb:,.0f} MB" for name, mb in cold["sizes"].items())
            + ".",
        ]
    return out
