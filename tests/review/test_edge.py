"""The Traefik chart as k3s runs it (gitops/review/edge.py): rendered with k3s's values, then ours."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from gitops.config import environment_names
from gitops.k8s import helmcharts, manifests
from gitops.k8s.manifests import Resource
from gitops.layout import PROJECT
from gitops.review import edge

pytestmark = pytest.mark.skipif(not edge.HELM.exists(), reason="Helm is built by `make setup`")


def _config(values: str) -> Resource:
    obj = {
        "apiVersion": "helm.cattle.io/v1",
        "kind": "HelmChartConfig",
        "metadata": {"name": "traefik", "namespace": "kube-system"},
        "spec": {"valuesContent": values},
    }
    return Resource(obj, Path("in-memory.yaml"), 0)


def _daemonset_args(rendered: edge.Rendered) -> list[str]:
    (daemonset,) = rendered.find("DaemonSet")
    (container,) = daemonset.obj["spec"]["template"]["spec"]["containers"]
    return container["args"]


def test_k3s_values_come_first_and_ours_win():
    # k3s's values make a Deployment with system-cluster-critical; ours add a DaemonSet and override the image.
    rendered = edge.render(_config("deployment:\n  kind: DaemonSet\nimage:\n  tag: '9.9.9'\n"))
    assert rendered.refused is None and rendered.unknown == []
    (daemonset,) = rendered.find("DaemonSet")
    spec = daemonset.obj["spec"]["template"]["spec"]
    assert spec["priorityClassName"] == "system-cluster-critical"
    assert spec["containers"][0]["image"] == "docker.io/rancher/mirrored-library-traefik:9.9.9"
    assert [t["key"] for t in spec["tolerations"]] == [
        "CriticalAddonsOnly",
        "node-role.kubernetes.io/control-plane",
        "node-role.kubernetes.io/master",
    ]


def test_null_deletes_a_default_entry_point():
    rendered = edge.render(_config("deployment:\n  kind: DaemonSet\nports:\n  websecure: null\n"))
    assert "--entryPoints.websecure.address=:8443/tcp" not in _daemonset_args(rendered)
    assert "--entryPoints.web.address=:8000/tcp" in _daemonset_args(rendered)


def test_a_schema_refusal_is_reported_not_raised():
    rendered = edge.render(_config("hostNetwork: 'yes'\n"))
    assert rendered.resources == []
    assert rendered.refused is not None and "at '/hostNetwork': got string, want boolean" in rendered.refused


def test_unknown_keys_are_named_by_path():
    rendered = edge.render(_config("deploymnt:\n  kind: DaemonSet\nports:\n  web:\n    hostPort: 80\n    prot: 1\n"))
    assert rendered.unknown == ["deploymnt", "ports.web.prot"]


def test_not_one_mapping_is_refused():
    assert edge.render(_config("- a\n- b\n")).refused == "spec.valuesContent is not one YAML mapping of chart values"


# The table in docs/operations.md, "Traefik's ports on the nodes".
ROW = re.compile(r"^\| (\w[\w-]*) \| (\d+)/(\w+) \| ([^|]+) \| (\w+): [^|]+ \|$")


def _documented() -> set[tuple[str, int, str, str, str]]:
    text = (PROJECT / "docs" / "operations.md").read_text()
    section = text.split("## Traefik's ports on the nodes", 1)[1].split("\n## ", 1)[0]
    return {
        (m[1], int(m[2]), m[3], m[4].strip(), m[5]) for line in section.splitlines() if (m := ROW.match(line.strip()))
    }


def _rendered(env: str) -> set[tuple[str, int, str, str, str]]:
    found = set()
    for config in manifests.load([PROJECT / "dist" / env]):
        if not edge.is_bundled(config):
            continue
        for entry in helmcharts.entry_points(_daemonset_args(edge.render(config))):
            where = "127.0.0.1 only" if entry.loopback else "every node's own addresses"
            found.add((env, entry.port, entry.protocol, where, entry.name))
    return found


def test_operations_doc_lists_the_ports_the_rendered_chart_opens():
    rendered = set().union(*(_rendered(env) for env in environment_names(PROJECT / "config")))
    assert rendered
    assert _documented() == rendered
