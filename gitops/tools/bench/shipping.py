"""`main.py set-image` and `main.py promote` end to end (edit, synth, review, parity) against a plain synth.

Each runs in a committed sandbox of the seed stack (a repository of its own): set-image gives staging
a new build of the api; promote gives prod the build staging was given in the sandbox's last commit,
with parity proved from that history (when the tree's staging runs builds prod does not yet, a commit
first has staging run prod's, as it did before it got them). Every run starts from the committed tree
(`git checkout` of config/ and dist/, which the plain synth's runs do as well), so each one edits,
renders and reviews for real; the three commands run in turn, run after run.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

from ruamel.yaml import YAML

from gitops.tools.bench.measure import Result
from gitops.tools.bench.sources import Together
from gitops.tools.bench.workloads import GIT, sandbox

# issue 22: each end to end at most this many times a plain `main.py synth`.
RATIO = 2.0
CANDIDATES = ("1a2b3c4d5e", "2b3c4d5e6f", "3c4d5e6f7a")
RESET = "git checkout -q -- config dist && "


def builds(project: Path, env: str) -> dict[str, str]:
    """The build each service runs in env, as config/<env>.yaml says."""
    document = YAML(typ="safe").load((project / "config" / f"{env}.yaml").read_text()) or {}
    return {str(service): str(build) for service, build in (document.get("images") or {}).items()}


def new_build(project: Path) -> str:
    """A build of the api neither staging nor prod runs."""
    running = {builds(project, env).get("api") for env in ("staging", "prod")}
    return next(build for build in CANDIDATES if build not in running)


def commands(build: str) -> dict[str, tuple[str, str]]:
    return {
        "ship-synth": ("plain synth, from the committed tree", "main.py synth"),
        "ship-set-image": ("set-image: staging runs a new api build", f"main.py set-image api {build} --env staging"),
        "ship-promote": ("promote: prod gets it, parity proved", "main.py promote --from staging --to prod api"),
    }


def _set_image(work: Path, python: str, env: dict[str, str], service: str, build: str) -> None:
    subprocess.run(
        [python, "main.py", "set-image", service, build, "--env", "staging"],
        cwd=work,
        env=env,
        check=True,
        capture_output=True,
    )
    subprocess.run([*GIT, "commit", "-q", "-am", f"staging runs {service} {build}"], cwd=work, check=True)


def _staged(project: Path, root: Path, python: str, env: dict[str, str], build: str) -> Path:
    """A committed sandbox whose last commit gives staging the new build (what promote promotes)."""
    work = sandbox(project, root, committed=True)
    staging = builds(work, "staging")
    for service, running in builds(work, "prod").items():
        if staging.get(service) not in (None, running):
            _set_image(work, python, env, service, running)
    _set_image(work, python, env, "api", build)
    return work


def measure(
    project: Path, root: Path, python: str, env: dict[str, str], runs: int, together: Together
) -> dict[str, Result]:
    """The three commands in one sandbox each, in turn (together: run.measure_together)."""
    build = new_build(project)
    fresh = sandbox(project, root / "ship-set-image", committed=True)
    staged = _staged(project, root / "ship-promote", python, env, build)
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
            for key, (name, shown) in commands(build).items()
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
