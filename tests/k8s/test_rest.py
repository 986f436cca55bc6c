"""Resource names, scope and REST paths as the API server serves them (gitops/k8s/rest.py)."""

from __future__ import annotations

import pytest

from gitops.k8s import rest


@pytest.mark.parametrize(
    "kind, resource",
    [
        ("Deployment", "deployments"),
        ("NetworkPolicy", "networkpolicies"),
        ("Ingress", "ingresses"),
        ("IngressClass", "ingressclasses"),
        ("PersistentVolumeClaim", "persistentvolumeclaims"),
        ("PodDisruptionBudget", "poddisruptionbudgets"),
    ],
)
def test_a_kinds_resource_is_its_lower_case_plural(kind, resource):
    assert rest.resource(kind) == resource


def test_paths_for_the_core_group_other_groups_and_cluster_scoped_kinds():
    assert rest.path("v1", "PersistentVolumeClaim", "honeydue", "redis-data") == (
        "/api/v1/namespaces/honeydue/persistentvolumeclaims/redis-data"
    )
    assert rest.path("networking.k8s.io/v1", "NetworkPolicy", "honeydue", "admin-ingress") == (
        "/apis/networking.k8s.io/v1/namespaces/honeydue/networkpolicies/admin-ingress"
    )
    assert rest.path("v1", "Namespace", "honeydue", "honeydue") == "/api/v1/namespaces/honeydue"
    assert not rest.namespaced("StorageClass") and rest.namespaced("Secret")
