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


# --- egress ---------------------------------------------------------------------------------------


def _may_connect(env: Manifests, source: str, to) -> bool:
    from gitops.k8s import networkpolicies

    return networkpolicies.egress_allowed(_pods(env)[source], "honeydue", to, env.of_kind("NetworkPolicy"))


def _outside(port: int, address: str = "3.18.12.63", protocol: str = "TCP"):
    from gitops.k8s.networkpolicies import Destination

    return Destination(port, protocol, address=address)


def test_egress_is_denied_by_default(env: Manifests):
    deny = env.get("NetworkPolicy", "default-deny-egress")["spec"]
    assert deny == {"podSelector": {}, "policyTypes": ["Egress"]}


def test_every_pod_resolves_names_through_the_cluster_dns(env: Manifests):
    from gitops.k8s import networkpolicies

    for name in _pods(env):
        for protocol in ("UDP", "TCP"):
            assert _may_connect(env, name, networkpolicies.cluster_dns(protocol)), (name, protocol)
        assert not _may_connect(env, name, _outside(53, protocol="UDP")), name


def test_readers_of_redis_url_reach_redis_and_nothing_else_does(env: Manifests):
    from gitops.k8s.networkpolicies import Destination

    redis = Destination(6379, labels=_pods(env)["redis"], namespace="honeydue")
    assert _may_connect(env, "api", redis)
    assert _may_connect(env, "worker", redis)
    assert not _may_connect(env, "admin", redis)


def test_endpoints_are_reached_by_their_readers_on_their_ports_only(env: Manifests):
    for name in ("api", "worker"):
        for port in (5432, 587, 443):
            assert _may_connect(env, name, _outside(port)), (name, port)
        assert not _may_connect(env, name, _outside(25)), name
    # The admin reads only public URLs: out through the CDN on 443, nothing else.
    assert _may_connect(env, "admin", _outside(443))
    assert not _may_connect(env, "admin", _outside(5432))
    assert not _may_connect(env, "redis", _outside(443))


def test_anywhere_outside_leaves_the_pod_and_service_networks_out(env: Manifests):
    for address in ("10.42.1.17", "10.43.0.10"):
        assert not _may_connect(env, "api", _outside(443, address)), address


def test_prod_node_addresses_are_not_outside(synthesized: Path):
    prod = Manifests.load(synthesized / "prod")
    assert not _may_connect(prod, "api", _outside(443, "178.104.247.152"))
