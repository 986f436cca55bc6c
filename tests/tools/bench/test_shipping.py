"""The benchmark of set-image and promote: real runs in a committed sandbox, and the target against plain synth."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from gitops.tools.bench import shipping
from gitops.tools.bench.measure import Result, Sample
from tests.conftest import PROJECT


def _result(seconds: float) -> Result:
    return Result("x", "x", [Sample(seconds, 0, 0)] * 3)


def test_targets_compare_each_command_with_the_synth_beside_it():
    rows = shipping.targets({"ship-synth": _result(1.5), "ship-set-image": _result(2.1), "ship-promote": _result(3.3)})
    assert rows == [
        ("`set-image` end to end (edit, synth, review) ≤ 2 × `main.py synth`", "2.10 s / 1.50 s = 1.40", True),
        ("`promote` end to end (edit, synth, review, parity) ≤ 2 × `main.py synth`", "3.30 s / 1.50 s = 2.20", False),
    ]
    assert shipping.targets({})[0] == ("`set-image` end to end", "not measured", None)


def test_each_measured_command_edits_renders_and_reviews_for_real_every_run(tmp_path: Path):
    runs: list[tuple[str, list[str], Path]] = []

    def together(specs, env, count):
        for key, _, command, cwd, _ in specs:
            for _ in range(2):  # a second run starts from the committed tree again
                done = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True)
                assert done.returncode == 0, done.stderr
                runs.append((key, done.stdout.splitlines()[:1], cwd))
        return {}

    python = str(PROJECT / ".venv" / "bin" / "python")
    shipping.measure(PROJECT, tmp_path, python, dict(os.environ), 2, together)
    assert [key for key, _, _ in runs] == ["ship-synth"] * 2 + ["ship-set-image"] * 2 + ["ship-promote"] * 2
    outputs = [first[0] for _, first, _ in runs]
    assert all(line.startswith("synthesized prod, staging") for line in outputs[:2])
    build, staging = shipping.new_build(PROJECT), shipping.builds(PROJECT, "staging")["api"]
    prod = shipping.builds(PROJECT, "prod")["api"]
    assert all(line.startswith(f"staging runs api {build} (was {staging}): ") for line in outputs[2:4])
    assert all(line.startswith(f"prod gets api {build} (was {prod}) from staging: ") for line in outputs[4:])
