"""Network policies read back and evaluated: who can reach which pod, on which port."""

from __future__ import annotations

import ipaddress
from pathlib import Path

import pytest

from tests.manifests import Manifests


def _selects(selector: dict, labels: dict) -> bool:
    return all(labels.get(k) == v for k, v in (selector.get("matchLabels") or {}).items())


def _pods(env: Manifests) -> dict[str, dict]:
    return {d["metadata"]["name"]: d["spec"]["template"]["metadata"]["labels"] for d in env.of_kind("Deployment")}


def _allowed(env: Manifests, target: str, port: int, source_pod: str | None = None, source_ip: str | None = None):
    labels = _pods(env)[target]
    for policy in env.of_kind("NetworkPolicy"):
        if not _selects(policy["spec"]["podSelector"], labels):
            continue
        for rule in policy["spec"].get("ingress", []):
            if port not in [p["port"] for p in rule.get("ports", [])]:
                continue
            for peer in rule.get("from", []):
                if source_pod and "podSelector" in peer and _selects(peer["podSelector"], _pods(env)[source_pod]):
                    return True
                if (
                    source_ip
                    and "ipBlock" in peer
                    and ipaddress.ip_address(source_ip) in ipaddress.ip_network(peer["ipBlock"]["cidr"])
                ):
                    return True
    return False


@pytest.fixture(scope="module", params=["prod", "staging"])
def env(request, synthesized: Path) -> Manifests:
    return Manifests.load(synthesized / request.param)


def test_ingress_is_denied_by_default(env: Manifests):
    deny = env.get("NetworkPolicy", "default-deny-ingress")["spec"]
    assert deny == {"podSelector": {}, "policyTypes": ["Ingress"]}


def test_every_pod_is_selected_by_a_policy(env: Manifests):
    policies = env.of_kind("NetworkPolicy")
    for name, labels in _pods(env).items():
        assert any(_selects(p["spec"]["podSelector"], labels) for p in policies), name


def test_redis_is_reachable_from_api_and_worker_only(env: Manifests):
    assert _allowed(env, "redis", 6379, source_pod="api")
    assert _allowed(env, "redis", 6379, source_pod="worker")
    assert not _allowed(env, "redis", 6379, source_pod="admin")
    assert not _allowed(env, "redis", 6379, source_ip="10.42.1.0")


def test_traefik_on_the_host_network_reaches_api_and_admin_on_their_ports(env: Manifests):
    # Traefik on another node connects from that node's pod-network address (flannel.1).
    assert _allowed(env, "api", 8000, source_ip="10.42.2.0")
    assert _allowed(env, "admin", 3000, source_ip="10.42.0.1")
    assert not _allowed(env, "api", 9090, source_ip="10.42.2.0")
    assert not _allowed(env, "redis", 6379, source_ip="10.42.2.0")


def test_prod_node_addresses_are_allowed_too(synthesized: Path):
    prod = Manifests.load(synthesized / "prod")
    assert _allowed(prod, "api", 8000, source_ip="178.104.247.152")
    assert not _allowed(prod, "api", 8000, source_ip="8.8.8.8")


def test_policies_are_part_of_the_infrastructure_unit(env: Manifests):
    for policy in env.of_kind("NetworkPolicy"):
        assert env.unit_of("NetworkPolicy", policy["metadata"]["name"]) == "infrastructure"
