"""Workload rules read from any YAML (gitops/k8s/workloads.py)."""

from __future__ import annotations

from gitops.k8s.workloads import claims, singleton


def _deployment(replicas: int, strategy: str = "RollingUpdate") -> dict:
    return {"kind": "Deployment", "spec": {"replicas": replicas, "strategy": {"type": strategy}}}


def test_a_singleton_is_one_replica_with_recreate():
    assert singleton(_deployment(1, "Recreate"))
    assert not singleton(_deployment(1))
    assert not singleton(_deployment(2, "Recreate"))
    assert not singleton({**_deployment(1, "Recreate"), "kind": "StatefulSet"})


def test_claims_names_each_claim_volume_and_skips_the_rest():
    spec = {
        "volumes": [
            {"name": "data", "persistentVolumeClaim": {"claimName": "redis-data"}},
            {"name": "tmp", "emptyDir": {}},
            {"persistentVolumeClaim": {"claimName": "nameless"}},
            "not a volume",
        ]
    }
    assert claims(spec) == {"data": "redis-data"}
    assert claims(None) == {}
