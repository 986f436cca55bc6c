"""The JSON report: structured, with absent sides left out rather than null."""

from __future__ import annotations

import json
from pathlib import Path

from gitops.review.diff import render_json
from tests.review.diff import kit as diffkit


def test_the_realistic_change_as_json(synthesized: Path, tmp_path: Path):
    before, after, old_tag = diffkit.realistic_change(synthesized, tmp_path)
    data = json.loads(render_json.render(diffkit.compare(before, after)))
    assert (data["from"], data["to"]) == ("before", "after")
    assert {k: data["counts"][k] for k in ("added", "removed", "changed")} == {"added": 0, "removed": 1, "changed": 2}
    assert [(r["level"], r["object"]["kind"], r["object"]["name"], r["field"]) for r in data["risks"]] == [
        ("high", "Deployment", "worker", "spec.replicas"),
        ("high", "PersistentVolumeClaim", "redis-data", ""),
    ]
    assert [(w["object"]["name"], w["summary"]) for w in data["workloads"]] == [
        ("api", f"image honeydue-api {old_tag} → {diffkit.NEW_API_TAG}; {diffkit.API_ROLLOUT}"),
        ("worker", "replicas 1 → 2"),
    ]
    objects = {o["object"]["name"]: o for o in data["objects"]}
    assert objects["worker"]["changes"] == [{"path": "spec.replicas", "old": 1, "new": 2}]
    assert objects["redis-data"] == {
        "object": {"apiVersion": "v1", "kind": "PersistentVolumeClaim", "namespace": "honeydue", "name": "redis-data"},
        "status": "removed",
    }
    assert [(c["environment"], c["nodesLeft"]) for c in data["capacity"]] == [("", 2)]


def test_an_added_field_has_no_old_key(tmp_path: Path):
    (tmp_path / "a.yaml").write_text("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n")
    (tmp_path / "b.yaml").write_text("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata: {k: v}\n")
    data = json.loads(render_json.render(diffkit.compare(tmp_path / "a.yaml", tmp_path / "b.yaml")))
    assert data["objects"] == [
        {
            "object": {"apiVersion": "v1", "kind": "ConfigMap", "namespace": "", "name": "c"},
            "status": "changed",
            "changes": [{"path": "data", "new": {"k": "v"}}],
        }
    ]
