"""Promotion parity's table of what each environment sets for itself: held to the models, to the real config files
and to the real difference between dist/staging and dist/prod."""

from __future__ import annotations

import pytest
from ruamel.yaml import YAML

from gitops.config.model import per_environment_fields
from gitops.review.diff import fields
from gitops.review.diff.load import Loader
from gitops.review.diff.model import Named
from gitops.ship import parity
from gitops.ship.parity import RENDERED, config_lines, per_environment, service_objects
from tests.conftest import CONFIG

SERVICES = ("api", "admin", "worker", "redis")


def test_the_table_names_every_field_the_models_mark_per_environment_and_no_other():
    assert set(RENDERED) == {key for key, _ in per_environment_fields()}


def _leaves(node: object, path: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    if isinstance(node, dict):
        return [leaf for key, value in node.items() for leaf in _leaves(value, (*path, str(key)))] or [path]
    return [path]


@pytest.mark.parametrize("env", ["prod", "staging"])
def test_every_key_an_environment_file_sets_is_declared_per_environment(env: str):
    declared = parity.declared_fields()
    keys = _leaves(YAML(typ="safe").load((CONFIG / f"{env}.yaml").read_text()))
    undeclared = [".".join(key) for key in keys if not parity._is_per_environment(key, declared)]
    assert undeclared == []


@pytest.mark.parametrize("service", SERVICES)
def test_every_rendered_difference_between_staging_and_prod_is_a_per_environment_field(synthesized, service):
    loader = Loader()
    prod = service_objects(synthesized / "prod", service, loader)
    staging = service_objects(synthesized / "staging", service, loader)
    assert prod and set(prod) == set(staging)
    unexplained = [
        f"{key[0]}/{key[2]} {fields.render_path(change.path)}"
        for key in prod
        for change in (leaf for c in fields.diff(prod[key], staging[key]) for leaf in fields.leaves(c))
        if per_environment(key[0], change.path) is None
    ]
    assert unexplained == []


def test_the_image_and_version_label_are_never_set_aside():
    container = ("spec", "template", "spec", "containers", Named("name", "api"))
    assert per_environment("Deployment", (*container, "image")) is None
    assert per_environment("Deployment", ("metadata", "labels", "app.kubernetes.io/version")) is None
    assert per_environment("Deployment", (*container, "startupProbe", "failureThreshold")) is None
    assert per_environment("Deployment", (*container, "resources", "limits", "memory")) == "services.*.resources"
    volume = ("spec", "template", "spec", "volumes", Named("name", "tmp"), "emptyDir", "sizeLimit")
    assert per_environment("Deployment", volume) == "services.*.scratch"
    assert per_environment("Deployment", ("spec", "selector", "matchLabels", "app.kubernetes.io/instance")) == (
        "(environment name)"
    )


def test_config_lines_are_the_values_set_beside_the_builds_with_their_lines():
    before = "images:\n  api: a\nservices:\n  api:\n    replicas: 3\n"
    after = "images:\n  api: b\nservices:\n  api:\n    replicas: 2\n    startupSeconds: 300\n"
    assert [line.text for line in config_lines(before, after, "config/prod.yaml")] == [
        "config/prod.yaml:6: services.api.startupSeconds: (absent) → 300"
    ]
