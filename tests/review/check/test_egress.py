"""Egress rules of `main.py check` (gitops/review/check/egress.py), on copies of real output."""

from __future__ import annotations

from pathlib import Path

from tests.dist_copies import edit, remove, write
from tests.review.check.support import active, check, one

EGRESS_RULES = ("egress-isolated", "egress-dns", "egress-service-url", "egress-open")


def test_the_rendered_environment_passes_every_egress_rule(prod_copy: Path):
    outcome = check(prod_copy)
    assert [f for f in outcome.active if f.rule in EGRESS_RULES] == []


def test_without_the_default_deny_a_pod_no_egress_policy_selects_is_flagged(prod_copy: Path):
    remove(prod_copy, "NetworkPolicy", "default-deny-egress")
    remove(prod_copy, "NetworkPolicy", "worker-egress")
    outcome = check(prod_copy)
    worker = one(outcome, "egress-isolated", "Deployment", "worker")
    assert worker.field == "spec.template.metadata.labels"
    assert worker.message == (
        "no NetworkPolicy in namespace honeydue selects its pods (app.kubernetes.io/component=worker, "
        "app.kubernetes.io/instance=honeydue-prod, app.kubernetes.io/managed-by=honeydue-gitops, "
        "app.kubernetes.io/name=worker, app.kubernetes.io/part-of=honeydue, app.kubernetes.io/version=6f303dbbaa) "
        "for egress: they may connect to any address on any port"
    )
    # The other workloads keep their own egress policies.
    assert [f.name for f in active(outcome, "egress-isolated")] == ["worker"]


def test_host_network_pods_are_not_policed(prod_copy: Path):
    write(
        prod_copy / "infrastructure",
        "daemonset.yaml",
        """
apiVersion: apps/v1
kind: DaemonSet
metadata: {name: node-agent, namespace: kube-system}
spec:
  selector: {matchLabels: {app: node-agent}}
  template:
    metadata: {labels: {app: node-agent}}
    spec:
      hostNetwork: true
      containers: [{name: agent, image: "agent:1.0.0"}]
""",
    )
    assert active(check(prod_copy), "egress-isolated") == []


def _drop_rule(port: int, protocol: str = "TCP"):
    def change(policy: dict) -> None:
        rules = policy["spec"]["egress"]
        for rule in rules:
            rule["ports"] = [p for p in rule["ports"] if (p["port"], p.get("protocol", "TCP")) != (port, protocol)]
        policy["spec"]["egress"] = [r for r in rules if r["ports"]]

    return change


def test_a_pod_without_dns_is_flagged(prod_copy: Path):
    edit(prod_copy, "NetworkPolicy", "redis-egress", _drop_rule(53, "UDP"))
    finding = one(check(prod_copy), "egress-dns", "Deployment", "redis")
    assert finding.field == "spec.template.spec.dnsPolicy"
    assert finding.message == (
        "its pods resolve names through the cluster DNS (dnsPolicy ClusterFirst), and no egress rule allows UDP "
        "port 53 to it (k8s-app=kube-dns in kube-system)"
    )
    assert finding.fix == (
        "allow egress on UDP and TCP port 53 to namespaceSelector kubernetes.io/metadata.name=kube-system with "
        "podSelector k8s-app=kube-dns"
    )


def test_dns_to_the_wrong_namespace_is_flagged(prod_copy: Path):
    def elsewhere(policy: dict) -> None:
        policy["spec"]["egress"][0]["to"][0]["namespaceSelector"]["matchLabels"] = {
            "kubernetes.io/metadata.name": "dns"
        }

    edit(prod_copy, "NetworkPolicy", "admin-egress", elsewhere)
    finding = one(check(prod_copy), "egress-dns", "Deployment", "admin")
    assert "no egress rule allows UDP or TCP port 53" in finding.message


def test_a_pod_whose_resolver_is_not_the_cluster_dns_needs_no_dns_rule(prod_copy: Path):
    edit(prod_copy, "NetworkPolicy", "redis-egress", _drop_rule(53, "UDP"))
    edit(prod_copy, "Deployment", "redis", lambda d: d["spec"]["template"]["spec"].update(dnsPolicy="Default"))
    assert active(check(prod_copy), "egress-dns") == []


def test_a_reader_of_redis_url_that_cannot_reach_redis_is_flagged(prod_copy: Path):
    edit(prod_copy, "NetworkPolicy", "worker-egress", _drop_rule(6379))
    outcome = check(prod_copy)
    finding = one(outcome, "egress-service-url", "Deployment", "worker")
    assert finding.field == "spec.template.spec.containers[worker].env[REDIS_URL]"
    assert finding.message == (
        "REDIS_URL (redis://redis.honeydue.svc.cluster.local:6379/0) names Service honeydue/redis, and no egress "
        "rule of the policies selecting its pods allows TCP 6379 to the pods of Deployment honeydue/redis"
    )
    assert [f.name for f in active(outcome, "egress-service-url")] == ["worker"]


def test_a_reader_redis_does_not_admit_is_flagged(prod_copy: Path):
    def only_api(policy: dict) -> None:
        peers = policy["spec"]["ingress"][0]["from"]
        policy["spec"]["ingress"][0]["from"] = [
            p for p in peers if p["podSelector"]["matchLabels"]["app.kubernetes.io/name"] == "api"
        ]

    edit(prod_copy, "NetworkPolicy", "redis-ingress", only_api)
    finding = one(check(prod_copy), "egress-service-url", "Deployment", "worker")
    assert finding.message == (
        "REDIS_URL (redis://redis.honeydue.svc.cluster.local:6379/0) names Service honeydue/redis, and the ingress "
        "policies of Deployment honeydue/redis do not admit its pods on port 6379"
    )


def test_a_rule_that_opens_every_port_to_every_address_is_flagged(prod_copy: Path):
    def open_all(policy: dict) -> None:
        policy["spec"]["egress"].append({"to": [{"ipBlock": {"cidr": "0.0.0.0/0", "except": ["10.42.0.0/16"]}}]})

    edit(prod_copy, "NetworkPolicy", "admin-egress", open_all)
    finding = one(check(prod_copy), "egress-open", "NetworkPolicy", "admin-egress")
    assert finding.field == "spec.egress[2]"
    assert finding.message == (
        "the rule allows no ports, to ipBlock 0.0.0.0/0: every port of every address, for the pods it selects "
        "(app.kubernetes.io/instance=honeydue-prod, app.kubernetes.io/name=admin)"
    )


def test_an_empty_egress_rule_is_flagged(prod_copy: Path):
    edit(prod_copy, "NetworkPolicy", "default-deny-egress", lambda p: p["spec"].update(egress=[{}]))
    finding = one(check(prod_copy), "egress-open", "NetworkPolicy", "default-deny-egress")
    assert finding.message == (
        "the rule allows no ports and no to: every port of every address, for every pod of namespace honeydue"
    )
