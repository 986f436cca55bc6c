"""Staging: the same stack on one node, one replica each, its own hosts, smaller sizes."""

from __future__ import annotations

from pathlib import Path

import pytest

from gitops.k8s.quantities import memory_bytes
from tests.dist_copies import container, pod_spec
from tests.manifests import Manifests


@pytest.fixture(scope="module")
def staging(synthesized: Path) -> Manifests:
    return Manifests.load(synthesized / "staging")


def test_one_replica_of_every_workload_and_no_spread(staging: Manifests):
    for deployment in staging.of_kind("Deployment"):
        assert deployment["spec"]["replicas"] == 1, deployment["metadata"]["name"]
        assert "topologySpreadConstraints" not in pod_spec(deployment)


def test_its_own_first_level_hosts(staging: Manifests):
    hosts = sorted(rule["host"] for ingress in staging.of_kind("Ingress") for rule in ingress["spec"]["rules"])
    assert hosts == ["admin-staging.myhoneydue.com", "api-staging.myhoneydue.com", "staging.myhoneydue.com"]
    assert (
        staging.get("ConfigMap", "honeydue-settings")["data"]["API_PUBLIC_URL"] == "https://api-staging.myhoneydue.com"
    )


def test_smaller_than_prod(staging: Manifests, prod: Manifests):
    for name in ("api", "admin", "worker", "redis"):
        small = container(staging.get("Deployment", name))["resources"]["limits"]["memory"]
        large = container(prod.get("Deployment", name))["resources"]["limits"]["memory"]
        assert memory_bytes(small) < memory_bytes(large), name


def test_redis_stays_on_the_one_node_that_holds_its_volume(staging: Manifests):
    terms = pod_spec(staging.get("Deployment", "redis"))["affinity"]["nodeAffinity"][
        "requiredDuringSchedulingIgnoredDuringExecution"
    ]["nodeSelectorTerms"]
    assert {"key": "kubernetes.io/hostname", "operator": "In", "values": ["honeydue-staging-1"]} in terms[0][
        "matchExpressions"
    ]


def test_workers_and_budgets_keep_their_safety_properties(staging: Manifests):
    assert staging.get("Deployment", "worker")["spec"]["strategy"] == {"type": "Recreate"}
    for budget in staging.of_kind("PodDisruptionBudget"):
        assert budget["spec"]["maxUnavailable"] == 1
