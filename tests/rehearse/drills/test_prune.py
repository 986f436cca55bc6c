"""The prune drill's choices and words: what the drill commit removes, what must survive, the summary."""

from __future__ import annotations

from pathlib import Path

import pytest

from gitops.k8s import manifests
from gitops.rehearse.drills import prune
from gitops.rehearse.findings import DrillResult


@pytest.mark.parametrize("engine", ["flux", "argocd"])
def test_the_drill_commit_removes_namespace_pvc_and_one_harmless_object_of_their_unit(synthesized: Path, engine: str):
    env = "prod" if engine == "flux" else "staging"
    resources = manifests.load([synthesized / env])
    targets = prune.drill_targets(engine, resources, synthesized.parent)
    assert [(t.ref, t.protected) for t in targets] == [
        ("Namespace honeydue", True),
        ("PersistentVolumeClaim honeydue/redis-data", True),
        ("NetworkPolicy honeydue/admin-egress", False),
    ]
    assert [t.path for t in targets] == [
        f"dist/{env}/infrastructure/namespace-honeydue.yaml",
        f"dist/{env}/infrastructure/persistentvolumeclaim-redis-data.yaml",
        f"dist/{env}/infrastructure/networkpolicy-admin-egress.yaml",
    ]


def test_protection_is_read_the_way_each_engine_reads_it():
    flux = {"metadata": {"annotations": {"kustomize.toolkit.fluxcd.io/prune": "disabled"}}}
    argo = {"metadata": {"annotations": {"argocd.argoproj.io/sync-options": "Prune=false,Delete=false"}}}
    assert prune.protected("flux", flux) and not prune.protected("argocd", flux)
    assert prune.protected("argocd", argo) and not prune.protected("flux", argo)


def test_objects_the_change_removes(synthesized: Path, tmp_path: Path):
    before = manifests.load([synthesized / "prod"])
    after = [r for r in before if r.kind not in ("Service", "Namespace")]
    gone = prune.removed("flux", before, after, synthesized.parent, synthesized.parent)
    assert [(t.ref, t.protected) for t in gone] == [
        ("Service honeydue/admin", False),
        ("Service honeydue/api", False),
        ("Namespace honeydue", True),
        ("Service honeydue/redis", False),
    ]
    assert prune.summary(gone) == "pruned 3 removed objects, kept Namespace"


def test_api_paths_of_what_the_drill_looks_up():
    namespaced = prune.Target("NetworkPolicy", "networking.k8s.io/v1", "honeydue", "admin-ingress", "x", False)
    cluster_wide = prune.Target("Namespace", "v1", "", "honeydue", "y", True)
    assert prune.api_path(namespaced) == "/apis/networking.k8s.io/v1/namespaces/honeydue/networkpolicies/admin-ingress"
    assert prune.api_path(cluster_wide) == "/api/v1/namespaces/honeydue"


class _Api:
    def __init__(self, live: dict[str, dict | None]) -> None:
        self.live = live

    def find(self, path: str) -> dict | None:
        return self.live.get(path)


def test_judging_what_survived():
    kept = prune.Target("Namespace", "v1", "", "honeydue", "ns.yaml", True)
    gone = prune.Target("NetworkPolicy", "networking.k8s.io/v1", "honeydue", "p", "np.yaml", False)
    stuck = prune.Target("NetworkPolicy", "networking.k8s.io/v1", "honeydue", "q", "nq.yaml", False)
    api = _Api({prune.api_path(kept): {"metadata": {}}, prune.api_path(stuck): {"metadata": {}}})
    result = DrillResult("prune")
    prune.judge(result, api, [kept, gone, stuck], "a commit removed its file", timeout=0.0)
    assert [f.text for f in result.facts] == [
        "Namespace honeydue kept after a commit removed its file (protected from pruning)",
        "NetworkPolicy honeydue/p pruned after a commit removed its file",
    ]
    assert [(f.object, f.what) for f in result.findings] == [
        ("NetworkPolicy honeydue/q", "still present 0 s after a commit removed its file")
    ]
