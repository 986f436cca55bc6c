"""End-to-end: configs that kubeconform and `main.py check` accept but a real cluster rejects.

Run by `make rehearse` (this file is not named test_*.py, so `make test` never collects it).
Each case is a commit in a throwaway clone: config edited, dist/ synthesized and committed,
then validate, check and rehearse run on it. The first two must pass and the rehearsal must
exit 1 with the exact report line. Each case was found by rehearsing it, not by reading code.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from gitops.layout import PROJECT
TOOLS = PROJECT / ".tools" / "cluster"
PYTHON = sys.executable


def _git(repo: Path, *args: str) -> str:
    return subprocess.run(["git", "-C", str(repo), *args], check=True, capture_output=True, text=True).stdout


def _main(repo: Path, *args: str, timeout: float = 900) -> subprocess.CompletedProcess:
    return subprocess.run([PYTHON, str(repo / "main.py"), *args], cwd=repo, capture_output=True, text=True,
                          timeout=timeout)


def _broken_clone(tmp_path: Path, file: str, old: str, new: str) -> Path:
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "--quiet", str(PROJECT), str(clone)], check=True)
    path = clone / file
    text = path.read_text()
    assert text.count(old) == 1, f"{file} no longer holds {old!r} once"
    path.write_text(text.replace(old, new))
    done = _main(clone, "synth")
    assert done.returncode == 0, done.stderr
    _git(clone, "add", "-A")
    _git(clone, "-c", "user.name=e2e", "-c", "user.email=e2e@localhost", "commit", "--quiet", "-m", "broken")
    return clone


def _accepted_by_the_gate(clone: Path, env: str) -> None:
    validate = subprocess.run([PYTHON, "main.py", "validate", "--env", env, "--dist", str(clone / "dist")],
                              cwd=PROJECT, capture_output=True, text=True, timeout=300)
    assert validate.returncode == 0, validate.stdout + validate.stderr
    check = _main(clone, "check", "--env", env, timeout=300)
    assert check.returncode == 0, check.stdout + check.stderr


LONG_TAG = "6f303dbbaa-" + "0123456789abcdef" * 4
TOO_LONG = f'Invalid value: "{LONG_TAG}": must be no more than 63 characters'

CASES = {
    # A Docker tag may be 128 characters; the image tag becomes the app.kubernetes.io/version label,
    # and a label value may hold 63. Neither the schema nor check looks at label values; the API
    # server refuses the Deployment and Flux's apps unit fails at its dry run.
    "image-tag-longer-than-a-label-value": (
        "prod", "config/base.yaml",
        "image: gitea.treytartt.com/treytartt/honeydue-worker:6f303dbbaa",
        f"image: gitea.treytartt.com/treytartt/honeydue-worker:{LONG_TAG}",
        "    FAIL Kustomization flux-system/honeydue-apps: not Ready (ReconciliationFailed): "
        'Deployment/honeydue/worker dry-run failed (Invalid): Deployment.apps "worker" is invalid: '
        f"[metadata.labels: {TOO_LONG}, spec.template.labels: {TOO_LONG}]",
    ),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_the_rehearsal_rejects_what_the_gate_accepts(case: str, tmp_path: Path):
    env, file, old, new, expected = CASES[case]
    clone = _broken_clone(tmp_path, file, old, new)
    _accepted_by_the_gate(clone, env)
    done = _main(clone, "rehearse", "--env", env, "--drill", "converge", "--tools", str(TOOLS))
    assert done.returncode == 1, done.stdout + done.stderr
    assert expected in done.stdout.splitlines(), done.stdout
