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
        "actions/upload-artifact",
    ]
    for ref in uses:
        assert re.fullmatch(r"[\w-]+/[\w-]+@v\d+\.\d+\.\d+", ref), ref
    versions = {step["uses"].split("@")[0]: step.get("with", {}) for step in _steps() if "uses" in step}
    assert versions["actions/checkout"]["fetch-depth"] == 0
    assert versions["actions/setup-python"]["python-version"] == "3.11"
    assert versions["actions/setup-node"]["node-version"] == "20"


def _index(steps: list[dict], text: str) -> int:
    (found,) = [i for i, step in enumerate(steps) if text in step.get("run", "")]
    return found


def test_the_gate_runs_before_the_diff_and_the_comment_is_upserted_whatever_failed():
    steps = _steps()
    gate, diff, post = (
        _index(steps, "make test 2>&1"),
        _index(steps, "main.py diff --base"),
        _index(steps, "main.py comment"),
    )
    assert gate < diff < post
    assert steps[gate]["id"] == "gate" and "PIPESTATUS[0]" in steps[gate]["run"]
    assert "--format md" in steps[diff]["run"]
    assert steps[post]["env"]["GITEA_TOKEN"] == "${{ secrets.GITEA_TOKEN }}"
    assert steps[post]["if"].startswith("always() && ")
    assert '--step "make test" "$GATE_CODE" .tools/gate.log' in steps[post]["run"]


def test_the_rehearsal_is_built_cached_run_against_the_merge_base_and_joins_the_one_comment():
    steps = _steps()
    (cache,) = [i for i, step in enumerate(steps) if step.get("uses", "").startswith("actions/cache@")]
    build, rehearse = _index(steps, "make rehearse-tools 2>&1"), _index(steps, "main.py rehearse --base")
    post = _index(steps, "main.py comment")
    assert _index(steps, "make test 2>&1") < cache < build < rehearse < post < len(steps) - 1
    assert steps[cache]["with"]["path"] == ".tools/cluster"
    assert [steps[i]["if"] for i in (cache, build, rehearse)] == [
        "steps.gate.outputs.code == '0'",
        "steps.gate.outputs.code == '0'",
        "steps.tools.outputs.code == '0'",
    ]
    assert "--format md > .tools/rehearse.md" in steps[rehearse]["run"]
    assert "for report in .tools/diff.md .tools/rehearse.md" in steps[post]["run"]
    assert steps[-1]["if"] == "always()" and 'exit "$failed"' in steps[-1]["run"]


def test_the_whole_report_is_kept_as_an_artifact():
    (upload,) = [step for step in _steps() if step.get("uses", "").startswith("actions/upload-artifact@")]
    assert upload["if"] == "always()"
    assert upload["with"]["name"] == "review-report"
    assert ".tools/diff.md" in upload["with"]["path"] and ".tools/gate.log" in upload["with"]["path"]


def test_actionlint_passes_on_the_workflow():
    binary = ACTIONLINT if ACTIONLINT.exists() else shutil.which("actionlint")
    if binary is None:
        pytest.skip("actionlint is not installed (make setup installs it into .tools/bin)")
    done = subprocess.run([str(binary), str(WORKFLOW)], cwd=PROJECT, capture_output=True, text=True)
    assert (done.returncode, done.stdout) == (0, "")
