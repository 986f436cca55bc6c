"""Reading what the operator has: manifests or an export, and every input the plan cannot use refused with its line."""

from __future__ import annotations

import time
import tracemalloc
from pathlib import Path

import pytest

from gitops.adopt import source
from gitops.adopt.source import LiveInputError

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "live"
OURS = {("helm.cattle.io", "HelmChartConfig", "kube-system", "traefik"), ("", "Namespace", "", "honeydue")}
PLACEHOLDERS = ("PLACEHOLDER", "cG9zdGdyZXNxbDovL2hvbmV5ZHVl", "UExBQ0VIT0xERVI")


def read(path: Path):
    return source.read(path, "honeydue", OURS)


def refused(path: Path) -> str:
    with pytest.raises(LiveInputError) as caught:
        read(path)
    return str(caught.value)


def write(tmp_path: Path, text: str, name: str = "live.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


def test_the_hand_written_directory_is_what_kubectl_applied():
    found = read(FIXTURE / "manifests")
    assert not found.exported
    names = sorted(str(o) for o in found.objects)
    assert "Deployment honeydue/api" in names and "HelmChartConfig kube-system/traefik" in names
    assert len(names) == 15
    api = found.find("Deployment", "honeydue", "api")
    assert api is not None and api.writer == "kubectl apply" and api.applied == api.obj
    assert api.where.endswith("manifests/api/deployment.yaml:1")


def test_an_export_sets_aside_what_the_server_set_and_what_the_cluster_made():
    found = read(FIXTURE / "export.yaml")
    assert found.exported
    api = found.find("Deployment", "honeydue", "api")
    assert api is not None
    assert "status" not in api.obj and "managedFields" not in api.obj["metadata"]
    assert "uid" not in api.obj["metadata"]
    assert api.applied is not None and api.applied["spec"]["selector"] == {"matchLabels": {"app": "api"}}
    assert {m.name for m in api.managed} >= {"kubectl-client-side-apply", "kube-controller-manager"}
    made = sorted({o.kind for o in found.cluster_made})
    assert made == ["ConfigMap", "EndpointSlice", "PersistentVolume", "ReplicaSet", "ServiceAccount"]
    assert next(v.name for v in found.volumes()).startswith("pvc-")
    # The namespace's kubernetes.io/metadata.name label is the server's, not the operator's.
    namespace = found.find("Namespace", "", "honeydue")
    assert namespace is not None and "labels" not in namespace.obj["metadata"]


def test_a_document_without_a_namespace_is_in_the_application_namespace(tmp_path):
    path = write(tmp_path, "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n")
    assert read(path).objects[0].namespace == "honeydue"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("a: [1, 2\n", "live.yaml:2: not valid YAML"),
        ("- just\n- a list\n", "live.yaml:1: document 1 is a list, not a Kubernetes object"),
        (
            "apiVersion: v1\nkind: ConfigMap\nmetadata: {}\n",
            "live.yaml:1: document 1 is not a Kubernetes object: no metadata.name",
        ),
        ("kind: List\napiVersion: v1\nitems: 3\n", "live.yaml:1: document 1 is a List without items"),
        (
            "---\nkind: List\napiVersion: v1\nitems:\n- kind: ConfigMap\n  apiVersion: v1\n"
            "  metadata: {name: a}\n- 7\n",
            "live.yaml:8: an item that is a int, not a Kubernetes object",
        ),
        ("a: &x 1\nb: *x\n", "YAML anchors and aliases are not allowed"),
        ("a: !!python/object:os.system x\n", "YAML tag tag:yaml.org,2002:python/object:os.system is not allowed"),
    ],
)
def test_input_that_is_not_kubernetes_yaml_is_refused_at_its_line(tmp_path, text, expected):
    assert expected in refused(write(tmp_path, text))


def test_bytes_that_are_not_utf8_are_refused_at_their_line(tmp_path):
    path = tmp_path / "live.yaml"
    path.write_bytes(b"apiVersion: v1\nkind: \xff\n")
    assert refused(path) == f"{path}:2: not UTF-8 text (byte 0xff); not YAML"


def test_an_object_of_another_namespace_is_refused(tmp_path):
    path = write(tmp_path, "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: coredns\n  namespace: kube-system\n")
    message = refused(path)
    assert message.startswith(f"{path}:1: ConfigMap kube-system/coredns is in namespace kube-system")
    assert "and HelmChartConfig kube-system/traefik" in message


def test_a_cluster_scoped_object_of_no_application_is_refused(tmp_path):
    path = write(tmp_path, "apiVersion: storage.k8s.io/v1\nkind: StorageClass\nmetadata:\n  name: fast\n")
    assert "StorageClass fast is cluster-scoped and not part of the application" in refused(path)


def test_the_same_object_twice_is_refused_with_both_places(tmp_path):
    one = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n  namespace: honeydue\n"
    path = write(tmp_path, one + "---\n" + one)
    assert (
        refused(path) == f"{path}:7: ConfigMap honeydue/a is also at {path}:1: each object once, please "
        "(two exports of one object disagree on which is live)"
    )


@pytest.mark.parametrize("name", ["secret.yaml", "export.yaml"])
def test_a_secret_with_values_is_named_never_shown(tmp_path, name):
    message = refused(FIXTURE / "variations" / "secret-with-values" / name)
    assert "Secret honeydue/honeydue-secrets holds values" in message
    assert not any(p in message for p in PLACEHOLDERS)


def test_a_secret_without_values_is_read_by_its_name(tmp_path):
    path = write(tmp_path, "apiVersion: v1\nkind: Secret\nmetadata:\n  name: s\n  namespace: honeydue\ntype: Opaque\n")
    found = read(path).objects[0]
    assert str(found) == "Secret honeydue/s" and "data" not in found.obj


def _configmaps(count: int) -> str:
    item = "- apiVersion: v1\n  kind: ConfigMap\n  metadata:\n    name: c{i}\n    namespace: honeydue\n"
    return "apiVersion: v1\nkind: List\nitems:\n" + "".join(item.format(i=i) for i in range(count))


def test_ten_thousand_objects_are_refused_in_bounded_time_and_memory(tmp_path):
    path = write(tmp_path, _configmaps(10_000))
    tracemalloc.start()
    begin = time.monotonic()
    message = refused(path)
    seconds = time.monotonic() - begin
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert f"more than {source.MAX_OBJECTS:,} objects" in message
    assert seconds < 30 and peak < 400 * 2**20, (seconds, peak)


def test_more_bytes_than_adopt_reads_are_refused_before_reading(tmp_path, monkeypatch):
    monkeypatch.setattr(source, "MAX_BYTES", 1000)
    path = write(tmp_path, _configmaps(100))
    assert "MiB of YAML, more than adopt reads" in refused(path)


def test_an_empty_directory_is_refused(tmp_path):
    assert refused(tmp_path) == f"{tmp_path}: no .yaml or .yml files in the directory"
