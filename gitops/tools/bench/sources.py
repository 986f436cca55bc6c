"""`main.py diff` with each change's sources (gitops/review/diff/provenance.py) against plain diff.

Two changes, each committed in a sandbox repository of its own and then edited
in its working tree: 5 config edits of the seed stack (both files, both
environments), and 50 edits of a synthetic stack of 1,000 objects. Each is
diffed against HEAD with and without `--no-sources`, in turn, run after run;
the difference is what naming the sources costs.
"""

from __future__ import annotations

import re
import subprocess
from collections.abc import Callable
from pathlib import Path

from gitops.tools.bench.measure import Result
from gitops.tools.bench.workloads import GIT, SIZES, sandbox, services_for, synthetic_config

SEED_SECONDS = 2.0
LARGE_SECONDS = 20.0
LARGE_EDITS = 50

# (file, text, replacement): four edits of the seed config, two in the base (both environments) and two in prod;
# seed_change adds a fifth, a new build of the api in staging.
SEED_EDITS = (
    ("prod.yaml", "    replicas: 3\n", "    replicas: 4\n"),
    ("base.yaml", "    startupSeconds: 120\n", "    startupSeconds: 150\n"),
    ("base.yaml", '  SMTP_PORT: "587"\n', '  SMTP_PORT: "2525"\n'),
    ("prod.yaml", "    resources: {cpu: 200m, memory: 256Mi", "    resources: {cpu: 300m, memory: 256Mi"),
)
SEED_EDIT_COUNT = len(SEED_EDITS) + 1
NEW_BUILDS = ("7a8b9c0d1e", "8b9c0d1e2f")
# staging's api build, whatever set-image last made it: the line under `images:`.
_API_BUILD = re.compile(r"^images:\n(?:(?:[ \t#].*)?\n)*?(  api: .*\n)", flags=re.M)


def new_api_build(text: str) -> tuple[str, str]:
    """(the api's line under images: in an environment file's text, the line of a build it does not run)."""
    found = _API_BUILD.search(text)
    if found is None:
        raise ValueError("no api build under images: to change")
    line = found.group(1)
    build = next(b for b in NEW_BUILDS if b not in line)
    return line, f"  api: {build}\n"


def seed_change(config: Path) -> int:
    """Make SEED_EDITS and a new api build in staging in config/; how many edits were made."""
    staging = (config / "staging.yaml").read_text()
    edits = [*SEED_EDITS, ("staging.yaml", *new_api_build(staging))]
    for file, old, new in edits:
        path = config / file
        text = path.read_text()
        if old not in text:
            raise ValueError(f"{file} has no {old!r}: SEED_EDITS no longer match config/")
        path.write_text(text.replace(old, new, 1))
    return len(edits)


def synthetic_change(text: str, edits: int) -> str:
    """synthetic_config's text with `edits` edits spread over its services: new builds (images:) and CPU requests."""
    services = sorted(set(re.findall(r"^  (svc-\d{4}):$", text, flags=re.M)))
    if edits > 2 * len(services):
        raise ValueError(f"{edits} edits need at least {(edits + 1) // 2} services, the stack has {len(services)}")
    lines = text.splitlines(keepends=True)
    step = max(1, len(services) // max(1, (edits + 1) // 2))
    chosen = services[::step][: (edits + 1) // 2]
    made = 0
    images = lines.index("images:\n")
    for name in chosen:
        start = lines.index(f"  {name}:\n")
        build = next(n for n in range(images, len(lines)) if lines[n].startswith(f"  {name}: "))
        if made < edits:
            lines[build] = lines[build].replace(": 1.0.", ": 1.1.")
            made += 1
        for offset in range(1, 6):
            line = lines[start + offset]
            if made < edits and "    resources: {cpu: 10m" in line:
                lines[start + offset] = line.replace("cpu: 10m", "cpu: 20m")
                made += 1
    return "".join(lines)


def _committed(project: Path, root: Path, python: str, env: dict[str, str], config_text: str | None) -> Path:
    """A committed sandbox (config and its dist/), the synthetic stack's config in place of config/ if given."""
    work = sandbox(project, root, committed=True)
    if config_text is not None:
        for path in (work / "config").glob("*.yaml"):
            path.unlink()
        (work / "config" / "bench.yaml").write_text(config_text)
        subprocess.run([python, "main.py", "synth"], cwd=work, env=env, check=True, capture_output=True)
        subprocess.run([*GIT, "add", "-A"], cwd=work, check=True)
        subprocess.run([*GIT, "commit", "-q", "-m", "synthetic stack"], cwd=work, check=True)
    return work


Together = Callable[[list[tuple[str, str, list[str], Path, str]], dict[str, str], int], dict[str, Result]]


def measure(
    project: Path, root: Path, python: str, env: dict[str, str], runs: int, together: Together
) -> dict[str, Result]:
    """diff with and without sources, on the seed change and on the large one (together: run.measure_together)."""
    results: dict[str, Result] = {}
    seed = _committed(project, root / "diff-seed", python, env, None)
    edits = seed_change(seed / "config")
    large_text = synthetic_config(services_for(SIZES[-1]))
    large = _committed(project, root / "diff-large", python, env, large_text)
    (large / "config" / "bench.yaml").write_text(synthetic_change(large_text, LARGE_EDITS))
    for key, work, what, count in (
        ("seed", seed, "seed stack", edits),
        (SIZES[-1], large, f"{SIZES[-1]:,} objects", LARGE_EDITS),
    ):
        diff = [python, "main.py", "diff", "--base", "HEAD", "--format", "md"]
        print(f"diff of {count} config edits, {what}:", flush=True)
        results.update(
            together(
                [
                    (
                        f"diff-{key}",
                        f"diff with sources, {count} edits, {what}",
                        diff,
                        work,
                        "python main.py diff --base HEAD --format md",
                    ),
                    (
                        f"diff-{key}-plain",
                        f"diff without sources, {count} edits, {what}",
                        [*diff, "--no-sources"],
                        work,
                        "python main.py diff --base HEAD --format md --no-sources",
                    ),
                ],
                env,
                runs if key == "seed" else max(3, runs // 2),
            )
        )
    return results


def targets(results: dict[str, Result]) -> list[tuple[str, str, bool | None]]:
    """The two speed targets of issue 18, and what the sources add to a plain diff."""
    rows: list[tuple[str, str, bool | None]] = []
    for key, limit, what in (
        ("seed", SEED_SECONDS, f"{SEED_EDIT_COUNT} edits of the seed stack"),
        (SIZES[-1], LARGE_SECONDS, f"{LARGE_EDITS} edits at {SIZES[-1]:,} objects"),
    ):
        with_sources, plain = results.get(f"diff-{key}"), results.get(f"diff-{key}-plain")
        if with_sources is None or plain is None:
            rows.append((f"`diff` with sources, {what}", "not measured", None))
            continue
        added = with_sources.median - plain.median
        rows.append(
            (
                f"`diff` with sources, {what} ≤ {limit:.0f} s (2 cores)",
                f"{with_sources.median:.2f} s; plain diff {plain.median:.2f} s, sources add {added:.2f} s",
                with_sources.median <= limit,
            )
        )
    return rows
