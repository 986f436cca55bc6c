"""The Gitea Actions workflow that gates pull requests and posts the diff as a comment."""

from __future__ import annotations

import re
import shutil
import subprocess

import pytest

from gitops.k8s.manifests import load_documents
from tests.conftest import PROJECT

WORKFLOW = PROJECT / ".gitea" / "workflows" / "manifests.yaml"
ACTIONLINT = PROJECT / ".tools" / "bin" / "actionlint"


def _steps() -> list[dict]:
    (workflow,) = load_documents(WORKFLOW.read_text())
    (job,) = workflow["jobs"].values()
    return job["steps"]


def test_every_action_is_an_official_setup_action_pinned_to_a_full_version():
    uses = [step["uses"] for step in _steps() if "uses" in step]
    assert [u.split("@")[0] for u in uses] == [
        "actions/checkout",
        "actions/setup-python",
        "actions/setup-node",
        "actions/setup-go",
        "actions/cache",
    ]
    for ref in uses:
        assert re.fullmatch(r"[\w-]+/[\w-]+@v\d+\.\d+\.\d+", ref), ref
    versions = {step["uses"].split("@")[0]: step.get("with", {}) for step in _steps() if "uses" in step}
    assert versions["actions/checkout"]["fetch-depth"] == 0
    assert versions["actions/setup-python"]["python-version"] == "3.11"
    assert versions["actions/setup-node"]["node-version"] == "20"


def test_the_gate_runs_before_the_diff_and_the_comment_is_upserted():
    runs = [step.get("run", "") for step in _steps()]
    gate = runs.index("make test")
    (diff,) = [i for i, run in enumerate(runs) if "main.py diff --base" in run]
    (post,) = [i for i, run in enumerate(runs) if "main.py comment" in run]
    assert gate < diff < post
    assert "--format md" in runs[diff]
    assert _steps()[post]["env"]["GITEA_TOKEN"] == "${{ secrets.GITEA_TOKEN }}"


def test_the_rehearsal_is_built_cached_run_against_the_merge_base_and_joins_the_one_comment():
    steps = _steps()
    runs = [step.get("run", "") for step in steps]
    (cache,) = [i for i, step in enumerate(steps) if step.get("uses", "").startswith("actions/cache@")]
    build = runs.index("make rehearse-tools")
    (rehearse,) = [i for i, run in enumerate(runs) if "main.py rehearse --base" in run]
    (post,) = [i for i, run in enumerate(runs) if "main.py comment" in run]
    assert runs.index("make test") < cache < build < rehearse < post < len(steps) - 1
    assert steps[cache]["with"]["path"] == ".tools/cluster"
    assert "--format md > .tools/rehearse.md" in runs[rehearse]
    assert "--body-file .tools/diff.md --body-file .tools/rehearse.md" in runs[post]
    assert steps[-1]["if"] == "steps.rehearse.outputs.code != '0'" and "exit 1" in steps[-1]["run"]


def test_actionlint_passes_on_the_workflow():
    binary = ACTIONLINT if ACTIONLINT.exists() else shutil.which("actionlint")
    if binary is None:
        pytest.skip("actionlint is not installed (make setup installs it into .tools/bin)")
    done = subprocess.run([str(binary), str(WORKFLOW)], cwd=PROJECT, capture_output=True, text=True)
    assert (done.returncode, done.stdout) == (0, "")
