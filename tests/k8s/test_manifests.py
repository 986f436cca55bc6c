"""Reading manifests back: any YAML directory, parsed the way Kubernetes clients parse it."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from gitops.k8s import manifests
from gitops.k8s.manifests import ManifestError, load, load_documents, parse


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
    with pytest.raises(
        ManifestError,
        match=re.escape("x.yaml:1: document 1: not a Kubernetes object: it has no apiVersion, kind or metadata"),
    ):
        parse("just: a mapping\n", Path("x.yaml"))


def test_invalid_yaml_is_an_error():
    with pytest.raises(
        ManifestError, match=re.escape("x.yaml:2: not valid YAML: expected the node content, but found '<stream end>'")
    ):
        parse("a: [\n", Path("x.yaml"))


def test_a_missing_path_is_an_error(tmp_path: Path):
    with pytest.raises(ManifestError, match="no such file or directory"):
        load([tmp_path / "missing"])


OBJECT = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n"
YES = "(YAML 1.1 reads an unquoted y, yes, on, n, no or off as true or false: quote it)"


@pytest.mark.parametrize(
    "text, message",
    [
        ("apiVersion: v1\nkind: 5\nmetadata: {name: a}\n", "kind is the number 5, expected text such as Deployment"),
        ("apiVersion: v1\nkind: yes\nmetadata: {name: a}\n", f"kind is true {YES}, expected text such as Deployment"),
        (
            "apiVersion: 1.5\nkind: Pod\nmetadata: {name: a}\n",
            "apiVersion is the number 1.5, expected text such as apps/v1",
        ),
        ("apiVersion: v1\nkind: ''\nmetadata: {name: a}\n", "kind is empty, expected text such as Deployment"),
        ("apiVersion: v1\nkind: Pod\nmetadata: []\n", "metadata is a list, expected a mapping with a name"),
        ("apiVersion: v1\nkind: Pod\nmetadata: {name: [a]}\n", "metadata.name is a list, expected text"),
        ("apiVersion: v1\nkind: Pod\nmetadata: {labels: {}}\n", "Pod has no metadata.name"),
        (
            "apiVersion: v1\nkind: Pod\nmetadata: {name: a, namespace: 5}\n",
            "metadata.namespace is the number 5, expected text",
        ),
        (
            "apiVersion: v1\nkind: Pod\nmetadata: {name: a, labels: [x]}\n",
            "metadata.labels is a list, expected a mapping of keys to text values",
        ),
        (
            "apiVersion: v1\nkind: Pod\nmetadata: {name: a, annotations: text}\n",
            "metadata.annotations is 'text', expected a mapping of keys to text values",
        ),
        ("- a\n- b\n", "a list, not a Kubernetes object (a mapping with apiVersion, kind and metadata)"),
        ("apiVersion: v1\nkind: List\nitems: [3]\n", "items[0]: the number 3, not an object"),
        (
            "apiVersion: v1\nkind: List\nitems: [{kind: Pod}]\n",
            "items[0]: not a Kubernetes object: it has no apiVersion or metadata (every object has apiVersion, kind "
            "and metadata)",
        ),
        (
            "apiVersion: v1\nkind: Service\nmetadata: {name: a}\nspec: {ports: [{80: x}]}\n",
            "the key 80 in spec.ports[0] is the number 80, and keys of a Kubernetes object are text (quote it: '80')",
        ),
        (
            "apiVersion: v1\nkind: Pod\nmetadata: {name: a, annotations: {at: 2024-01-01}}\n",
            "metadata.annotations.at is a YAML date value, which JSON and so the API server cannot hold "
            "(quote it to make it text)",
        ),
    ],
)
def test_every_malformed_document_is_named_with_its_file_line_and_index(text: str, message: str):
    with pytest.raises(ManifestError) as caught:
        parse(OBJECT + "---\n" + text, Path("x.yaml"))
    assert str(caught.value) == f"x.yaml:5: document 2: {message}"


def test_every_unreadable_file_and_document_is_reported_at_once(tmp_path: Path):
    (tmp_path / "a.yaml").write_text(
        "apiVersion: v1\nkind: 5\nmetadata: {name: a}\n---\n" + OBJECT + "---\nkind: Pod\n"
    )
    (tmp_path / "b.yaml").write_bytes(b"apiVersion: v1\nkind: Pod\nmetadata: {name: caf\xe9}\n")
    (tmp_path / "c.yaml").write_text(OBJECT)
    with pytest.raises(ManifestError) as caught:
        load([tmp_path])
    assert [str(p) for p in caught.value.problems] == [
        f"{tmp_path}/a.yaml:1: document 1: kind is the number 5, expected text such as Deployment",
        f"{tmp_path}/a.yaml:9: document 3: not a Kubernetes object: it has no apiVersion or metadata (every object "
        "has apiVersion, kind and metadata)",
        f"{tmp_path}/b.yaml:3: the file is not UTF-8 text (byte 0xe9)",
    ]
    assert caught.value.report("check", "checked").startswith(
        "check: cannot read 3 manifest documents or files; nothing was checked:\n"
        f"  {tmp_path}/a.yaml:1: document 1: kind is"
    )


@pytest.mark.parametrize(
    "text, message",
    [
        (
            "a: " + "[" * 60_000 + "]" * 60_000 + "\n",
            "x.yaml:1: lists and mappings are nested more than 100 levels deep "
            "here, the most a manifest file may nest: flatten the structure; nothing read here nests that deep",
        ),
        (
            "a: &a [1, 2, 3, 4, 5, 6, 7, 8, 9]\n"
            + "".join(f"{c}: &{c} [{', '.join([f'*{p}'] * 9)}]\n" for p, c in zip("abcdefgh", "bcdefghi", strict=True)),
            "x.yaml:1: the document holds more than 250,000 values (an alias counting as what it repeats), the most a "
            "manifest file may hold: split it into files of one object each, as dist/ holds them",
        ),
        (
            "a: &a [*a]\n",
            "x.yaml:1: the alias *a refers to a list or mapping that contains it, which makes it endless: "
            "write the value out instead of the alias",
        ),
    ],
)
def test_depth_and_expanded_size_are_refused_before_anything_is_built(text: str, message: str):
    with pytest.raises(ManifestError) as caught:
        parse(text, Path("x.yaml"))
    assert str(caught.value) == message


def test_a_file_over_the_size_bound_is_refused_without_reading_it_whole(tmp_path: Path):
    big = tmp_path / "big.yaml"
    with big.open("wb") as handle:
        handle.truncate(manifests.LIMITS.bytes + 1)  # sparse: nothing is ever written or read past the bound
    with pytest.raises(ManifestError) as caught:
        load([big])
    assert str(caught.value) == (
        f"{big}: the file is larger than 4 MiB, the most a manifest file may hold: split it into files of one object "
        "each, as dist/ holds them"
    )


def test_symlinks_that_leave_the_directory_are_refused(tmp_path: Path):
    secret = tmp_path / "elsewhere" / "id_rsa.yaml"
    secret.parent.mkdir()
    secret.write_text("apiVersion: v1\nkind: Secret\nmetadata: {name: key}\nstringData: {key: hunter2}\n")
    tree = tmp_path / "dist"
    tree.mkdir()
    (tree / "a.yaml").write_text(OBJECT)
    (tree / "b.yaml").symlink_to(tree / "a.yaml")  # inside: read
    (tree / "key.yaml").symlink_to(secret)
    (tree / "up").symlink_to(tmp_path / "elsewhere")
    with pytest.raises(ManifestError) as caught:
        load([tree])
    assert [str(p) for p in caught.value.problems] == [
        f"{tree}/up: a symlink to {tmp_path}/elsewhere, outside {tree}: the review reads only what is under {tree}",
        f"{tree}/key.yaml: a symlink to {secret}, outside {tree}: the review reads only what is under {tree}",
    ]
    assert "hunter2" not in str(caught.value)
    (tree / "key.yaml").unlink()
    (tree / "up").unlink()
    assert [r.path.name for r in load([tree])] == ["a.yaml", "b.yaml"]


def test_embedded_documents_are_bounded_too():
    with pytest.raises(ValueError, match="nested more than 100 levels"):
        load_documents("[" * 1000 + "]" * 1000)
