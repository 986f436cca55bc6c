"""kubeconform -strict against Kubernetes 1.34 schemas, offline, custom kinds included."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from gitops.review import kubeconform
from tests.conftest import PROJECT

VERSION = "1.34.0"


@pytest.fixture
def copy_of_prod(tmp_path: Path, synthesized: Path) -> Path:
    target = tmp_path / "prod"
    shutil.copytree(synthesized / "prod", target)
    return target


def test_the_committed_prod_output_validates():
    result = kubeconform.validate([PROJECT / "dist" / "prod"], VERSION)
    assert result.ok, result.output
    assert "Invalid: 0, Errors: 0, Skipped: 0" in result.output


def test_runs_strict_offline_and_never_skips_missing_schemas():
    cmd = kubeconform.command([Path("dist")], VERSION)
    assert "-strict" in cmd
    assert "-ignore-missing-schemas" not in cmd
    locations = [cmd[i + 1] for i, arg in enumerate(cmd) if arg == "-schema-location"]
    assert locations and all(loc.startswith(str(kubeconform.SCHEMAS)) for loc in locations)


def test_an_unknown_field_is_rejected(copy_of_prod: Path):
    path = copy_of_prod / "apps" / "deployment-api.yaml"
    path.write_text(path.read_text().replace("  replicas: 3\n", "  replicas: 3\n  replica: 3\n"))
    result = kubeconform.validate([copy_of_prod], VERSION)
    assert not result.ok
    assert "deployment-api.yaml - Deployment api is invalid" in result.output


def test_a_kind_without_a_schema_is_an_error(copy_of_prod: Path):
    (copy_of_prod / "apps" / "widget.yaml").write_text(
        "apiVersion: example.com/v1\nkind: Widget\nmetadata:\n  name: w\n"
    )
    result = kubeconform.validate([copy_of_prod], VERSION)
    assert not result.ok
    assert "could not find schema for Widget" in result.output


def test_helmchartconfig_is_validated_against_its_derived_schema(copy_of_prod: Path):
    path = copy_of_prod / "infrastructure" / "helmchartconfig-kube-system-traefik.yaml"
    path.write_text(path.read_text().replace("spec:\n", "spec:\n  values: {}\n", 1))
    result = kubeconform.validate([copy_of_prod], VERSION)
    assert not result.ok
    assert "HelmChartConfig traefik is invalid" in result.output


def test_helmchartconfig_metadata_is_checked_like_a_builtin_kind(copy_of_prod: Path):
    path = copy_of_prod / "infrastructure" / "helmchartconfig-kube-system-traefik.yaml"
    path.write_text(path.read_text().replace("  name: traefik\n", "  name: traefik\n  nmespace: x\n", 1))
    assert not kubeconform.validate([copy_of_prod], VERSION).ok
