"""synth runs under -O unless debugging."""

from __future__ import annotations

import os
import subprocess
import sys

from gitops.cli import flags
from tests.conftest import PROJECT

STAYS = "from gitops.cli.flags import optimize; optimize(); import sys; print(sys.flags.optimize)"


def test_debugging_keeps_the_bindings_type_checks(monkeypatch):
    monkeypatch.delenv(flags.DEBUG_ENV, raising=False)
    assert flags.python_flags() == ["-O"]
    monkeypatch.setenv(flags.DEBUG_ENV, "1")
    assert flags.python_flags() == []


def test_already_optimized_or_debugging_it_does_not_start_again():
    env = {k: v for k, v in os.environ.items() if k != flags.DEBUG_ENV}
    optimized = subprocess.run(
        [sys.executable, "-O", "-c", STAYS], cwd=PROJECT, env=env, capture_output=True, text=True, check=True
    )
    debugging = subprocess.run(
        [sys.executable, "-c", STAYS],
        cwd=PROJECT,
        env={**env, flags.DEBUG_ENV: "1"},
        capture_output=True,
        text=True,
        check=True,
    )
    assert (optimized.stdout, debugging.stdout) == ("1\n", "0\n")
