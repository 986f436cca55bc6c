"""Merging what each environment's rendering gave: every problem of every environment, in one error."""

from __future__ import annotations

from pathlib import Path

import pytest

from gitops.config import Problem, load_environments
from gitops.render.output import OutputError
from gitops.render.synth import Rendered, accept, jobs_for, write_rendered
from tests.conftest import CONFIG

LEAK = {"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "oops"}, "stringData": {"k": "v"}}


def _leak(env: str) -> Problem:
    return Problem(f"{env}/apps/", 0, "Secret oops stringData.k", "holds a plaintext value", "encrypt it")


def test_files_of_every_environment_are_counted():
    assert accept([Rendered("prod", files=26), Rendered("staging", files=26)]) == 52


def test_leaks_of_every_environment_are_reported_in_one_error_in_environment_order():
    outcomes = [
        Rendered("prod", leaked=(_leak("prod"),)),
        Rendered("staging", leaked=(_leak("staging"),)),
        Rendered("other", refused="two objects map to x.yaml: give them different names"),
    ]
    with pytest.raises(OutputError) as caught:
        accept(outcomes)
    assert str(caught.value) == (
        "generated output holds plaintext Secret values:\n"
        "prod/apps/:0: Secret oops stringData.k: holds a plaintext value.\n  fix: encrypt it.\n"
        "staging/apps/:0: Secret oops stringData.k: holds a plaintext value.\n  fix: encrypt it."
    )


def test_refusals_of_every_environment_are_reported_together():
    outcomes = [
        Rendered("prod", refused="a would overwrite b"),
        Rendered("staging", files=3),
        Rendered("test", refused="c would overwrite d"),
    ]
    with pytest.raises(OutputError, match=r"^a would overwrite b\nc would overwrite d$"):
        accept(outcomes)


def test_a_leaked_secret_is_refused_before_anything_is_written(tmp_path: Path):
    (job,) = jobs_for(CONFIG, load_environments(CONFIG, ["prod"]))
    outcome = write_rendered(tmp_path, job, {"prod/apps": [LEAK]})
    assert outcome == Rendered(
        "prod",
        leaked=(
            Problem(
                "prod/apps/",
                0,
                "Secret oops stringData.k",
                "holds a plaintext value; secret values never go into the repository",
                "encrypt the file with sops (see README, Secrets) or create the Secret in the cluster instead",
            ),
        ),
    )
    assert list(tmp_path.iterdir()) == []


def test_two_objects_for_one_file_are_an_outcome_not_an_exception(tmp_path: Path):
    (job,) = jobs_for(CONFIG, load_environments(CONFIG, ["prod"]))
    same = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "x", "namespace": "honeydue"}}
    outcome = write_rendered(tmp_path, job, {"prod/apps": [same, same]})
    assert outcome.environment == "prod"
    assert outcome.refused == f"two objects map to {tmp_path}/prod/apps/configmap-x.yaml: give them different names"
