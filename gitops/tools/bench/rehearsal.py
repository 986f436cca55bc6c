"""What the cluster rehearsal costs: its binaries' cold and cached build, and a rehearsal of prod and staging.

One environment per engine, prod (Flux) and staging (Argo CD), each with every drill, run after run,
reported side by side.

The cold build is what CI's first run on a new machine pays: every component of `make rehearse-tools`,
one after the other in the Makefile's order, on empty Go build and module caches (module downloads
included), into a scratch .tools/ (Redis, Debian's packages unpacked, included). Later components
reuse what earlier ones compiled (client-go, apimachinery), as in CI. It takes about as long as the
rest of the benchmark together, so it runs only when asked for (`make bench COLD_BUILD=1`).
"""

from __future__ import annotations

import json
import statistics
import subprocess
import tempfile
from pathlib import Path

from gitops.tools.bench.measure import Result, make_value, run_once, size_mb

# (what is built, the Makefile variable naming its stamp), in the order REHEARSE_TOOLS lists them.
COMPONENTS = (
    ("kube-apiserver, kube-controller-manager, kube-scheduler, kubectl", "K8S_STAMP"),
    ("etcd", "ETCD_STAMP"),
    ("kwok", "KWOK_STAMP"),
    ("Flux source-controller", "SOURCE_STAMP"),
    ("Flux kustomize-controller", "KUSTOMIZE_CONTROLLER_STAMP"),
    ("Argo CD (application-controller, repo-server, server, CLI)", "ARGOCD_STAMP"),
    ("Redis (Debian's packages, unpacked)", "REDIS_STAMP"),
)
# "Well inside CI's 90 minutes" with room for `make test` and the rehearsal on the same machine.
COLD_BUILD_MINUTES = 30
REHEARSAL_SECONDS = 120
CONTROL_PLANE_SECONDS = 10
# One environment per engine, reported side by side: (environment, what its delivery time measures).
REHEARSED = (("prod", "delivery (Flux Ready)"), ("staging", "delivery (Argo CD Synced and Healthy)"))


def _locations(tools: Path) -> list[str]:
    """make variables that put every build under a scratch tools directory (Redis beside the cluster)."""
    return [f"TOOLS={tools}", f"CLUSTER_TOOLS={tools / 'cluster'}"]


def cold_build(project: Path, root: Path, env: dict[str, str]) -> dict:
    """Each component built once on empty Go caches: a Result each, and the caches' size afterwards."""
    scratch = Path(tempfile.mkdtemp(prefix="cold-build-", dir=root))
    tools, cache, modules = scratch / "tools", scratch / "go-build", scratch / "go-mod"
    # -modcacherw: the scratch module cache can be deleted afterwards like any directory.
    flags = " ".join(filter(None, (env.get("GOFLAGS", ""), "-modcacherw")))
    cold = {**env, "GOCACHE": str(cache), "GOMODCACHE": str(modules), "GOFLAGS": flags}
    results: dict[str, Result] = {}
    for name, variable in COMPONENTS:
        stamp = make_value(project, variable, _locations(tools))
        result = Result(f"cold build: {name}", f"make $({variable}), empty Go caches")
        result.samples.append(run_once(["make", "--no-print-directory", *_locations(tools), stamp], project, cold))
        print(f"  {result.name}: {result.median:.0f} s", flush=True)
        results[variable] = result
    total = sum(r.median for r in results.values())
    print(f"  cold build, every component: {total / 60:.1f} min", flush=True)
    sizes = {
        "Go build cache": size_mb(cache),
        "Go module cache": size_mb(modules),
        "binaries": size_mb(tools),
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


def rehearse(project: Path, env: dict[str, str], runs: int, name: str, delivery: str) -> dict:
    """`main.py rehearse --env name` with every drill, run after run: its wall time and peak memory (the
    whole cluster is its process tree), and from each run's JSON report the control plane's start-up,
    delivery and each drill."""
    command = [str(project / ".venv" / "bin" / "python"), "main.py", "rehearse", "--env", name, "--format", "json"]
    result = Result(f"rehearsal of {name}, every drill", f"python main.py rehearse --env {name} --format json")
    reports = []
    for _ in range(runs):
        sample = run_once(command, project, env, capture=True)
        result.samples.append(sample)
        reports.append(next(e for e in json.loads(sample.output)["environments"] if e["env"] == name))
    parts: dict[str, list[float]] = {"control plane start-up": [], delivery: []}
    for report in reports:
        parts["control plane start-up"].append(report["seconds"]["controlPlane"])
        parts[delivery].append(report["seconds"]["delivery"])
        for drill in report["drills"]:
            parts.setdefault(f"drill: {drill['name']}", []).append(drill["seconds"])
    print(
        f"  rehearsal of {name}: median {result.median:.0f} s, control plane "
        f"{statistics.median(parts['control plane start-up']):.1f} s, peak {result.peak_mb:.0f} MB",
        flush=True,
    )
    return {"result": result, "parts": parts, "headline": reports[-1]["headline"]}


def measure_all(project: Path, root: Path, env: dict[str, str], runs: int, *, cold: bool) -> dict:
    data = {
        "cached": cached_tools(project, env, runs),
        "rehearsals": {name: rehearse(project, env, runs, name, delivery) for name, delivery in REHEARSED},
    }
    if cold:
        data["cold"] = cold_build(project, root, env)
    return data


def targets(data: dict) -> list[tuple[str, str, bool | None]]:
    rehearsals = data["rehearsals"]
    plane = statistics.median(
        seconds for measured in rehearsals.values() for seconds in measured["parts"]["control plane start-up"]
    )
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
    rows.append(
        (
            "`make rehearse-tools` with the binaries built rebuilds nothing",
            f"{len(cached['changed'])} files rebuilt, {cached['result'].median:.1f} s",
            not cached["changed"],
        )
    )
    for name, measured in rehearsals.items():
        median = measured["result"].median
        rows.append(
            (
                f"rehearsal of {name} with every drill ≤ {REHEARSAL_SECONDS} s wall",
                f"{median:.0f} s",
                median <= REHEARSAL_SECONDS,
            )
        )
    rows.append(
        (f"control plane start-up ≤ {CONTROL_PLANE_SECONDS} s", f"{plane:.1f} s", plane <= CONTROL_PLANE_SECONDS)
    )
    return rows


def rows(data: dict) -> list[Result]:
    """The rehearsal's measurements as rows of the Results table."""
    cold = data.get("cold")
    return [
        data["cached"]["result"],
        *(measured["result"] for measured in data["rehearsals"].values()),
        *(cold["components"].values() if cold else ()),
    ]


def lines(data: dict) -> list[str]:
    """BENCHMARKS.md's section on the rehearsal: each environment's parts side by side."""
    rehearsals = data["rehearsals"]
    names = list(rehearsals)
    runs = max(len(measured["result"].samples) for measured in rehearsals.values())
    parts = list(dict.fromkeys(part for measured in rehearsals.values() for part in measured["parts"]))

    def cell(name: str, part: str) -> str:
        values = rehearsals[name]["parts"].get(part)
        if not values:
            return "— | —"
        return f"{statistics.median(values):.1f} | {min(values):.1f}–{max(values):.1f}"

    out = [
        "## The cluster rehearsal",
        "",
        f"`python main.py rehearse --env ENV`, every drill, {runs} runs each: "
        + ", ".join(
            f"{name} ({delivery.removeprefix('delivery (').rstrip(')')})"
            for name, delivery in REHEARSED
            if name in rehearsals
        )
        + ". Its memory is the whole throwaway cluster's (etcd, the control plane, kwok, the engine's",
        "controllers and the git server are its process tree).",
        "",
        *(f"The last {name} run's headline: {rehearsals[name]['headline']}" for name in names),
        "",
        "| Part (from each run's JSON report) | " + " | ".join(f"{n} median s | {n} min–max s" for n in names) + " |",
        "| --- |" + " ---: | ---: |" * len(names),
        *[f"| {part} | " + " | ".join(cell(name, part) for name in names) + " |" for part in parts],
        "| wall (whole run) | "
        + " | ".join(
            f"{rehearsals[n]['result'].median:.1f} | "
            f"{min(s.seconds for s in rehearsals[n]['result'].samples):.1f}–"
            f"{max(s.seconds for s in rehearsals[n]['result'].samples):.1f}"
            for n in names
        )
        + " |",
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
