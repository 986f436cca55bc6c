"""Field-level comparison: named lists matched by name, parsed data not text, exact paths."""

from __future__ import annotations

from gitops.review.diff.fields import diff, get, identity_field, objects, render_path
from gitops.review.diff.model import MISSING, Embedded, Keyed, Named


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


def _object_changes(old: dict, new: dict) -> list[tuple[str, object, object]]:
    return [(render_path(c.path), c.old, c.new) for c in objects(old, new)]


PEER_API = {"podSelector": {"matchLabels": {"app.kubernetes.io/name": "api"}}}
PEER_WORKER = {"podSelector": {"matchLabels": {"app.kubernetes.io/name": "worker"}}}
PEER_NOTIFIER = {"podSelector": {"matchLabels": {"app.kubernetes.io/name": "notifier"}}}


def _policy(*peers: dict) -> dict:
    rule = {"from": list(peers), "ports": [{"port": 6379, "protocol": "TCP"}]}
    return {"apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy", "spec": {"ingress": [rule]}}


def test_a_peer_inserted_in_front_is_one_insertion():
    # The OpenAPI gives NetworkPolicy peers no key (an atomic list): each peer is its own identity.
    assert _object_changes(_policy(PEER_API, PEER_WORKER), _policy(PEER_NOTIFIER, PEER_API, PEER_WORKER)) == [
        ("spec.ingress[0].from[0]", MISSING, PEER_NOTIFIER)
    ]
    assert _object_changes(_policy(PEER_API, PEER_WORKER), _policy(PEER_WORKER)) == [
        ("spec.ingress[0].from[0]", PEER_API, MISSING)
    ]


def test_an_item_replaced_in_place_is_a_change_where_it_stands():
    notifier = {"podSelector": {"matchLabels": {"app.kubernetes.io/name": "notifier"}}}
    assert _object_changes(_policy(PEER_API, PEER_WORKER), _policy(PEER_API, notifier)) == [
        ("spec.ingress[0].from[1].podSelector.matchLabels['app.kubernetes.io/name']", "worker", "notifier")
    ]


def _deployment(container: dict, **pod: object) -> dict:
    spec = {"containers": [container], **pod}
    return {"apiVersion": "apps/v1", "kind": "Deployment", "spec": {"template": {"spec": spec}}}


def test_container_ports_are_keyed_by_port_and_protocol_as_kubernetes_merges_them():
    old = {"name": "api", "ports": [{"name": "http", "containerPort": 8000}]}
    new = {
        "name": "api",
        "ports": [{"name": "metrics", "containerPort": 9090}, {"name": "http", "containerPort": 8000}],
    }
    assert _object_changes(_deployment(old), _deployment(new)) == [
        (
            "spec.template.spec.containers[api].ports[containerPort=9090,protocol=TCP]",
            MISSING,
            {"name": "metrics", "containerPort": 9090},
        )
    ]
    # An absent protocol is TCP, as the API server stores it: saying so is no change.
    explicit = {"name": "api", "ports": [{"name": "http", "containerPort": 8000, "protocol": "TCP"}]}
    assert _object_changes(_deployment(old), _deployment(explicit)) == [
        ("spec.template.spec.containers[api].ports[containerPort=8000,protocol=TCP].protocol", MISSING, "TCP")
    ]


def test_volume_mounts_are_keyed_by_mount_path_and_tolerations_by_what_tells_them_apart():
    old = {"name": "api", "volumeMounts": [{"name": "tmp", "mountPath": "/tmp"}]}
    new = {
        "name": "api",
        "volumeMounts": [{"name": "cache", "mountPath": "/cache"}, {"name": "tmp", "mountPath": "/tmp"}],
    }
    arm = {"key": "arch", "operator": "Equal", "value": "arm64", "effect": "NoSchedule"}
    gpu = {"key": "gpu", "operator": "Exists", "effect": "NoSchedule"}
    assert _object_changes(_deployment(old, tolerations=[arm]), _deployment(new, tolerations=[gpu, arm])) == [
        ("spec.template.spec.containers[api].volumeMounts[mountPath=/cache]", MISSING, new["volumeMounts"][0]),
        ("spec.template.spec.tolerations[key=gpu]", MISSING, gpu),
    ]
    # Two tolerations of one key: no field tells them apart, so each is its own identity.
    evict = {**arm, "effect": "NoExecute"}
    assert _object_changes(_deployment(old, tolerations=[arm]), _deployment(old, tolerations=[evict, arm])) == [
        ("spec.template.spec.tolerations[0]", MISSING, evict)
    ]


def test_keyed_items_are_found_again_by_their_keys():
    obj = _deployment({"name": "api", "ports": [{"containerPort": 8000}]})
    path = ("spec", "template", "spec", "containers", Named("name", "api"), "ports")
    assert get(obj, *path, Keyed(("containerPort", "protocol"), (8000, "TCP")), "containerPort") == 8000
    assert render_path((*path, Keyed(("containerPort", "protocol"), (8000, "TCP")))).endswith(
        "ports[containerPort=8000,protocol=TCP]"
    )
