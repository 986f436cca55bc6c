"""What the cluster rehearsal costs: its binaries' cold and cached build, and a rehearsal of prod.

Prod is rehearsed with every drill, run after run.

The cold build is what CI's first run on a new machine pays: every component of `make rehearse-tools`,
one after the other in the Makefile's order, on empty Go build and module caches (module downloads
included), into a scratch .tools/cluster. Later components reuse what earlier ones compiled (client-go,
apimachinery), as in CI. It takes about as long as the rest of the benchmark together, so it runs only
when asked for (`make bench COLD_BUILD=1`).
"""

from __future__ import annotations

import json
import statistics
import subprocess
import tempfile
from pathlib import Path

from gitops.tools.bench.measure import Result, run_once

# (what is built, the Makefile variable naming its stamp), in the order REHEARSE_TOOLS lists them.
COMPONENTS = (
    ("kube-apiserver, kube-controller-manager, kube-scheduler, kubectl", "K8S_STAMP"),
    ("etcd", "ETCD_STAMP"),
    ("kwok", "KWOK_STAMP"),
    ("Flux source-controller", "SOURCE_STAMP"),
    ("Flux kustomize-controller", "KUSTOMIZE_CONTROLLER_STAMP"),
    ("Argo CD (application-controller, repo-server, server, CLI)", "ARGOCD_STAMP"),
)
# "Well inside CI's 90 minutes" with room for `make test` and the rehearsal on the same machine.
COLD_BUILD_MINUTES = 30
REHEARSAL_SECONDS = 120
CONTROL_PLANE_SECONDS = 10
REHEARSED_ENV = "prod"


def _stamp(project: Path, variable: str, cluster_tools: Path) -> str:
    done = subprocess.run(
        ["make", "-s", "--no-print-directory", f"print-{variable}", f"CLUSTER_TOOLS={cluster_tools}"],
        cwd=project,
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout.strip()


def _size_mb(root: Path) -> float:
    return sum(p.lstat().st_size for p in root.rglob("*") if p.is_file() and not p.is_symlink()) / 2**20


def cold_build(project: Path, root: Path, env: dict[str, str]) -> dict:
    """Each component built once on empty Go caches: a Result each, and the caches' size afterwards."""
    scratch = Path(tempfile.mkdtemp(prefix="cold-build-", dir=root))
    cluster_tools, cache, modules = scratch / "cluster", scratch / "go-build", scratch / "go-mod"
    # -modcacherw: the scratch module cache can be deleted afterwards like any directory.
    flags = " ".join(filter(None, (env.get("GOFLAGS", ""), "-modcacherw")))
    cold = {**env, "GOCACHE": str(cache), "GOMODCACHE": str(modules), "GOFLAGS": flags}
    results: dict[str, Result] = {}
    for name, variable in COMPONENTS:
        stamp = _stamp(project, variable, cluster_tools)
        result = Result(f"cold build: {name}", f"make $({variable}), empty Go caches")
        result.samples.append(
            run_once(["make", "--no-print-directory", f"CLUSTER_TOOLS={cluster_tools}", stamp], project, cold)
        )
        print(f"  {result.name}: {result.median:.0f} s", flush=True)
        results[variable] = result
    total = sum(r.median for r in results.values())
    print(f"  cold build, every component: {total / 60:.1f} min", flush=True)
    sizes = {
        "Go build cache": _size_mb(cache),
        "Go module cache": _size_mb(modules),
        "binaries": _size_mb(cluster_tools),
    }
    subprocess.run(["rm", "-rf", str(scratch)], check=True)
    return {"components": results, "seconds": total, "sizes": sizes}


def _files(root: Path) -> dict[str, int]:
    return {str(p.relative_to(root)): p.stat().st_mtime_ns for p in root.rglob("*") if p.is_file()}


def cached_tools(project: Path, env: dict[str, str], runs: int) -> dict:
    """`make rehearse-tools` once the binaries are there: its time, and that it rebuilt nothing."""
    command = ["make", "--no-print-directory", "rehearse-tools"]
    run_once(command, project, env)  # builds them if this checkout has not yet
    cluster = project / ".tools" / "cluster"
    before = _files(cluster)
    result = Result("`make rehearse-tools`, binaries already built", "make rehearse-tools")
    for _ in range(runs):
        result.samples.append(run_once(command, project, env))
    after = _files(cluster)
    changed = sorted(name for name in before.keys() | after.keys() if before.get(name) != after.get(name))
    print(f"  make rehearse-tools, cached: median {result.median:.2f} s, {len(changed)} files rebuilt", flush=True)
    return {"result": result, "changed": changed}


def rehearse(project: Path, env: dict[str, str], runs: int) -> dict:
    """`main.py rehearse --env prod` with every drill, run after run: its wall time and peak memory (the
    whole cluster is its process tree), and from each run's JSON report the control plane's start-up,
    delivery and each drill."""
    command = [
        str(project / ".venv" / "bin" / "python"),
        "main.py",
        "rehearse",
        "--env",
        REHEARSED_ENV,
        "--format",
        "json",
    ]
    result = Result(
        f"rehearsal of {REHEARSED_ENV}, every drill", f"python main.py rehearse --env {REHEARSED_ENV} --format json"
    )
    reports = []
    for _ in range(runs):
        sample = run_once(command, project, env, capture=True)
        result.samples.append(sample)
        reports.append(next(e for e in json.loads(sample.output)["environments"] if e["env"] == REHEARSED_ENV))
    parts: dict[str, list[float]] = {"control plane start-up": [], "delivery (Flux Ready)": []}
    for report in reports:
        parts["control plane start-up"].append(report["seconds"]["controlPlane"])
        parts["delivery (Flux Ready)"].append(report["seconds"]["delivery"])
        for drill in report["drills"]:
            parts.setdefault(f"drill: {drill['name']}", []).append(drill["seconds"])
    print(
        f"  rehearsal of {REHEARSED_ENV}: median {result.median:.0f} s, control plane "
        f"{statistics.median(parts['control plane start-up']):.1f} s, peak {result.peak_mb:.0f} MB",
        flush=True,
    )
    return {"result": result, "parts": parts, "headline": reports[-1]["headline"]}


def measure_all(project: Path, root: Path, env: dict[str, str], runs: int, *, cold: bool) -> dict:
    data = {"cached": cached_tools(project, env, runs), "rehearsal": rehearse(project, env, runs)}
    if cold:
        data["cold"] = cold_build(project, root, env)
    return data


def targets(data: dict) -> list[tuple[str, str, bool | None]]:
    rehearsal = data["rehearsal"]
    result, plane = rehearsal["result"], statistics.median(rehearsal["parts"]["control plane start-up"])
    cached = data["cached"]
    cold = data.get("cold")
    rows: list[tuple[str, str, bool | None]] = []
    if cold:
        rows.append(
            (
                f"cold build of every cluster binary (empty Go caches) ≤ {COLD_BUILD_MINUTES} min",
                f"{cold['seconds'] / 60:.1f} min",
                cold["seconds"] <= 60 * COLD_BUILD_MINUTES,
            )
        )
    else:
        rows.append(
            ("cold build of every cluster binary", "not measured in this run (`make bench COLD_BUILD=1`)", None)
        )
    rows += [
        (
            "`make rehearse-tools` with the binaries built rebuilds nothing",
            f"{len(cached['changed'])} files rebuilt, {cached['result'].median:.1f} s",
            not cached["changed"],
        ),
        (
            f"rehearsal of {REHEARSED_ENV} with every drill ≤ {REHEARSAL_SECONDS} s wall",
            f"{result.median:.0f} s",
            result.median <= REHEARSAL_SECONDS,
        ),
        (f"control plane start-up ≤ {CONTROL_PLANE_SECONDS} s", f"{plane:.1f} s", plane <= CONTROL_PLANE_SECONDS),
    ]
    return rows


def rows(data: dict) -> list[Result]:
    """The rehearsal's measurements as rows of the Results table."""
    cold = data.get("cold")
    return [data["cached"]["result"], data["rehearsal"]["result"], *(cold["components"].values() if cold else ())]


def lines(data: dict) -> list[str]:
    """BENCHMARKS.md's section on the rehearsal."""
    rehearsal = data["rehearsal"]
    out = [
        "## The cluster rehearsal",
        "",
        f"`python main.py rehearse --env {REHEARSED_ENV}`, every drill, {len(rehearsal['result'].samples)} runs; "
        "its memory is the whole",
        "throwaway cluster's (etcd, the control plane, kwok, the Flux controllers and the git server are its",
        f"process tree). The last run's headline: {rehearsal['headline']}",
        "",
        "| Part (from each run's JSON report) | Median s | Min–max s |",
        "| --- | ---: | ---: |",
        *[
            f"| {part} | {statistics.median(values):.1f} | {min(values):.1f}–{max(values):.1f} |"
            for part, values in rehearsal["parts"].items()
            if values
        ],
    ]
    cold = data.get("cold")
    if cold:
        out += [
            "",
            "Cold build, component after component on empty Go caches (later ones reuse what earlier ones",
            "compiled), downloads from the Go module proxy included:",
            "",
            "| Component | Seconds | Peak MB |",
            "| --- | ---: | ---: |",
            *[
                f"| {r.name.removeprefix('cold build: ')} | {r.median:.0f} | {r.peak_mb:.0f} |"
                for r in cold["components"].values()
            ],
            f"| every component | {cold['seconds']:.0f} | |",
            "",
            "Left behind on a fresh machine: "
            + ", ".join(f"{name} {mb:,.0f} MB" for name, mb in cold["sizes"].items())
            + ".",
        ]
    return out
