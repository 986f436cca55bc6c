"""Capacity: requests against the nodes left after losing one, from the rendered objects."""

from __future__ import annotations

from pathlib import Path

from gitops.k8s import capacity, declared, manifests, requests
from gitops.k8s.declared import DeclaredCluster, DeclaredNode

GI = 2**30


def _resources(tmp_path: Path, text: str):
    (tmp_path / "objects.yaml").write_text(text)
    return manifests.load([tmp_path])


def test_prod_fits_on_two_nodes_with_headroom(synthesized: Path):
    resources = manifests.load([synthesized / "prod"])
    cluster = declared.read(resources).cluster
    report = capacity.report(resources, cluster)
    assert report.nodes_left == 2
    assert report.supply == requests.Requests(2 * 3500, 2 * 7 * GI)
    assert report.fits
    kinds = sorted(str(d.resource) for d in report.workloads)
    assert kinds == [
        "Deployment honeydue/admin",
        "Deployment honeydue/api",
        "Deployment honeydue/redis",
        "Deployment honeydue/worker",
        "HelmChartConfig kube-system/traefik",
    ]


def test_replicas_daemonsets_and_init_containers(tmp_path: Path):
    resources = _resources(
        tmp_path,
        """
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  replicas: 3
  template:
    spec:
      initContainers: [{name: init, resources: {requests: {cpu: "2", memory: 1Gi}}}]
      containers:
        - {name: a, resources: {requests: {cpu: 250m, memory: 256Mi}}}
        - {name: b, resources: {requests: {cpu: 250m, memory: 256Mi}}}
---
apiVersion: apps/v1
kind: DaemonSet
metadata: {name: agent}
spec:
  template:
    spec:
      containers: [{name: a, resources: {requests: {cpu: 100m, memory: 128Mi}}}]
""",
    )
    cluster = DeclaredCluster(
        [DeclaredNode("a", 4000, 8 * GI), DeclaredNode("b", 4000, 8 * GI), DeclaredNode("c", 2000, 4 * GI)], 0, 0
    )
    report = capacity.report(resources, cluster)
    assert report.nodes_left == 2
    assert report.supply == requests.Requests(6000, 12 * GI)
    # web: max(init 2 cores/1Gi, containers 500m/512Mi) x 3; agent: once per remaining node
    assert report.demand == requests.Requests(3 * 2000 + 2 * 100, 3 * GI + 2 * 128 * 2**20)
    assert not report.fits
    assert report.headroom.cpu_millis == -200


def test_replicas_the_api_server_refuses_run_no_pods_and_absent_ones_one(tmp_path: Path):
    # capacity used int(spec.replicas): "3" counted as 3 pods and "three" crashed; the one reader of replica
    # counts (gitops/k8s/workloads.py) says what the API server stores.
    from tests import inmemory

    objects = [
        inmemory.deployment("text", {"app": "a"}, replicas="3"),
        inmemory.deployment("word", {"app": "b"}, replicas="three"),
        inmemory.deployment("absent", {"app": "c"}, replicas=None),
    ]
    assert [(str(d.resource), d.pods) for d in requests.demands(inmemory.resources(objects))] == [
        ("Deployment ns/text", 0),
        ("Deployment ns/word", 0),
        ("Deployment ns/absent", 1),
    ]


def test_a_helmchartconfig_configures_its_chart_only_with_one_yaml_mapping():
    from gitops.k8s.helmcharts import chart_values, per_node
    from gitops.k8s.manifests import Resource

    def config(text: object) -> Resource:
        obj = {"apiVersion": "helm.cattle.io/v1", "kind": "HelmChartConfig", "metadata": {"name": "traefik"}}
        return Resource({**obj, "spec": {"valuesContent": text}}, Path("traefik.yaml"), 0)

    values = chart_values(config("deployment:\n  kind: DaemonSet\n"))
    assert values is not None and per_node(values)
    assert chart_values(config("a: 1\n---\nb: 2\n")) is None
    assert chart_values(config("- a list\n")) is None
    assert chart_values(config(None)) is None
    assert not per_node({"deployment": {"kind": "Deployment"}})
