"""Declarations rendered by the generator are read back from the manifests alone."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from gitops.k8s import declared, manifests


def test_prod_declares_its_secrets_and_nodes(synthesized: Path):
    found = declared.read(manifests.load([synthesized / "prod"]))
    assert found.secret_keys("honeydue", "honeydue-b2") == {"B2_KEY_ID", "B2_APPLICATION_KEY"}
    assert found.secret_types[("honeydue", "gitea-registry")] == "kubernetes.io/dockerconfigjson"
    assert [n.name for n in found.cluster.nodes] == ["ubuntu-8gb-nbg1-1", "ubuntu-8gb-nbg1-2", "ubuntu-8gb-nbg1-3"]
    assert found.cluster.reserved_cpu_millis == 500


def test_manifests_without_declarations_declare_nothing(tmp_path: Path):
    (tmp_path / "cm.yaml").write_text("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n")
    found = declared.read(manifests.load([tmp_path]))
    assert found.secrets == {} and found.cluster is None


def test_malformed_declarations_are_an_error(tmp_path: Path):
    (tmp_path / "cm.yaml").write_text(
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: d\n  labels: {app.kubernetes.io/component: declarations}\n"
        "data:\n  secrets.json: '{not json'\n"
    )
    with pytest.raises(declared.DeclarationError, match=re.escape("data.secrets.json is not JSON")):
        declared.read(manifests.load([tmp_path]))
