"""Which pods NetworkPolicies isolate, and whether they still admit traffic (gitops/k8s/networkpolicies.py)."""

from __future__ import annotations

from gitops.k8s import networkpolicies

NS = "honeydue"
OURS = {"app.kubernetes.io/name": "api", "app.kubernetes.io/instance": "honeydue-prod"}
OLD = {"app": "api"}


def policy(name: str, selector: dict, ingress: list | None = None) -> dict:
    spec: dict = {"podSelector": {"matchLabels": selector} if selector else {}, "policyTypes": ["Ingress"]}
    if ingress is not None:
        spec["ingress"] = ingress
    return {"kind": "NetworkPolicy", "metadata": {"name": name, "namespace": NS}, "spec": spec}


DENY = policy("default-deny-ingress", {})
ALLOW_OURS = policy("api-ingress", OURS, [{"from": [{"ipBlock": {"cidr": "10.42.0.0/16"}}], "ports": [{"port": 8000}]}])
REDIS = policy("redis-ingress", {"app": "redis"}, [{"from": [{"podSelector": {"matchLabels": OURS}}]}])


def test_a_pod_no_policy_selects_is_not_isolated():
    assert networkpolicies.admitted(OLD, NS, 8000, [])
    assert networkpolicies.reachable(OLD, NS, 8000, [])


def test_old_pods_under_default_deny_lose_traffic_our_allow_policy_admits_only_to_new_pods():
    policies = [DENY, ALLOW_OURS]
    assert not networkpolicies.reachable(OLD, NS, 8000, policies)
    assert networkpolicies.reachable({**OURS, **OLD}, NS, 8000, policies)
    assert networkpolicies.admitted(OURS, NS, 8000, policies)  # from an address block, as Traefik's are
    assert not networkpolicies.admitted(OURS, NS, 9000, policies)


def test_pod_peers_admit_clients_by_their_labels():
    assert networkpolicies.admitted({"app": "redis"}, NS, 6379, [REDIS], client=(OURS, NS))
    assert not networkpolicies.admitted({"app": "redis"}, NS, 6379, [REDIS], client=(OLD, NS))
    assert not networkpolicies.admitted({"app": "redis"}, NS, 6379, [REDIS], client=(OURS, "other"))
