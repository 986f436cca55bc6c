"""`npx cdk8s synth` runs the same app through cdk8s.yaml and gives the same dist/."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

from tests.conftest import PROJECT

CLI = PROJECT / "node_modules" / ".bin" / "cdk8s"


def test_cdk8s_cli_synth_matches_main_py(tmp_path: Path):
    assert CLI.exists(), "cdk8s CLI not installed: run make setup"
    work = tmp_path / "project"
    work.mkdir()
    for name in ("main.py", "cdk8s.yaml", "charts", "gitops", "config"):
        source = PROJECT / name
        (shutil.copytree if source.is_dir() else shutil.copy2)(source, work / name)
    for name in (".venv", "node_modules"):
        (work / name).symlink_to(PROJECT / name)
    done = subprocess.run(
        [str(CLI), "synth", "--no-check-upgrade"],
        cwd=work,
        capture_output=True,
        text=True,
        env={**os.environ, "JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION": "20"},
    )
    assert done.returncode == 0, done.stdout + done.stderr
    produced = {p.relative_to(work / "dist"): p.read_bytes() for p in (work / "dist").rglob("*") if p.is_file()}
    committed = {p.relative_to(PROJECT / "dist"): p.read_bytes() for p in (PROJECT / "dist").rglob("*") if p.is_file()}
    assert produced == committed
    listed = {line.strip()[2:] for line in done.stdout.splitlines() if line.strip().startswith("- .cdk8s.out/")}
    assert listed == {f".cdk8s.out/{p}" for p in committed if p.suffix == ".yaml"}
