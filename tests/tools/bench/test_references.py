"""The references ours is measured against, and the phases of one synth (no timing is asserted)."""

from __future__ import annotations

from pathlib import Path

from gitops.k8s import manifests
from gitops.tools.bench import references
from tests.conftest import CONFIG

ONE = '[{"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "x", "namespace": "n"}, "data": {"a": "b"}}]'


def test_the_writer_alone_writes_the_objects_with_the_project_writer(tmp_path: Path):
    objects = tmp_path / "objects.json"
    objects.write_text(ONE)
    references.writer(objects, tmp_path / "out")
    references.writer(objects, tmp_path / "out")  # a second run replaces the first
    assert [p.name for p in (tmp_path / "out").iterdir()] == ["configmap-n-x.yaml"]


def test_bare_cdk8s_rebuilds_the_same_object(tmp_path: Path):
    objects = tmp_path / "objects.json"
    objects.write_text(ONE)
    references.bare(objects, tmp_path / "bare")
    references.writer(objects, tmp_path / "writer")
    assert (tmp_path / "bare" / "configmap-n-x.yaml").read_text() == (
        tmp_path / "writer" / "configmap-n-x.yaml"
    ).read_text()


def test_the_phases_of_one_synth_cover_every_part(tmp_path: Path):
    found = references.phases(CONFIG, tmp_path / "out")
    assert list(found["phases"]) == [
        "start Node.js (it boots and loads cdk8s meanwhile)",
        "import config models and loader",
        "load and check config",
        "import cdk8s and cdk8s-plus (their Python side)",
        "wait for Node.js to boot and load them",
        "import charts/",
        "constructs (jsii calls, less toJson)",
        "toJson (cdk8s resolves every object)",
        "write YAML, inventory, SOPS files",
        "config/schema.json export",
    ]
    assert found["objects"] == len(manifests.load([tmp_path / "out"]))
    assert found["jsii_calls"] > 0
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["clusters", "prod", "staging"]


def test_the_floor_is_an_empty_app_with_both_libraries_imported():
    assert references.FLOOR_CODE == "import sys, cdk8s, cdk8s_plus_28; cdk8s.App(outdir=sys.argv[1]).synth()"
