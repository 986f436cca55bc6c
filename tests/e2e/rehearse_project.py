"""End-to-end: the project's own environments pass every drill. This is `make rehearse`'s main run.

One `main.py rehearse` for every environment (each on its own throwaway cluster), its report
printed as it is, and exit 0 required: the commit under test holds every promise.
"""

from __future__ import annotations

import subprocess

from gitops.config import environment_names
from tests.e2e.kit import PROJECT, PYTHON, TOOLS


def test_every_environment_passes_every_drill(capsys):
    done = subprocess.run(
        [PYTHON, "main.py", "rehearse", "--tools", str(TOOLS)],
        cwd=PROJECT,
        capture_output=True,
        text=True,
        timeout=1800,
    )
    with capsys.disabled():
        print("\n" + done.stdout + done.stderr, end="")
    assert done.returncode == 0, done.stdout + done.stderr
    lines = done.stdout.splitlines()
    names = environment_names(PROJECT / "config")
    assert [line for line in lines if not line.startswith(" ")] == [
        *(f"{name}: passed" for name in names),
        f"rehearse: {len(names)} environment(s), 0 broken promise(s) -> passed",
    ]
