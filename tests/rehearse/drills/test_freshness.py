"""A pod that starts while a ConfigMap it reads still holds the base's data is caught; one that starts after is not."""

from __future__ import annotations

from pathlib import Path

from gitops.k8s.manifests import Resource
from gitops.rehearse.drills.freshness import Freshness, changed_config_maps, reads

KEY = ("honeydue", "honeydue-settings")


def _config_map(data: dict) -> Resource:
    obj = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": KEY[1], "namespace": KEY[0]}, "data": data}
    return Resource(obj, Path("configmap.yaml"), 0)


def _pod(name: str, phase: str = "Running", volume_only: bool = False) -> dict:
    container: dict = {"name": "api"}
    volumes: list = []
    if volume_only:
        volumes = [{"name": "settings", "configMap": {"name": KEY[1]}}]
    else:
        container["envFrom"] = [{"configMapRef": {"name": KEY[1]}}]
    return {
        "metadata": {"name": name, "namespace": KEY[0], "uid": name, "labels": {"app": "api"}},
        "spec": {"containers": [container], "volumes": volumes},
        "status": {"phase": phase},
    }


class _Cluster:
    """What the API server answers: the pods and the one ConfigMap, as the test sets them."""

    def __init__(self, pods: list[dict], data: dict) -> None:
        self.pods, self.data = pods, data

    def items(self, path: str) -> list[dict]:
        if path.endswith("/pods"):
            return self.pods
        deployment = {
            "metadata": {"name": "api", "namespace": KEY[0]},
            "spec": {"selector": {"matchLabels": {"app": "api"}}},
        }
        return [deployment] if path.endswith("/deployments") else []

    def find(self, path: str) -> dict:
        return {"data": self.data}


def test_only_configmaps_whose_data_the_change_modifies_are_watched():
    before = [_config_map({"B2_BUCKET": "old"})]
    assert changed_config_maps(before, [_config_map({"B2_BUCKET": "new"})]) == {KEY: {"B2_BUCKET": "new"}}
    assert changed_config_maps(before, [_config_map({"B2_BUCKET": "old"})]) == {}
    assert changed_config_maps([], [_config_map({"B2_BUCKET": "new"})]) == {}  # new: no pod starts without it


def test_environment_references_count_and_volumes_do_not():
    assert reads(_pod("a")) == {KEY[1]}
    assert reads(_pod("b", volume_only=True)) == set()  # the kubelet refreshes a mounted ConfigMap


def test_a_pod_started_before_the_configmap_changed_is_stale():
    cluster = _Cluster([_pod("base")], {"B2_BUCKET": "old"})
    fresh = Freshness(cluster, [KEY[0]], {KEY: {"B2_BUCKET": "new"}})  # type: ignore[arg-type]
    fresh.look(first=True)  # the base's pod, running before the change
    cluster.pods.append(_pod("early"))  # the change's pod starts; the ConfigMap is still old
    cluster.pods.append(_pod("pending", phase="Pending"))
    fresh.look()
    cluster.data = {"B2_BUCKET": "new"}
    cluster.pods[-1] = _pod("pending")  # starts once the ConfigMap holds the change
    fresh.look()
    assert [(s.owner, s.pod, s.config_map) for s in fresh.stale] == [("Deployment honeydue/api", "early", KEY)]
