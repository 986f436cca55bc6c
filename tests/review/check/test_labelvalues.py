"""Label values the API server refuses, which kubeconform's schemas let through: the label-value rule."""

from __future__ import annotations

from pathlib import Path

import pytest

from gitops.k8s import labels
from tests.dist_copies import edit
from tests.review.check.support import active, check, one

TOO_LONG = "must be no more than 63 characters"
MALFORMED = (
    "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', "
    "and must start and end with an alphanumeric character"
)


@pytest.mark.parametrize(
    "value, problem",
    [
        ("honeydue-prod", None),
        ("", None),
        ("a" * 63, None),
        ("a" * 64, TOO_LONG),
        ("-api", MALFORMED),
        ("api_", MALFORMED),
        ("a/b", MALFORMED),
        (7, "must be a string"),
    ],
)
def test_label_values_as_the_api_server_judges_them(value, problem):
    assert labels.value_problem(value) == problem


def test_safe_value_keeps_valid_values_and_cuts_the_rest():
    assert labels.safe_value("1.2.3") == "1.2.3"
    assert labels.safe_value("_x" + "y" * 70) == "x" + "y" * 62
    assert labels.safe_value("a:b") == "ab"
    assert labels.value_problem(labels.safe_value("-" + "z" * 80 + ".")) is None


def test_prod_has_no_invalid_label_value(prod_copy: Path):
    assert active(check(prod_copy), "label-value") == []


def test_a_label_over_63_characters_is_refused_where_it_is(prod_copy: Path):
    # What a partOf of 60 characters makes of app.kubernetes.io/instance (<partOf>-<env>): the rehearsal
    # found the API server refusing every object that carries it.
    long = "honeydue-household-maintenance-reminders-and-task-planner-app-prod"
    edit(
        prod_copy,
        "Deployment",
        "api",
        lambda d: d["spec"]["template"]["metadata"]["labels"].update({"app.kubernetes.io/instance": long}),
    )
    finding = one(check(prod_copy), "label-value", "Deployment", "api")
    assert finding.field == "spec.template.metadata.labels.app.kubernetes.io/instance"
    assert finding.message == f'Invalid value: "{long}": {TOO_LONG}'


def test_a_kustomization_name_flux_cannot_put_in_its_owner_label(tmp_path: Path):
    from tests.dist_copies import write

    name = "honeydue-household-maintenance-and-reminders-apps-infrastructure"  # 64 characters
    write(
        tmp_path,
        "ks.yaml",
        "apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\n"
        f"metadata: {{name: {name}, namespace: flux-system}}\n"
        "spec: {interval: 10m, path: ./x, prune: true, sourceRef: {kind: GitRepository, "
        "name: g}}\n",
    )
    finding = one(check(tmp_path), "label-value", "Kustomization", name)
    assert finding.field == "metadata.name"
    assert finding.message == (
        f'Flux labels every object it applies with kustomize.toolkit.fluxcd.io/name: "{name}": {TOO_LONG}'
    )
