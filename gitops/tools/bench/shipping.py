"""`main.py set-image` and `main.py promote` end to end (edit, synth, review, parity) against a plain synth.

Each runs in a committed sandbox of the seed stack (a repository of its own): set-image gives staging
a new build of the api; promote gives prod the build staging was given in the sandbox's last commit,
with parity proved from that history. Every run starts from the committed tree (`git checkout` of
config/ and dist/, which the plain synth's runs do as well), so each one edits, renders and reviews
for real; the three commands run in turn, run after run.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

from gitops.tools.bench.measure import Result
from gitops.tools.bench.sources import Together
from gitops.tools.bench.workloads import GIT, sandbox

# issue 22: each end to end at most this many times a plain `main.py synth`.
RATIO = 2.0
BUILD = "1a2b3c4d5e"
RESET = "git checkout -q -- config dist && "
COMMANDS = {
    "ship-synth": ("plain synth, from the committed tree", "main.py synth"),
    "ship-set-image": ("set-image: staging runs a new api build", f"main.py set-image api {BUILD} --env staging"),
    "ship-promote": ("promote: prod gets it, parity proved", "main.py promote --from staging --to prod api"),
}


def _staged(project: Path, root: Path, python: str, env: dict[str, str]) -> Path:
    """A committed sandbox whose last commit gives staging the new build (what promote promotes)."""
    work = sandbox(project, root, committed=True)
    subprocess.run(
        [python, "main.py", "set-image", "api", BUILD, "--env", "staging"],
        cwd=work,
        env=env,
        check=True,
        capture_output=True,
    )
    subprocess.run([*GIT, "commit", "-q", "-am", f"staging runs api {BUILD}"], cwd=work, check=True)
    return work


def measure(
    project: Path, root: Path, python: str, env: dict[str, str], runs: int, together: Together
) -> dict[str, Result]:
    """The three commands in one sandbox each, in turn (together: run.measure_together)."""
    fresh = sandbox(project, root / "ship-set-image", committed=True)
    staged = _staged(project, root / "ship-promote", python, env)
    where = {"ship-synth": fresh, "ship-set-image": fresh, "ship-promote": staged}
    print("set-image and promote, end to end, beside a plain synth:", flush=True)
    return together(
        [
            (
                key,
                name,
                ["sh", "-c", RESET + shown.replace("main.py", f"{python} main.py", 1)],
                where[key],
                f"python {shown}",
            )
            for key, (name, shown) in COMMANDS.items()
        ],
        env,
        runs,
    )


def targets(results: dict[str, Result]) -> list[tuple[str, str, bool | None]]:
    """set-image and promote end to end, each against the plain synth measured beside it."""
    synth = results.get("ship-synth")
    rows: list[tuple[str, str, bool | None]] = []
    for key, command in (("ship-set-image", "set-image"), ("ship-promote", "promote")):
        measured = results.get(key)
        if measured is None or synth is None:
            rows.append((f"`{command}` end to end", "not measured", None))
            continue
        ratio = measured.median / synth.median
        rows.append(
            (
                f"`{command}` end to end (edit, synth, review{', parity' if key == 'ship-promote' else ''}) "
                f"≤ {RATIO:.0f} × `main.py synth`",
                f"{measured.median:.2f} s / {synth.median:.2f} s = {ratio:.2f}",
                ratio <= RATIO,
            )
        )
    return rows
