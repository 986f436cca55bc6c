"""Reading one side: objects by apiVersion/kind/namespace/name, whatever file they are in."""

from __future__ import annotations

from pathlib import Path

import pytest

from gitops.review.diff import render_text
from gitops.review.diff.load import DiffInputError, Loader, environment_of, is_dist_root
from gitops.review.diff.model import Status
from gitops.review.findings import ObjectKey
from tests.review.diff import kit as diffkit

CM = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: %s, namespace: ns}\ndata: {k: v}\n"


def test_an_object_moved_to_another_file_is_unchanged(tmp_path: Path):
    (tmp_path / "a").mkdir()
    (tmp_path / "b" / "deeper").mkdir(parents=True)
    (tmp_path / "a" / "both.yaml").write_text(CM % "one" + "---\n" + CM % "two")
    (tmp_path / "b" / "one.yml").write_text(CM % "one")
    (tmp_path / "b" / "deeper" / "two.yaml").write_text(CM % "two")
    result = diffkit.compare(tmp_path / "a", tmp_path / "b")
    assert [(str(d.key), d.status) for d in result.diffs] == [
        ("ConfigMap ns/one", Status.UNCHANGED),
        ("ConfigMap ns/two", Status.UNCHANGED),
    ]


def test_a_name_yaml_reads_as_a_boolean_is_an_input_error(tmp_path: Path):
    (tmp_path / "cm.yaml").write_text(CM % "y")
    with pytest.raises(
        DiffInputError,
        match=r"cm.yaml:1: document 1: metadata.name is true \(YAML 1.1 reads an "
        r"unquoted y, yes, on, n, no or off as true or false: quote it\), expected text",
    ):
        Loader().load("side", [tmp_path])


def test_objects_are_matched_by_api_version_too(tmp_path: Path):
    (tmp_path / "old.yaml").write_text("apiVersion: policy/v1beta1\nkind: PodDisruptionBudget\nmetadata: {name: p}\n")
    (tmp_path / "new.yaml").write_text("apiVersion: policy/v1\nkind: PodDisruptionBudget\nmetadata: {name: p}\n")
    result = diffkit.compare(tmp_path / "old.yaml", tmp_path / "new.yaml")
    assert [(d.key, d.status) for d in result.diffs] == [
        (ObjectKey("PodDisruptionBudget", "", "p", "policy/v1"), Status.ADDED),
        (ObjectKey("PodDisruptionBudget", "", "p", "policy/v1beta1"), Status.REMOVED),
    ]


def test_an_object_defined_twice_is_an_input_error(tmp_path: Path):
    (tmp_path / "a.yaml").write_text(CM % "x")
    (tmp_path / "b.yaml").write_text(CM % "x")
    with pytest.raises(DiffInputError, match=r"b.yaml: ConfigMap ns/x \(v1\) is already defined in .*a.yaml"):
        Loader().load("side", [tmp_path])


def test_kustomize_build_files_are_skipped_not_rejected(tmp_path: Path):
    (tmp_path / "kustomization.yaml").write_text(
        "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources: [cm.yaml]\n"
    )
    (tmp_path / "cm.yaml").write_text(CM % "x")
    side = Loader().load("side", [tmp_path])
    assert [str(k) for k in side.objects] == ["ConfigMap ns/x"]
    assert side.skipped == [tmp_path / "kustomization.yaml"]


def test_yaml_that_is_not_kubernetes_is_an_input_error(tmp_path: Path):
    (tmp_path / "values.yaml").write_text("replicas: 2\n")
    with pytest.raises(
        DiffInputError, match=r"values.yaml:1: document 1: not a Kubernetes object: it has no apiVersion"
    ):
        Loader().load("side", [tmp_path])
    with pytest.raises(DiffInputError, match=r"nowhere: no such file or directory"):
        Loader().load("side", [tmp_path / "nowhere"])


def test_under_a_dist_root_objects_are_told_apart_by_environment(synthesized: Path):
    assert is_dist_root(synthesized) and not is_dist_root(synthesized / "prod")
    assert environment_of(synthesized / "prod" / "apps" / "x.yaml", synthesized) == "prod"
    assert environment_of(synthesized / "clusters" / "prod" / "x.yaml", synthesized) == "prod"
    assert environment_of(synthesized / "x.yaml", synthesized) == ""
    side = Loader().load("side", [synthesized], synthesized)
    api = [k for k in side.objects if (k.kind, k.name) == ("Deployment", "api")]
    assert sorted(str(k) for k in api) == ["[prod] Deployment honeydue/api", "[staging] Deployment honeydue/api"]


def test_secret_values_never_reach_the_report(tmp_path: Path):
    secret = "apiVersion: v1\nkind: Secret\nmetadata: {name: db}\nstringData: {password: %s, user: app}\n"
    (tmp_path / "a.yaml").write_text(secret % "hunter2")
    (tmp_path / "b.yaml").write_text(secret % "correct-horse")
    result = diffkit.compare(tmp_path / "a.yaml", tmp_path / "b.yaml")
    (secret_diff,) = result.diffs
    (change,) = secret_diff.changes
    assert render_text.render(result).count("hunter2") == render_text.render(result).count("correct-horse") == 0
    assert change.old.startswith("(redacted ") and change.new.startswith("(redacted ") and change.old != change.new
