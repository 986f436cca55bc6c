"""`make bench`: wall time and peak memory of synth and the gate, with two references.

Every measurement runs a real command in a fresh process, several times, in a
sandbox copy of the project (the real dist/ is never touched), and reports the
median with min-max and the peak resident memory of the whole process tree
(Python and the Node.js process jsii starts), sampled from /proc.

References, measured in the same run on the same objects:
- bare cdk8s: the objects our synth produced, rebuilt as plain cdk8s ApiObjects
  from their dicts (no cdk8s-plus, no config), then written the same way;
- floor: the same dicts written to YAML with no cdk8s at all.

A baseline revision (--baseline REV, extracted with `git archive`) is measured
in the same run for before/after, and one synth of the largest stack is
profiled to show where its time goes.

  python -m gitops.tools.bench [--runs N] [--baseline REV] [--write BENCHMARKS.md]
  python -m gitops.tools.bench bare|floor OBJECTS.json OUT_DIR     (the references themselves)
  python -m gitops.tools.bench profile CONFIG_DIR OUT_DIR          (the profile, as JSON)
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import pstats
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from gitops.layout import PROJECT

SIZES = (10, 100, 1000)
# A synthetic environment has this many objects besides its services (namespace,
# settings, declarations, default deny, Traefik config, Flux source and 3 Kustomizations).
FIXED_OBJECTS = 9
OBJECTS_PER_SERVICE = 3  # Deployment, Service, PodDisruptionBudget

TARGETS = {
    "all environments, python main.py synth (median)": 1.0,
    "full gate, all environments (median)": 5.0,
}
TARGET_MARGINAL_MS = 1.0
TARGET_BARE_RATIO = 1.3
TARGET_PEAK_MB = 300


# --- measuring -------------------------------------------------------------------------------


def _tree_rss(root: int) -> int:
    """Resident memory in bytes of root and all its descendants, from /proc."""
    parents: dict[int, int] = {}
    rss: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
            statm = Path(f"/proc/{entry}/statm").read_text().split()
        except OSError:
            continue
        fields = stat.rsplit(")", 1)[1].split()
        parents[int(entry)] = int(fields[1])
        rss[int(entry)] = int(statm[1]) * os.sysconf("SC_PAGE_SIZE")
    tree, frontier = {root}, [root]
    while frontier:
        current = frontier.pop()
        for pid, ppid in parents.items():
            if ppid == current and pid not in tree:
                tree.add(pid)
                frontier.append(pid)
    return sum(rss.get(pid, 0) for pid in tree)


@dataclass
class Sample:
    seconds: float
    peak_bytes: int


def run_once(command: list[str], cwd: Path, env: dict[str, str]) -> Sample:
    start = time.perf_counter()
    process = subprocess.Popen(command, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    peak = 0
    done = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not done.is_set():
            peak = max(peak, _tree_rss(process.pid))
            done.wait(0.01)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    _, stderr = process.communicate()
    elapsed = time.perf_counter() - start
    done.set()
    sampler.join()
    if process.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} failed ({process.returncode}):\n{stderr.decode()[-2000:]}")
    return Sample(elapsed, peak)


@dataclass
class Result:
    name: str
    command: str
    samples: list[Sample] = field(default_factory=list)
    objects: int | None = None

    @property
    def median(self) -> float:
        return statistics.median(s.seconds for s in self.samples)

    @property
    def low(self) -> float:
        return min(s.seconds for s in self.samples)

    @property
    def high(self) -> float:
        return max(s.seconds for s in self.samples)

    @property
    def peak_mb(self) -> float:
        return max(s.peak_bytes for s in self.samples) / 2**20


def measure(name: str, command: list[str], cwd: Path, env: dict[str, str], runs: int,
            objects: int | None = None, shown: str | None = None) -> Result:
    result = Result(name, shown or " ".join(command), objects=objects)
    run_once(command, cwd, env)  # warm the page cache and jsii's package cache; not counted
    for _ in range(runs):
        result.samples.append(run_once(command, cwd, env))
    print(f"  {name}: median {result.median:.2f} s ({result.low:.2f}-{result.high:.2f}), "
          f"peak {result.peak_mb:.0f} MB", flush=True)
    return result


# --- workloads -------------------------------------------------------------------------------


def sandbox(project: Path, root: Path) -> Path:
    """A copy of the project's sources with its installed tools linked in."""
    work = root / "project"
    work.mkdir(parents=True)
    for name in ("main.py", "cdk8s.yaml", "charts", "gitops", "config"):
        source = project / name
        if source.is_dir():
            shutil.copytree(source, work / name, ignore=shutil.ignore_patterns("__pycache__"))
        elif source.exists():
            shutil.copy2(source, work / name)
    for name in (".venv", "node_modules", ".tools"):
        (work / name).symlink_to(PROJECT / name)
    return work


def synthetic_config(services: int) -> str:
    """An environment of `services` identical small services, for scaling measurements."""
    lines = [
        "cluster:",
        '  kubernetesVersion: "1.34"',
        "  nodes:",
        '    - {name: node-1, cpu: "64", memory: 256Gi}',
        '    - {name: node-2, cpu: "64", memory: 256Gi}',
        "delivery:",
        "  engine: flux",
        "  repository:",
        "    url: https://git.example.com/bench/manifests.git",
        "registry: {host: registry.example.com, pullSecret: registry}",
        "traefik:",
        "  resources: {cpu: 100m, memory: 128Mi, memoryLimit: 256Mi}",
        "secrets:",
        "  registry: {type: kubernetes.io/dockerconfigjson, keys: [.dockerconfigjson]}",
        "services:",
    ]
    for index in range(services):
        lines += [
            f"  svc-{index:04d}:",
            "    component: backend",
            f"    image: registry.example.com/bench/svc:1.0.{index}",
            "    port: 8080",
            "    health: {kind: tcp}",
            "    resources: {cpu: 10m, memory: 32Mi, memoryLimit: 64Mi}",
        ]
    return "\n".join(lines) + "\n"


def services_for(size: int) -> int:
    return max(1, round((size - FIXED_OBJECTS) / OBJECTS_PER_SERVICE))


def _objects_json(dist: Path, target: Path) -> int:
    from gitops.k8s import manifests

    objects = [r.obj for r in manifests.load([dist])]
    target.write_text(json.dumps(objects))
    return len(objects)


# --- the references --------------------------------------------------------------------------


def bare(objects_file: Path, out: Path) -> None:
    """Rebuild the objects as plain cdk8s ApiObjects, synthesize and write them."""
    import cdk8s

    from gitops.render import output

    objects = json.loads(objects_file.read_text())
    shutil.rmtree(out, ignore_errors=True)
    app = cdk8s.App()
    chart = cdk8s.Chart(app, "bare", disable_resource_name_hashes=True)
    for index, obj in enumerate(objects):
        meta = obj["metadata"]
        api = cdk8s.ApiObject(chart, f"o{index}", api_version=obj["apiVersion"], kind=obj["kind"],
                              metadata=cdk8s.ApiObjectMetadata(
                                  name=meta["name"], namespace=meta.get("namespace"),
                                  labels=meta.get("labels"), annotations=meta.get("annotations")))
        patches = [cdk8s.JsonPatch.add(f"/{key}", value) for key, value in obj.items()
                   if key not in ("apiVersion", "kind", "metadata")]
        if patches:
            api.add_json_patch(*patches)
    output.write_unit(out, chart.to_json(), "bench", "")


def floor(objects_file: Path, out: Path) -> None:
    """Write the objects with the project's writer and nothing else."""
    from gitops.render import output

    shutil.rmtree(out, ignore_errors=True)
    output.write_unit(out, json.loads(objects_file.read_text()), "bench", "")


def profile(config_dir: Path, out: Path) -> dict:
    """Where one synth spends its time, from cProfile: imports, config, jsii, writing."""
    started = time.perf_counter()
    import cdk8s  # noqa: F401  (jsii starts Node.js and loads the assemblies here)
    import charts.stack  # noqa: F401

    imported = time.perf_counter()
    from gitops.render.synth import synth

    profiler = cProfile.Profile()
    profiler.enable()
    synth(config_dir, out, write_schema=False)
    profiler.disable()
    total = time.perf_counter() - started
    stats = pstats.Stats(profiler, stream=io.StringIO())

    def cumulative(file_part: str, function: str) -> tuple[int, float]:
        calls, seconds = 0, 0.0
        for (file, _, name), (_, ncalls, _, cum, _) in stats.stats.items():
            if file.endswith(file_part) and name == function:
                calls, seconds = calls + ncalls, seconds + cum
        return calls, seconds

    def own(function: str) -> float:
        return sum(tt for (_, _, name), (_, _, tt, _, _) in stats.stats.items() if name == function)

    messages, jsii_total = cumulative("jsii/_kernel/providers/process.py", "send")
    waiting = sum(
        tt for (file, _, name), (_, _, tt, _, _) in stats.stats.items()
        if name == "<method 'readline' of '_io.BufferedReader' objects>"
    )
    return {
        "total": total,
        "import": imported - started,
        "config": cumulative("gitops/render/synth.py", "load_environments")[1],
        "jsii_messages": messages,
        "jsii_total": jsii_total,
        "jsii_waiting": waiting or own("readline"),
        "write": cumulative("gitops/render/output.py", "write_unit")[1],
    }


# --- the run ---------------------------------------------------------------------------------


def machine() -> dict[str, str]:
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor())
    memory = next((line.split()[1] for line in Path("/proc/meminfo").read_text().splitlines()
                   if line.startswith("MemTotal")), "0")

    def version(command: list[str]) -> str:
        try:
            return subprocess.run(command, capture_output=True, text=True).stdout.strip().splitlines()[0]
        except (OSError, IndexError):
            return "not found"

    return {
        "CPU": f"{cpu}, {os.cpu_count()} cores",
        "Memory": f"{int(memory) // 1024 // 1024} GiB",
        "OS": f"{platform.system()} {platform.release()}",
        "Python": platform.python_version(),
        "Node.js": version(["node", "--version"]),
    }


def extract(revision: str, target: Path) -> Path:
    """The project's files at a git revision, without touching the work tree."""
    target.mkdir(parents=True)
    archive = subprocess.run(["git", "archive", revision], cwd=PROJECT, capture_output=True, check=True).stdout
    subprocess.run(["tar", "-x", "-C", str(target)], input=archive, check=True)
    return target


def run(project: Path, runs: int, baseline: str | None = None) -> dict:
    env = {**os.environ, "JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION": "20"}
    python = str(PROJECT / ".venv" / "bin" / "python")
    results: dict[str, Result] = {}
    before: dict[str, Result] = {}
    with tempfile.TemporaryDirectory(prefix="bench-") as scratch:
        root = Path(scratch)
        work = sandbox(project, root)
        print("synth and gate (the project's environments):", flush=True)
        results["synth-prod"] = measure("synth prod", [python, "main.py", "synth", "--env", "prod"], work, env, runs,
                                        shown="python main.py synth --env prod")
        results["synth-all"] = measure("synth all environments", [python, "main.py", "synth"], work, env, runs,
                                       shown="python main.py synth")
        results["cdk8s-cli"] = measure("cdk8s CLI synth", ["npx", "cdk8s", "synth", "--no-check-upgrade"],
                                       work, env, runs)
        gate = "main.py synth && main.py validate && main.py check"
        results["gate"] = measure(
            "full gate (synth + kubeconform + check)",
            ["sh", "-c", gate.replace("main.py", f"{python} main.py")], work, env, runs, shown=gate,
        )

        for size in SIZES:
            services = services_for(size)
            config = root / f"config-{size}"
            config.mkdir()
            (config / "bench.yaml").write_text(synthetic_config(services))
            dist = root / f"dist-{size}"
            print(f"synthetic stack, ~{size} objects ({services} services):", flush=True)
            size_runs = runs if size < 1000 else max(3, runs // 2)
            ours = measure(f"ours {size}", [python, "main.py", "synth", "--config-dir", str(config),
                                             "--out", str(dist)], work, env, size_runs,
                           shown=f"main.py synth --config-dir <{services} services> --out DIR")
            objects_file = root / f"objects-{size}.json"
            ours.objects = _objects_json(dist, objects_file)
            results[f"ours-{size}"] = ours
            for reference in ("bare", "floor"):
                results[f"{reference}-{size}"] = measure(
                    f"{reference} {size}",
                    # -O, as main.py synth runs itself: the bindings' per-call type checks are off for both.
                    [python, "-O", "-m", "gitops.tools.bench", reference, str(objects_file),
                     str(root / f"{reference}-{size}")],
                    # The references are this checkout's code, whichever checkout is measured.
                    PROJECT, env, size_runs, objects=ours.objects,
                    shown=f"python -O -m gitops.tools.bench {reference} OBJECTS.json DIR",
                )

        print("profile of one synth of the largest stack:", flush=True)
        done = subprocess.run(
            [python, "-O", "-m", "gitops.tools.bench", "profile", str(root / f"config-{SIZES[-1]}"), str(root / "profiled")],
            cwd=PROJECT, env=env, capture_output=True, text=True, check=True,
        )
        profiled = json.loads(done.stdout)

        if baseline:
            print(f"baseline {baseline}:", flush=True)
            old = sandbox(extract(baseline, root / "baseline-src"), root / "baseline")
            before["synth-all"] = measure("synth all environments", [python, "main.py", "synth"], old, env, runs,
                                          shown="python main.py synth")
            before["gate"] = measure(
                "full gate", ["sh", "-c", gate.replace("main.py", f"{python} main.py")], old, env, runs, shown=gate
            )
            big = SIZES[-1]
            before[f"ours-{big}"] = measure(
                f"ours {big}", [python, "main.py", "synth", "--config-dir", str(root / f"config-{big}"),
                                "--out", str(root / "baseline-dist")], old, env, max(3, runs // 2),
                objects=results[f"ours-{big}"].objects,
            )
    return {"machine": machine(), "runs": runs, "results": results, "profile": profiled,
            "baseline": baseline, "before": before}


def _row(result: Result) -> str:
    objects = str(result.objects) if result.objects is not None else ""
    return (f"| {result.name} | {objects} | {result.median:.2f} | {result.low:.2f}–{result.high:.2f} "
            f"| {len(result.samples)} | {result.peak_mb:.0f} | `{result.command}` |")


def report(data: dict) -> str:
    results: dict[str, Result] = data["results"]
    lines = [
        "# Benchmarks",
        "",
        f"Generated by `make bench` (`{data['invocation']}`); every number below",
        "comes from that run. Each command runs in a fresh process, once to warm caches and then "
        f"{data['runs']} times (half as often,",
        "at least 3, for the 1,000-object stack), in a sandbox copy of the project; `python` is the project's",
        "`.venv/bin/python`. Times are wall-clock seconds; peak memory is the resident memory of the whole",
        "process tree (Python and Node.js).",
        "",
        "## Machine",
        "",
        *[f"- {key}: {value}" for key, value in data["machine"].items()],
        "",
        "## Results",
        "",
        "| Measurement | Objects | Median s | Min–max s | Runs | Peak MB | Command |",
        "| --- | ---: | ---: | ---: | ---: | ---: | --- |",
        *[_row(r) for r in results.values()],
        "",
        "## Scaling and references",
        "",
        "| Objects | ours s | bare cdk8s s | floor s | ours/bare | ours/floor |",
        "| ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for size in SIZES:
        ours, bare_, floor_ = results[f"ours-{size}"], results[f"bare-{size}"], results[f"floor-{size}"]
        lines.append(f"| {ours.objects} | {ours.median:.2f} | {bare_.median:.2f} | {floor_.median:.2f} "
                     f"| {ours.median / bare_.median:.2f} | {ours.median / floor_.median:.2f} |")
    marginal = {}
    for small, large in zip(SIZES, SIZES[1:]):
        for kind in ("ours", "bare", "floor"):
            a, b = results[f"{kind}-{small}"], results[f"{kind}-{large}"]
            marginal[(kind, large)] = 1000 * (b.median - a.median) / (b.objects - a.objects)
    lines += [
        "",
        "Marginal cost per object (ms), from the difference between two sizes:",
        "",
        "| Between | ours | bare cdk8s | floor |",
        "| --- | ---: | ---: | ---: |",
        *[f"| {small} → {large} objects | {marginal[('ours', large)]:.2f} | {marginal[('bare', large)]:.2f} "
          f"| {marginal[('floor', large)]:.2f} |" for small, large in zip(SIZES, SIZES[1:])],
        "",
        "## Targets (2-core machine)",
        "",
        "| Target | Measured | Met |",
        "| --- | --- | --- |",
    ]
    synth_all, gate = results["synth-all"], results["gate"]
    # Node's cdk8s CLI runs a second Node.js process in front of ours; it is reported, not held to the target.
    peak = max(r.peak_mb for key, r in results.items() if key != "cdk8s-cli")
    ratio = results["ours-1000"].median / results["bare-1000"].median
    checks = [
        ("all environments synthesize in ≤ 1.0 s (`python main.py synth`)", f"{synth_all.median:.2f} s",
         synth_all.median <= 1.0),
        ("marginal cost ≤ 1 ms per object at 1,000 objects", f"{marginal[('ours', 1000)]:.2f} ms",
         marginal[("ours", 1000)] <= TARGET_MARGINAL_MS),
        ("ours/bare cdk8s ≤ 1.3 (1,000 objects)", f"{ratio:.2f}", ratio <= TARGET_BARE_RATIO),
        ("full gate for all environments ≤ 5 s", f"{gate.median:.2f} s", gate.median <= 5.0),
        ("peak memory ≤ 300 MB (every `main.py` measurement)", f"{peak:.0f} MB", peak <= TARGET_PEAK_MB),
    ]
    lines += [f"| {name} | {value} | {'yes' if met else 'no'} |" for name, value, met in checks]

    p = data["profile"]
    lines += [
        "",
        f"## Where synth's time goes ({SIZES[-1]}-object stack, one run under cProfile)",
        "",
        "| Part | Seconds | Share |",
        "| --- | ---: | ---: |",
        *[f"| {label} | {value:.2f} | {100 * value / p['total']:.0f}% |" for label, value in (
            ("importing cdk8s and cdk8s-plus (starts Node.js, loads the jsii assemblies)", p["import"]),
            ("loading and checking config", p["config"]),
            (f"jsii calls ({p['jsii_messages']} round trips to Node.js), all", p["jsii_total"]),
            ("  of which waiting for Node.js to answer", p["jsii_waiting"]),
            ("writing YAML files", p["write"]),
            ("total", p["total"]),
        )],
        "",
        "The profiler itself slows the Python side; the shares, not the seconds, are the point.",
    ]
    if data.get("before"):
        before = data["before"]
        lines += [
            "",
            f"## Before and after (baseline: `{data['baseline']}`, measured in the same run)",
            "",
            "| Measurement | Before s | After s | Change |",
            "| --- | ---: | ---: | ---: |",
        ]
        for key, result in before.items():
            after = results[key]
            lines.append(f"| {after.name} | {result.median:.2f} | {after.median:.2f} "
                         f"| {100 * (after.median - result.median) / result.median:+.0f}% |")
    return "\n".join(lines) + "\n"


def main(argv: list[str]) -> int:
    if argv[:1] == ["profile"]:
        print(json.dumps(profile(Path(argv[1]), Path(argv[2]))))
        return 0
    if argv[:1] in (["bare"], ["floor"]):
        if len(argv) != 3:
            print("usage: python -m gitops.tools.bench bare|floor OBJECTS.json OUT_DIR", file=sys.stderr)
            return 2
        (bare if argv[0] == "bare" else floor)(Path(argv[1]), Path(argv[2]))
        return 0
    parser = argparse.ArgumentParser(prog="python -m gitops.tools.bench")
    parser.add_argument("--runs", type=int, default=7, help="measured runs per command (default 7)")
    parser.add_argument("--write", type=Path, help="write the Markdown report here (e.g. BENCHMARKS.md)")
    parser.add_argument("--project", type=Path, default=PROJECT, help="measure another checkout of the project")
    parser.add_argument("--baseline", help="git revision to measure in the same run, for before/after")
    args = parser.parse_args(argv)
    data = run(args.project.resolve(), args.runs, args.baseline)
    data["invocation"] = " ".join(["python -m gitops.tools.bench", *argv])
    text = report(data)
    if args.write:
        args.write.write_text(text)
        print(f"wrote {args.write}")
    else:
        print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
