"""Running a command in a fresh process and recording its wall time and peak memory.

Memory is the resident memory of the process and every descendant (Python,
the Node.js processes jsii starts), sampled from /proc every
10 ms: the whole tree's peak, and the peak of its largest single process.
"""

from __future__ import annotations

import math
import os
import statistics
import subprocess
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path


def _processes() -> tuple[dict[int, int], dict[int, int]]:
    """(parent by pid, resident bytes by pid) of every process, from /proc."""
    parents: dict[int, int] = {}
    rss: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            statm = (entry / "statm").read_text().split()
        except OSError:
            continue
        fields = stat.rsplit(")", 1)[1].split()
        parents[int(entry.name)] = int(fields[1])
        rss[int(entry.name)] = int(statm[1]) * os.sysconf("SC_PAGE_SIZE")
    return parents, rss


def tree_rss(root: int) -> tuple[int, int]:
    """Resident bytes of root and all its descendants: (their sum, the largest single process)."""
    parents, rss = _processes()
    tree, frontier = {root}, [root]
    while frontier:
        current = frontier.pop()
        for pid, ppid in parents.items():
            if ppid == current and pid not in tree:
                tree.add(pid)
                frontier.append(pid)
    sizes = [rss.get(pid, 0) for pid in tree]
    return sum(sizes), max(sizes)


@dataclass
class Sample:
    seconds: float
    peak_bytes: int
    largest_bytes: int = 0
    output: str = ""  # the command's stdout, when asked for


def run_once(command: list[str], cwd: Path, env: dict[str, str], *, capture: bool = False) -> Sample:
    start = time.perf_counter()
    process = subprocess.Popen(
        command, cwd=cwd, env=env, stderr=subprocess.PIPE, stdout=subprocess.PIPE if capture else subprocess.DEVNULL
    )
    peak = largest = 0
    done = threading.Event()

    def sample() -> None:
        nonlocal peak, largest
        while not done.is_set():
            total, single = tree_rss(process.pid)
            peak, largest = max(peak, total), max(largest, single)
            done.wait(0.01)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    stdout, stderr = process.communicate()
    elapsed = time.perf_counter() - start
    done.set()
    sampler.join()
    if process.returncode != 0:
        shown = (stdout or b"").decode()[-2000:] + stderr.decode()[-2000:]
        raise RuntimeError(f"{' '.join(command)} failed ({process.returncode}):\n{shown}")
    return Sample(elapsed, peak, largest, (stdout or b"").decode())


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

    def percentile(self, share: float) -> float:
        """The nearest-rank percentile of the times (share 0.95 for p95)."""
        ordered = sorted(s.seconds for s in self.samples)
        return ordered[max(0, math.ceil(share * len(ordered)) - 1)]

    @property
    def peak_mb(self) -> float:
        return max(s.peak_bytes for s in self.samples) / 2**20

    @property
    def largest_mb(self) -> float:
        return max(s.largest_bytes for s in self.samples) / 2**20


def measure(
    name: str,
    command: list[str],
    cwd: Path,
    env: dict[str, str],
    runs: int,
    objects: int | None = None,
    shown: str | None = None,
) -> Result:
    result = Result(name, shown or " ".join(command), objects=objects)
    run_once(command, cwd, env)  # warm the page cache and jsii's package cache; not counted
    for _ in range(runs):
        result.samples.append(run_once(command, cwd, env))
    print(
        f"  {name}: median {result.median:.2f} s ({result.low:.2f}-{result.high:.2f}), "
        f"peak {result.peak_mb:.0f} MB (largest process {result.largest_mb:.0f} MB)",
        flush=True,
    )
    return result


def make_value(project: Path, variable: str, overrides: list[str], env: dict[str, str] | None = None) -> str:
    """A Makefile variable's value (`make print-VARIABLE`), with the given VAR=value overrides."""
    done = subprocess.run(
        ["make", "-s", "--no-print-directory", f"print-{variable}", *overrides],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout.strip()


def size_mb(root: Path) -> float:
    """The bytes of every regular file under root, in MiB (symlinks not followed)."""
    return sum(p.lstat().st_size for p in root.rglob("*") if p.is_file() and not p.is_symlink()) / 2**20
