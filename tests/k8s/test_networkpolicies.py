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


# --- egress ---------------------------------------------------------------------------------------

DENY_EGRESS = {
    "kind": "NetworkPolicy",
    "metadata": {"name": "default-deny-egress", "namespace": NS},
    "spec": {"podSelector": {}, "policyTypes": ["Egress"]},
}
DNS_RULE = {
    "to": [
        {
            "namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": "kube-system"}},
            "podSelector": {"matchLabels": {"k8s-app": "kube-dns"}},
        }
    ],
    "ports": [{"port": 53, "protocol": "UDP"}, {"port": 53, "protocol": "TCP"}],
}
OUTSIDE_RULE = {
    "to": [{"ipBlock": {"cidr": "0.0.0.0/0", "except": ["10.42.0.0/16", "10.43.0.0/16"]}}],
    "ports": [{"port": 5432}],
}


def egress_policy(selector: dict, rules: list, types: list | None = None) -> dict:
    spec: dict = {"podSelector": {"matchLabels": selector}, "egress": rules}
    if types is not None:
        spec["policyTypes"] = types
    return {"kind": "NetworkPolicy", "metadata": {"name": "api-egress", "namespace": NS}, "spec": spec}


def test_without_policy_types_a_policy_with_egress_rules_isolates_egress_too():
    assert networkpolicies.isolates(egress_policy(OURS, []), networkpolicies.EGRESS)
    assert not networkpolicies.isolates(DENY, networkpolicies.EGRESS)
    assert not networkpolicies.isolates(DENY_EGRESS, networkpolicies.INGRESS)


def test_an_egress_isolated_pod_reaches_only_what_a_rule_allows():
    policies = [DENY_EGRESS, egress_policy(OURS, [DNS_RULE, OUTSIDE_RULE], ["Egress"])]
    for protocol in ("UDP", "TCP"):
        assert networkpolicies.egress_allowed(OURS, NS, networkpolicies.cluster_dns(protocol), policies)
    assert not networkpolicies.egress_allowed(OLD, NS, networkpolicies.cluster_dns("UDP"), policies)
    database = networkpolicies.Destination(5432, address="3.18.0.10")
    assert networkpolicies.egress_allowed(OURS, NS, database, policies)
    # The exceptions keep "anywhere" out of the cluster; other ports stay closed.
    assert not networkpolicies.egress_allowed(
        OURS, NS, networkpolicies.Destination(5432, address="10.42.1.7"), policies
    )
    assert not networkpolicies.egress_allowed(OURS, NS, networkpolicies.Destination(22, address="3.18.0.10"), policies)
    assert not networkpolicies.egress_allowed(
        OURS, NS, networkpolicies.Destination(5432, "UDP", address="3.18.0.10"), policies
    )


def test_a_pod_peer_without_namespace_selector_is_in_the_policys_namespace():
    to_redis = {"to": [{"podSelector": {"matchLabels": {"app": "redis"}}}], "ports": [{"port": 6379}]}
    policies = [egress_policy(OURS, [to_redis])]
    redis = networkpolicies.Destination(6379, labels={"app": "redis"}, namespace=NS)
    assert networkpolicies.egress_allowed(OURS, NS, redis, policies)
    elsewhere = networkpolicies.Destination(6379, labels={"app": "redis"}, namespace="other")
    assert not networkpolicies.egress_allowed(OURS, NS, elsewhere, policies)


def test_named_ports_and_port_ranges():
    named = egress_policy(OURS, [{"ports": [{"port": "redis"}]}])
    assert networkpolicies.egress_allowed(OURS, NS, networkpolicies.Destination(6379, port_name="redis"), [named])
    assert not networkpolicies.egress_allowed(OURS, NS, networkpolicies.Destination(6379), [named])
    ranged = egress_policy(OURS, [{"ports": [{"port": 8000, "endPort": 8100}]}])
    assert networkpolicies.egress_allowed(OURS, NS, networkpolicies.Destination(8080, address="1.1.1.1"), [ranged])


def test_what_opens_every_port_to_every_address():
    assert networkpolicies.opens_everything({}) == "no ports and no to: every port of every address"
    assert networkpolicies.opens_everything({"to": [{"ipBlock": {"cidr": "::/0"}}]}) == (
        "no ports, to ipBlock ::/0: every port of every address"
    )
    assert networkpolicies.opens_everything(OUTSIDE_RULE) is None
    assert networkpolicies.opens_everything({"to": [{"ipBlock": {"cidr": "10.0.0.0/8"}}]}) is None
