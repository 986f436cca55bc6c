"""The developer's loop: a first `make synth` in a fresh clone, and save-to-summary under `synth --watch`."""

from __future__ import annotations

import os
import queue
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

from gitops.tools.bench.measure import Result, Sample

# The scripted edit: the admin Deployment's replicas in prod, back and forth (a change with a capacity line).
EDITED = Path("config/prod.yaml")
BEFORE, AFTER = "  admin:\n    replicas: 2\n", "  admin:\n    replicas: 3\n"
TOUCHED_CHART = Path("charts/naming.py")
# What only `make test` or `make rehearse` installs (the Makefile's stamps): a first `make synth` leaves them out.
NOT_FOR_SYNTH = (".venv/.installed-dev", "node_modules", ".tools/bin", ".tools/schemas", ".tools/cluster")


def package_sources(python: Path, env: dict[str, str]) -> str:
    """What pip could install from without downloading, before the clone's install: its head start."""
    done = subprocess.run([str(python), "-m", "pip", "cache", "dir"], capture_output=True, text=True)
    cache = Path(done.stdout.strip()) if done.returncode == 0 and done.stdout.strip() else None
    cached = sum(p.stat().st_size for p in cache.rglob("*") if p.is_file()) / 2**20 if cache and cache.is_dir() else 0
    links = [Path(p) for p in env.get("PIP_FIND_LINKS", "").split() if Path(p).is_dir()]
    wheels = sum(1 for directory in links for p in directory.glob("*.whl"))
    local = f"; {wheels} local wheels (PIP_FIND_LINKS)" if wheels else ""
    return f"pip cache {cached:.0f} MB{local}"


def fresh_clone(project: Path, root: Path, env: dict[str, str], runs: int) -> dict[str, Result | str | list[str]]:
    """`git clone` of the project's HEAD, timed through its first `make synth`, then its next ones."""
    clone = root / "fresh"
    subprocess.run(["git", "clone", "-q", str(project), str(clone)], check=True)
    sources = package_sources(project / ".venv" / "bin" / "python", env)
    # Only the clone's own tools count: nothing of this checkout's environment, nor of an outer make.
    inherited = ("VIRTUAL_ENV", "PIPENV_ACTIVE", "PYTHONPATH", "MAKEFLAGS", "MFLAGS", "MAKELEVEL")
    clean = {k: v for k, v in env.items() if k not in inherited}
    first = Result("first make synth, fresh clone", "git clone && make synth")
    started = time.perf_counter()
    done = subprocess.run(["make", "synth"], cwd=clone, env=clean, capture_output=True, text=True)
    first.samples.append(Sample(time.perf_counter() - started, 0))
    if done.returncode != 0:
        raise RuntimeError(f"make synth in a fresh clone failed:\n{done.stdout[-2000:]}{done.stderr[-2000:]}")
    installed = [name for name in NOT_FOR_SYNTH if (clone / name).exists()]
    print(
        f"  first make synth in a fresh clone: {first.median:.1f} s ({sources}); "
        f"test or rehearsal tools installed: {', '.join(installed) or 'none'}",
        flush=True,
    )
    again = Result("make synth again, same clone", "make synth")
    direct = Result("python main.py synth, same clone", "python main.py synth")
    for _ in range(runs):  # alternated, so both see the same machine
        for result, command in ((again, ["make", "synth"]), (direct, [".venv/bin/python", "main.py", "synth"])):
            started = time.perf_counter()
            subprocess.run(command, cwd=clone, env=clean, check=True, capture_output=True)
            result.samples.append(Sample(time.perf_counter() - started, 0))
    print(f"  make synth again: median {again.median:.2f} s; python main.py synth: {direct.median:.2f} s", flush=True)
    shutil.rmtree(clone, ignore_errors=True)
    return {"first": first, "again": again, "direct": direct, "sources": sources, "installed": installed}


class Running:
    """`main.py ARGS` in a project copy, its output lines read as they come (as a terminal shows them),
    each with the moment it was read. The benchmark times watch's round trips with it; the tests drive
    watch with it too."""

    def __init__(self, work: Path, args: list[str], env: dict[str, str], python: str = sys.executable) -> None:
        self.args = args
        self.process = subprocess.Popen(
            [python, "main.py", *args],
            cwd=work,
            env=env,
            text=True,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            # Ctrl-C must reach it even when its caller runs with SIGINT ignored (in the background).
            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
        )
        self.lines: queue.Queue[tuple[float, str | None]] = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.put((time.perf_counter(), line))
        self.lines.put((time.perf_counter(), None))

    def until(self, marker: str, timeout: float = 120) -> tuple[float, str]:
        """When the next line starting with marker was read, and the output up to and including it."""
        seen: list[str] = []
        while True:
            at, line = self.lines.get(timeout=timeout)
            if line is None:
                _, stderr = self.process.communicate()
                raise RuntimeError(
                    f"main.py {' '.join(self.args)} exited ({self.process.returncode}):\n"
                    f"{''.join(seen)}{stderr[-2000:]}"
                )
            seen.append(line)
            if line.startswith(marker):
                return at, "".join(seen)

    def interrupt(self) -> tuple[int, str]:
        """Ctrl-C; the exit code and everything it printed on stderr."""
        self.process.send_signal(signal.SIGINT)
        _, stderr = self.process.communicate(timeout=60)
        return self.process.returncode, stderr


def watch_round_trips(work: Path, env: dict[str, str], edits: int, chart_edits: int) -> dict[str, Result]:
    """Seconds from saving a file to the end of the printed summary, edit after edit."""
    from gitops.cli.watch import WAITING

    path, chart = work / EDITED, work / TOUCHED_CHART
    original, chart_text = path.read_text(), chart.read_text()
    if BEFORE not in original:
        raise RuntimeError(f"{EDITED} no longer holds the scripted edit's text")
    config = Result("watch: save config/prod.yaml → summary", f"python main.py synth --watch; edit {EDITED}")
    charts = Result(
        "watch: save charts/naming.py → summary (the command starts again)",
        f"python main.py synth --watch; edit {TOUCHED_CHART}",
    )
    watching = Running(work, ["synth", "--watch"], env, python=str(work / ".venv" / "bin" / "python"))
    try:
        watching.until(WAITING)
        for index in range(edits):
            time.sleep(0.2)  # a pause between saves, as between a developer's
            started = time.perf_counter()
            path.write_text(original.replace(BEFORE, AFTER) if index % 2 == 0 else original)
            config.samples.append(Sample(watching.until(WAITING)[0] - started, 0))
        for index in range(chart_edits):
            time.sleep(0.2)
            started = time.perf_counter()
            chart.write_text(chart_text + "\n" * (index + 1))
            charts.samples.append(Sample(watching.until(WAITING)[0] - started, 0))
    finally:
        code, _ = watching.interrupt()
        path.write_text(original)
        chart.write_text(chart_text)
    if code != 130:
        raise RuntimeError(f"synth --watch ended with {code} on Ctrl-C, not 130")
    print(
        f"  watch round trip: p50 {config.median:.2f} s, p95 {config.percentile(0.95):.2f} s; "
        f"after a charts/ edit {charts.median:.2f} s",
        flush=True,
    )
    return {"watch-config": config, "watch-charts": charts}


def load_average() -> str:
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return " ".join(f"{value:.2f}" for value in os.getloadavg())
