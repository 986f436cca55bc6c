"""Reading manifests back: any YAML directory, parsed the way Kubernetes clients parse it."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from gitops.k8s.manifests import ManifestError, load, parse


def test_documents_lists_and_yaml_1_1_booleans(tmp_path: Path):
    (tmp_path / "a.yaml").write_text(
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a, namespace: ns}\ndata: {flag: yes}\n---\n"
        "apiVersion: v1\nkind: List\nmetadata: {}\nitems:\n"
        "- {apiVersion: v1, kind: Service, metadata: {name: s}}\n"
    )
    (tmp_path / "notes.md").write_text("not yaml: [")
    resources = load([tmp_path])
    assert [(r.kind, r.namespace, r.name) for r in resources] == [("ConfigMap", "ns", "a"), ("Service", "", "s")]
    assert resources[0].obj["data"]["flag"] is True
    assert resources[0].key == ("", "ConfigMap", "ns", "a")
    assert str(resources[0]) == "ConfigMap ns/a"


def test_a_document_that_is_not_an_object_is_an_error():
    with pytest.raises(ManifestError, match=re.escape("x.yaml: document 1 is not a Kubernetes object")):
        parse("just: a mapping\n", Path("x.yaml"))


def test_invalid_yaml_is_an_error():
    with pytest.raises(ManifestError, match=re.escape("x.yaml: not valid YAML")):
        parse("a: [\n", Path("x.yaml"))


def test_a_missing_path_is_an_error(tmp_path: Path):
    with pytest.raises(ManifestError, match="no such file or directory"):
        load([tmp_path / "missing"])
