"""The largest and deepest inputs the readers take or refuse (issue 19): each judged within seconds, in bounded memory.

Config, the secrets directory, and the manifests `check` and `diff` read from a pull request: for each, the
inputs that once hung or crashed (10,000 and 60,000 levels of nesting, a 50 MB config with one unknown key, a
100 MB manifest, an alias bomb) and the largest that the bounds let through (a config at its size and value
bounds whose every setting is merged over the base's, a check set and a diff of as many objects as one load
reads: gitops/k8s/manifests.py TOTAL_OBJECTS). Refusals exit 2, which the measured command expects; the
largest accepted set is checked and diffed for real.
"""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

from gitops.config.reading import BOUNDS as CONFIG_BOUNDS
from gitops.k8s.manifests import TOTAL_OBJECTS
from gitops.tools.bench.measure import Result
from gitops.tools.bench.workloads import FIXED_OBJECTS, OBJECTS_PER_SERVICE, sandbox, synthetic_config

# "Within seconds, in bounded memory": every row is held to these, on the 2-core machine BENCHMARKS.md names.
SECONDS = 10.0
PEAK_MB = 1024

DEEP = 60_000  # levels that crashed synth, check and diff with SIGSEGV
HUGE_CONFIG_MB = 50
HUGE_MANIFEST_MB = 100

Together = Callable[[list[tuple[str, str, list[str], Path, str]], dict[str, str], int], dict[str, Result]]


def nested(levels: int) -> str:
    """A value of `levels` lists inside each other, on one line."""
    return "[" * levels + "]" * levels


def alias_bomb(width: int = 9, depth: int = 9) -> str:
    """The "billion laughs": each anchor a list of `width` aliases of the one before, width ** depth values in all."""
    lines = [f"a0: &a0 [{', '.join(['lol'] * width)}]"]
    lines += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * width)}]" for i in range(1, depth)]
    return "\n".join(lines) + "\n"


def _sized(path: Path, head: str, line: str, size: int) -> None:
    """head, then line repeated until the file holds `size` bytes, written in blocks (never all in memory)."""
    block = line * max(1, 2**20 // len(line))
    with path.open("w") as handle:
        handle.write(head)
        written = len(head)
        while written < size:
            handle.write(block)
            written += len(block)


def largest_config(prod: str) -> str:
    """prod.yaml with as many settings as the bounds let through, merged over the base's, and one unknown key."""
    line = "  SETTING_00000: value-00000\n"
    room = CONFIG_BOUNDS.bytes - len(prod.encode()) - 64
    count = min((CONFIG_BOUNDS.values - 400) // 2, room // len(line))  # 400: prod.yaml's own values, and to spare
    settings = "".join(f"  SETTING_{i:05d}: value-{i:05d}\n" for i in range(count))
    return prod.replace("settings:\n", "settings:\n" + settings, 1) + "unknownKey: 1\n"


ENVIRONMENTS = 4  # config holds at most 128 KiB a file: the largest set is several environments' objects


def services_at_bound() -> int:
    """Services of each of ENVIRONMENTS synthetic environments, their objects together the closest to TOTAL_OBJECTS
    without passing it."""
    return (TOTAL_OBJECTS // ENVIRONMENTS - FIXED_OBJECTS) // OBJECTS_PER_SERVICE


def largest_stack(services: int) -> dict[str, str]:
    """ENVIRONMENTS synthetic environment files (name -> text), each in a namespace of its own."""
    return {f"bench-{n}": f"namespace: bench-{n}\n" + synthetic_config(services) for n in range(1, ENVIRONMENTS + 1)}


def inputs(project: Path, root: Path, python: str, env: dict[str, str]) -> dict[str, tuple[str, list[str], Path, str]]:
    """key -> (name, command, working directory, command as shown), with every input written under root."""
    work = sandbox(project, root)
    config = work / "config"
    found: dict[str, tuple[str, list[str], Path, str]] = {}

    def variant(key: str, edit: Callable[[Path], object]) -> Path:
        copy = root / key / "config"
        shutil.copytree(config, copy)
        edit(copy)
        return copy

    prod = (config / "prod.yaml").read_text()

    def refused(key: str, name: str, argv: list[str], shown: str) -> None:
        # Exit 2 is the outcome wanted: anything else fails the measurement.
        found[key] = (name, ["sh", "-c", '"$@"; test $? -eq 2', "sh", python, "main.py", *argv], work, shown)

    deep = variant("config-deep", lambda c: (c / "prod.yaml").write_text(prod + f"deep: {nested(DEEP)}\n"))
    refused(
        "bounds-config-deep",
        f"config nested {DEEP:,} levels: refused",
        ["synth", "--config-dir", str(deep), "--out", str(root / "out")],
        f"main.py synth --config-dir <prod.yaml + {DEEP:,} levels>",
    )
    huge = variant(
        "config-huge",
        lambda c: _sized(
            c / "prod.yaml", prod + "bigUnknown:\n", "  KEY: a-value-nobody-asked-for\n", HUGE_CONFIG_MB * 2**20
        ),
    )
    refused(
        "bounds-config-huge",
        f"config of {HUGE_CONFIG_MB} MB with one unknown key: refused",
        ["synth", "--config-dir", str(huge), "--out", str(root / "out")],
        f"main.py synth --config-dir <{HUGE_CONFIG_MB} MB prod.yaml>",
    )
    largest = variant("config-largest", lambda c: (c / "prod.yaml").write_text(largest_config(prod)))
    refused(
        "bounds-config-largest",
        "config at its size bound (128 KiB of settings merged over the base's), one unknown key: refused at its line",
        ["synth", "--config-dir", str(largest), "--out", str(root / "out")],
        "main.py synth --config-dir <largest config the bounds allow>",
    )

    def deep_secret(copy: Path) -> None:
        (copy / "secrets" / "prod").mkdir(parents=True)
        (copy / "secrets" / "prod" / "database.yaml").write_text(f"a: {nested(DEEP)}\n")

    secret = variant("secret-deep", deep_secret)
    refused(
        "bounds-secret-deep",
        f"SOPS file nested {DEEP:,} levels under config/secrets/: refused",
        ["synth", "--config-dir", str(secret), "--out", str(root / "out")],
        f"main.py synth --config-dir <config/secrets/prod/ with {DEEP:,} levels>",
    )

    manifests = root / "manifests"
    for key, write in (
        ("deep", lambda path: path.write_text(f"a: {nested(DEEP)}\n")),
        ("huge", lambda path: _sized(path, "items:\n", "- {a: b}\n", HUGE_MANIFEST_MB * 2**20)),
        ("bomb", lambda path: path.write_text(alias_bomb())),
    ):
        directory = manifests / key
        directory.mkdir(parents=True)
        write(directory / "object.yaml")
    refused(
        "bounds-check-deep",
        f"`check` of a manifest nested {DEEP:,} levels: refused",
        ["check", str(manifests / "deep")],
        f"main.py check <{DEEP:,} levels>",
    )
    refused(
        "bounds-check-huge",
        f"`check` of a {HUGE_MANIFEST_MB} MB manifest: refused",
        ["check", str(manifests / "huge")],
        f"main.py check <{HUGE_MANIFEST_MB} MB file>",
    )
    refused(
        "bounds-check-bomb",
        "`check` of an alias bomb (9^9 values): refused",
        ["check", str(manifests / "bomb")],
        "main.py check <alias bomb>",
    )
    refused(
        "bounds-diff-deep",
        f"`diff` to a manifest nested {DEEP:,} levels: refused",
        ["diff", "--from", str(project / "dist" / "prod"), "--to", str(manifests / "deep")],
        f"main.py diff --from dist/prod --to <{DEEP:,} levels>",
    )

    stack = root / "stack" / "config"
    stack.mkdir(parents=True)
    for name, text in largest_stack(services_at_bound()).items():
        (stack / f"{name}.yaml").write_text(text)
    dist = root / "stack" / "dist"
    subprocess.run(
        [python, "main.py", "synth", "--config-dir", str(stack), "--out", str(dist)],
        cwd=work,
        env=env,
        check=True,
        capture_output=True,
    )
    objects = sum(1 for _ in dist.rglob("*.yaml"))
    found["bounds-check-largest"] = (
        f"`check` of the largest set one load reads ({objects:,} objects, {ENVIRONMENTS} environments)",
        ["sh", "-c", '"$@"; test $? -le 1', "sh", python, "main.py", "check", str(dist)],
        work,
        f"main.py check <{objects:,} objects>",
    )
    found["bounds-diff-largest"] = (
        f"`diff` of two sides of {objects:,} objects each",
        [python, "main.py", "diff", "--from", str(dist), "--to", str(dist)],
        work,
        f"main.py diff --from <{objects:,} objects> --to <the same>",
    )
    return found


def measure(
    project: Path, root: Path, python: str, env: dict[str, str], runs: int, together: Together
) -> dict[str, Result]:
    """Every input in turn, run after run (together: run.measure_together)."""
    print("the largest and deepest inputs, refused or judged:", flush=True)
    specs = [(key, *spec) for key, spec in inputs(project, root, python, env).items()]
    return together(specs, env, runs)


def targets(results: dict[str, Result]) -> list[tuple[str, str, bool | None]]:
    """Each input judged within SECONDS and PEAK_MB."""
    measured = [(key, result) for key, result in results.items() if key.startswith("bounds-")]
    if not measured:
        return [("the largest and deepest inputs", "not measured", None)]
    return [
        (
            f"{result.name} in ≤ {SECONDS:.0f} s and ≤ {PEAK_MB} MB",
            f"{result.median:.2f} s, {result.peak_mb:.0f} MB",
            result.median <= SECONDS and result.peak_mb <= PEAK_MB,
        )
        for _, result in measured
    ]
