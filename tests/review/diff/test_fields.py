"""Field-level comparison: named lists matched by name, parsed data not text, exact paths."""

from __future__ import annotations

from gitops.review.diff.fields import diff, get, identity_field, render_path
from gitops.review.diff.model import MISSING, Embedded, Named


def _changes(old, new) -> list[tuple[str, object, object]]:
    return [(render_path(c.path), c.old, c.new) for c in diff(old, new)]


def test_containers_and_env_are_matched_by_name_not_position():
    old = {
        "containers": [
            {"name": "api", "env": [{"name": "A", "value": "1"}, {"name": "B", "value": "2"}]},
            {"name": "sidecar", "image": "envoy:1"},
        ]
    }
    new = {
        "containers": [
            {"name": "sidecar", "image": "envoy:2"},
            {
                "name": "api",
                "env": [{"name": "B", "value": "2"}, {"name": "A", "value": "1"}, {"name": "C", "value": "3"}],
            },
        ]
    }
    assert _changes(old, new) == [
        ("containers[api].env[C]", MISSING, {"name": "C", "value": "3"}),
        ("containers[sidecar].image", "envoy:1", "envoy:2"),
    ]


def test_reordered_keys_and_named_items_are_no_change():
    old = {"b": 1, "a": {"y": [1, 2], "x": True}, "ports": [{"name": "http", "port": 80}, {"name": "m", "port": 9}]}
    new = {"ports": [{"port": 9, "name": "m"}, {"port": 80, "name": "http"}], "a": {"x": True, "y": [1, 2]}, "b": 1}
    assert _changes(old, new) == []


def test_scalar_lists_keep_their_order():
    assert _changes({"args": ["--a", "1"]}, {"args": ["1", "--a"]}) == [("args", ["--a", "1"], ["1", "--a"])]


def test_types_count_as_kubernetes_reads_them():
    assert _changes({"port": "587"}, {"port": 587}) == [("port", "587", 587)]
    assert _changes({"flag": True}, {"flag": 1}) == [("flag", True, 1)]
    assert _changes({"cpu": 1}, {"cpu": 1.0}) == []


def test_identity_falls_back_when_names_repeat_or_are_missing():
    mounts_old = [{"name": "data", "mountPath": "/a"}, {"name": "data", "mountPath": "/b"}]
    mounts_new = [{"name": "data", "mountPath": "/b"}, {"name": "data", "mountPath": "/a", "readOnly": True}]
    assert identity_field(mounts_old, mounts_new) == "mountPath"
    assert _changes({"m": mounts_old}, {"m": mounts_new}) == [("m[mountPath=/a].readOnly", MISSING, True)]
    terms = [{"matchExpressions": [{"key": "arch", "operator": "In", "values": ["amd64"]}]}]
    assert identity_field(terms, terms) is None
    changed = [{"matchExpressions": [{"key": "arch", "operator": "In", "values": ["arm64"]}]}]
    assert _changes({"t": terms}, {"t": changed}) == [("t[0].matchExpressions[key=arch].values", ["amd64"], ["arm64"])]


def test_embedded_yaml_is_compared_as_data_so_comments_do_not_count():
    old = {"valuesContent": "hostNetwork: true # comment\nports:\n  web: {port: 80}\n"}
    same = {"valuesContent": "# reworded\nports:\n  web:\n    port: 80\nhostNetwork: true\n"}
    changed = {"valuesContent": "hostNetwork: true\nports:\n  web:\n    port: 8080\n"}
    assert _changes(old, same) == []
    assert _changes(old, changed) == [("valuesContent::ports.web.port", 80, 8080)]


def test_multiline_text_that_is_not_a_mapping_is_a_plain_change():
    assert _changes({"script": "echo a\necho b\n"}, {"script": "echo a\necho c\n"}) == [
        ("script", "echo a\necho b\n", "echo a\necho c\n")
    ]


def test_paths_quote_keys_with_dots_and_name_identities():
    path = ("metadata", "labels", "app.kubernetes.io/name")
    assert render_path(path) == "metadata.labels['app.kubernetes.io/name']"
    assert render_path(("spec", "rules", Named("host", "a.example"), "http")) == "spec.rules[host=a.example].http"
    assert render_path(("data", "cluster.json", Embedded(), "nodes", 0)) == "data['cluster.json']::nodes[0]"


def test_get_follows_keys_names_and_indexes():
    obj = {"spec": {"containers": [{"name": "api", "ports": [{"containerPort": 80}]}]}}
    assert get(obj, "spec", "containers", Named("name", "api"), "ports", 0, "containerPort") == 80
    assert get(obj, "spec", "containers", Named("name", "web")) is MISSING
    assert get(obj, "spec", "replicas") is MISSING
