"""One `make bench` run: every measurement, in sandboxes, on this machine."""

from __future__ import annotations

import json
import os
import platform
import subprocess
import tempfile
from pathlib import Path

from gitops.cli.flags import DEBUG_ENV
from gitops.layout import PROJECT
from gitops.tools.bench import adopt, bounds, ci, devloop, gitea, rehearsal, shipping, sources
from gitops.tools.bench.measure import Result, measure, run_once
from gitops.tools.bench.references import FLOOR_CODE
from gitops.tools.bench.workloads import (
    REALISTIC_SERVICES,
    SIZES,
    objects_json,
    sandbox,
    services_for,
    synthetic_config,
)

Spec = tuple[str, str, list[str], Path, str]  # key, name, command, working directory, command as shown


def measure_together(specs: list[Spec], env: dict[str, str], runs: int) -> dict[str, Result]:
    """Each command once to warm up, then all of them in turn, run after run: a ratio between two of
    them then compares runs made moments apart, on a machine that others may be using too."""
    results = {key: Result(name, shown) for key, name, _, _, shown in specs}
    for _, _, command, cwd, _ in specs:
        run_once(command, cwd, env)
    for _ in range(runs):
        for key, _, command, cwd, _ in specs:
            results[key].samples.append(run_once(command, cwd, env))
    for result in results.values():
        print(
            f"  {result.name}: median {result.median:.2f} s ({result.low:.2f}-{result.high:.2f}), "
            f"peak {result.peak_mb:.0f} MB (largest process {result.largest_mb:.0f} MB)",
            flush=True,
        )
    return results


def machine() -> dict[str, str]:
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    memory = next(
        (line.split()[1] for line in Path("/proc/meminfo").read_text().splitlines() if line.startswith("MemTotal")), "0"
    )

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


def _phases(python: str, config: Path, out: Path, env: dict[str, str]) -> dict:
    done = subprocess.run(
        [python, "-O", "-m", "gitops.tools.bench", "phases", str(config), str(out)],
        cwd=PROJECT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(done.stdout)


def _baseline_config(python: str, checkout: Path, size: int, config: Path) -> str:
    """The synthetic stack of `size` objects as the baseline checkout's own workloads.py writes it."""
    program = (
        "import sys\n"
        "from gitops.tools.bench.workloads import services_for, synthetic_config\n"
        f"sys.stdout.write(synthetic_config(services_for({size})))\n"
    )
    done = subprocess.run([python, "-c", program], cwd=checkout, capture_output=True, text=True, check=True)
    config.mkdir(parents=True, exist_ok=True)
    (config / "bench.yaml").write_text(done.stdout)
    return str(config)


def run(
    project: Path,
    runs: int,
    baseline: str | None = None,
    *,
    clone: bool = True,
    edits: int = 20,
    rehearse: bool = True,
    cold_build: bool = False,
    rehearsal_runs: int = 3,
    e2e_gitea: bool = True,
    ci_run: bool = False,
) -> dict:
    env = {**os.environ, "JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION": "20"}
    python = str(PROJECT / ".venv" / "bin" / "python")
    shown_python = "python"
    data: dict = {"machine": machine(), "runs": runs, "baseline": baseline, "load": [devloop.load_average()]}
    results: dict[str, Result] = {}
    with tempfile.TemporaryDirectory(prefix="bench-") as scratch:
        root = Path(scratch)
        work = sandbox(project, root / "sandbox", committed=True)
        main = [python, "main.py", "synth", "--out", str(root / "out")]
        print("the seed stack: each environment alone, all of them, and the jsii floor:", flush=True)
        results.update(
            measure_together(
                [
                    (
                        "floor",
                        "jsii floor: empty App, cdk8s and cdk8s-plus imported",
                        [python, "-O", "-c", FLOOR_CODE, str(root / "floor-out")],
                        work,
                        f'{shown_python} -O -c "{FLOOR_CODE}"',
                    ),
                    ("synth-prod", "synth prod", [*main, "--env", "prod"], work, "python main.py synth --env prod"),
                    (
                        "synth-staging",
                        "synth staging",
                        [*main, "--env", "staging"],
                        work,
                        "python main.py synth --env staging",
                    ),
                    ("synth-all", "synth all environments", main, work, "python main.py synth"),
                    (
                        "synth-debug",
                        "synth all environments without -O",
                        ["env", f"{DEBUG_ENV}=1", *main],
                        work,
                        f"{DEBUG_ENV}=1 python main.py synth",
                    ),
                ],
                env,
                runs,
            )
        )
        results["cdk8s-cli"] = measure(
            "cdk8s CLI synth", ["npx", "cdk8s", "synth", "--no-check-upgrade"], work, env, runs
        )
        gate = "main.py synth && main.py validate && main.py check"
        results["gate"] = measure(
            "full gate (synth + kubeconform + check)",
            ["sh", "-c", gate.replace("main.py", f"{python} main.py")],
            work,
            env,
            runs,
            shown=gate,
        )
        print("synth --watch with a scripted edit:", flush=True)
        results.update(devloop.watch_round_trips(work, env, edits, chart_edits=3))
        data["phases-seed"] = _phases(python, work / "config", root / "phases-seed", env)
        results.update(sources.measure(project, root / "sources", python, env, runs, measure_together))
        results.update(shipping.measure(project, root / "shipping", python, env, runs, measure_together))
        results.update(bounds.measure(project, root / "bounds", python, env, max(3, runs // 2), measure_together))

        for size in SIZES:
            services = services_for(size)
            config = root / f"config-{size}"
            config.mkdir()
            (config / "bench.yaml").write_text(synthetic_config(services))
            dist = root / f"dist-{size}"
            subprocess.run(
                [python, "main.py", "synth", "--config-dir", str(config), "--out", str(dist)],
                cwd=work,
                env=env,
                check=True,
                capture_output=True,
            )
            objects_file = root / f"objects-{size}.json"
            objects = objects_json(dist, objects_file)
            print(f"synthetic stack, {objects} objects ({services} services):", flush=True)
            size_runs = runs if size < 1000 else max(3, runs // 2)
            # -O, as main.py synth runs itself: the bindings' per-call type checks are off for all of them.
            references = [
                (
                    f"{kind}-{size}",
                    f"{kind} {size}",
                    [python, "-O", "-m", "gitops.tools.bench", kind, str(objects_file), str(root / f"{kind}-{size}")],
                    PROJECT,
                    f"python -O -m gitops.tools.bench {kind} OBJECTS.json DIR",
                )
                for kind in ("bare", "writer")
            ]
            measured = measure_together(
                [
                    (
                        f"ours-{size}",
                        f"ours {size}",
                        [python, "main.py", "synth", "--config-dir", str(config), "--out", str(dist)],
                        work,
                        f"main.py synth --config-dir <{services} services> --out DIR",
                    ),
                    *references,
                ],
                env,
                size_runs,
            )
            for result in measured.values():
                result.objects = objects
            results.update(measured)
        data["phases-large"] = _phases(python, root / f"config-{SIZES[-1]}", root / "phases-large", env)

        print(f"{REALISTIC_SERVICES} services, with and without -O:", flush=True)
        config = root / "config-realistic"
        config.mkdir()
        (config / "bench.yaml").write_text(synthetic_config(REALISTIC_SERVICES))
        realistic = [python, "main.py", "synth", "--config-dir", str(config), "--out", str(root / "dist-realistic")]
        shown = f"main.py synth --config-dir <{REALISTIC_SERVICES} services> --out DIR"
        results.update(
            measure_together(
                [
                    ("realistic", f"synth {REALISTIC_SERVICES} services", realistic, work, f"python {shown}"),
                    (
                        "realistic-debug",
                        f"synth {REALISTIC_SERVICES} services without -O",
                        ["env", f"{DEBUG_ENV}=1", *realistic],
                        work,
                        f"{DEBUG_ENV}=1 python {shown}",
                    ),
                ],
                env,
                max(3, runs // 2),
            )
        )

        if clone:
            print("a fresh clone:", flush=True)
            data["clone"] = devloop.fresh_clone(project, root, env, runs)
        if rehearse:
            print("the cluster rehearsal:", flush=True)
            data["rehearsal"] = rehearsal.measure_all(project, root, env, rehearsal_runs, cold=cold_build)
        if e2e_gitea:
            print("the Gitea end-to-end suite:", flush=True)
            data["gitea"] = gitea.measure_all(project, root, env, rehearsal_runs, cold=cold_build)
        print("the cutover (main.py adopt, rehearse --adopt):", flush=True)
        data["adopt"] = adopt.measure_all(project, root, env, max(3, runs // 2), rehearsal_runs, cluster=rehearse)
        pairs: dict[str, dict[str, Result]] = {}
        if baseline:
            print(f"baseline {baseline}, each measurement beside this checkout's:", flush=True)
            old = sandbox(extract(baseline, root / "baseline-src"), root / "baseline")
            big = SIZES[-1]
            commands = {
                "synth-all": ("synth all environments", [python, "main.py", "synth"], "python main.py synth"),
                "gate": ("full gate", ["sh", "-c", gate.replace("main.py", f"{python} main.py")], gate),
                f"ours-{big}": (
                    f"ours {big}",
                    [
                        python,
                        "main.py",
                        "synth",
                        "--config-dir",
                        str(root / f"config-{big}"),
                        "--out",
                        str(root / "dist-pair"),
                    ],
                    f"ours {big}",
                ),
            }
            # The stack in each checkout's own config format (`images:` came after the baseline).
            old_config = _baseline_config(python, old, big, root / f"config-{big}-baseline")
            for key, (name, command, shown) in commands.items():
                # Each side writes its own output: synth refuses a directory another synth wrote without a marker.
                theirs = {
                    str(root / f"config-{big}"): old_config,
                    str(root / "dist-pair"): str(root / "dist-pair-baseline"),
                }
                before = [theirs.get(part, part) for part in command]
                pair = measure_together(
                    [
                        ("before", f"{name}, {baseline}", before, old, shown),
                        ("after", f"{name}, this checkout", command, work, shown),
                    ],
                    env,
                    runs if key != f"ours-{big}" else max(3, runs // 2),
                )
                pairs[key] = pair
    if ci_run:
        print("CI on a fresh machine:", flush=True)
        with tempfile.TemporaryDirectory(prefix="bench-ci-") as scratch:
            data["ci"] = ci.fresh_ci(project, Path(scratch), env)
    data["load"].append(devloop.load_average())
    data.update(results=results, pairs=pairs)
    return data
