"""The rehearsal's own checks on the stage (gitops/rehearse/rehearsal.py)."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

from gitops.k8s.manifests import Resource
from gitops.rehearse import rehearsal
from gitops.rehearse.findings import DrillResult

DAEMONSET = Resource(
    {"apiVersion": "apps/v1", "kind": "DaemonSet", "metadata": {"name": "traefik", "namespace": "kube-system"}},
    Path("helmchartconfig.yaml"),
    0,
)


class FakeApi:
    def __init__(self, status: dict) -> None:
        self.status = status
        self.paths: list[str] = []

    def find(self, path: str) -> dict:
        self.paths.append(path)
        return {"status": self.status}


def _placed(status: dict) -> tuple[DrillResult, FakeApi]:
    api = FakeApi(status)
    stage = SimpleNamespace(api=api, nodes=["n1", "n2", "n3"], chart_daemonsets=[DAEMONSET])
    drill = DrillResult("converge")
    rehearsal._edge_placed(stage, drill, 0.0)  # type: ignore[arg-type]  # the fields _edge_placed reads
    return drill, api


def test_the_rendered_traefik_on_every_node_is_a_fact():
    drill, api = _placed({"numberReady": 3, "desiredNumberScheduled": 3})
    assert api.paths[0] == "/apis/apps/v1/namespaces/kube-system/daemonsets/traefik"
    assert [f.text for f in drill.facts] == ["DaemonSet kube-system/traefik: 3/3 pods Ready, one on every node"]
    assert drill.findings == []


def test_a_node_without_the_rendered_traefik_breaks_the_promise():
    drill, _ = _placed({"numberReady": 2, "desiredNumberScheduled": 3})
    [finding] = drill.findings
    assert (finding.object, finding.what) == (
        "DaemonSet kube-system/traefik",
        "2 of 3 nodes run a Ready pod of the rendered chart (3 scheduled)",
    )
