"""Ingress hosts and paths, Service selectors, types and ports."""

from __future__ import annotations

from pathlib import Path

from tests import dist_copies
from tests.review.diff import kit as diffkit

INGRESS = """\
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: status, namespace: honeydue}
spec:
  ingressClassName: traefik
  rules:
    - host: status.myhoneydue.com
      http:
        paths:
          - {path: /, pathType: Prefix, backend: {service: {name: api, port: {number: 8000}}}}
"""


def _rules(obj: dict) -> list[dict]:
    return obj["spec"]["rules"]


def test_a_host_removed_is_high_and_the_route_change_medium(synthesized: Path, tmp_path: Path):
    before, after = diffkit.before_after(synthesized, tmp_path)

    def rehost(obj: dict) -> None:
        (apex,) = [r for r in _rules(obj) if r["host"] == "myhoneydue.com"]
        apex["host"] = "www.myhoneydue.com"

    dist_copies.edit(after, "Ingress", "api", rehost)
    assert diffkit.risks(diffkit.compare(before, after)) == [
        (
            "high",
            "Ingress honeydue/api",
            "spec.rules",
            "host myhoneydue.com is no longer routed by any Ingress: its requests get 404.",
        ),
        (
            "medium",
            "Ingress honeydue/api",
            "spec.rules",
            "stops routing myhoneydue.com/; starts routing www.myhoneydue.com/ → api:8000.",
        ),
    ]


def test_a_path_pointed_elsewhere_is_medium(synthesized: Path, tmp_path: Path):
    before, after = diffkit.before_after(synthesized, tmp_path)

    def repoint(obj: dict) -> None:
        (rule,) = _rules(obj)
        (path,) = rule["http"]["paths"]
        path["path"] = "/admin"
        path["pathType"] = "Exact"

    dist_copies.edit(after, "Ingress", "admin", repoint)
    assert diffkit.risks(diffkit.compare(before, after)) == [
        (
            "medium",
            "Ingress honeydue/admin",
            "spec.rules",
            "stops routing admin.myhoneydue.com/; starts routing admin.myhoneydue.com/admin (Exact) → admin:3000.",
        )
    ]


def test_a_new_ingress_is_a_low_notice_of_new_public_routes(synthesized: Path, tmp_path: Path):
    before, after = diffkit.before_after(synthesized, tmp_path)
    dist_copies.write(after, "ingress-status.yaml", INGRESS)
    assert diffkit.risks(diffkit.compare(before, after)) == [
        (
            "low",
            "Ingress honeydue/status",
            "spec.rules",
            "starts routing status.myhoneydue.com/ → api:8000.",
        )
    ]


def test_a_new_ingress_class_is_medium(synthesized: Path, tmp_path: Path):
    before, after = diffkit.before_after(synthesized, tmp_path)
    dist_copies.edit(after, "Ingress", "admin", lambda o: o["spec"].update(ingressClassName="nginx"))
    assert diffkit.risks(diffkit.compare(before, after)) == [
        (
            "medium",
            "Ingress honeydue/admin",
            "spec.ingressClassName",
            "moves from traefik ingress class to nginx: until that controller picks it up, its hosts are not routed.",
        )
    ]


def test_service_exposure_selector_and_ports(synthesized: Path, tmp_path: Path):
    before, after = diffkit.before_after(synthesized, tmp_path)

    def expose(obj: dict) -> None:
        obj["spec"]["type"] = "LoadBalancer"
        obj["spec"]["selector"]["app.kubernetes.io/name"] = "redis-replica"
        obj["spec"]["ports"] = [{"name": "sentinel", "port": 26379, "targetPort": 26379}]

    dist_copies.edit(after, "Service", "redis", expose)
    assert diffkit.risks(diffkit.compare(before, after)) == [
        (
            "medium",
            "Service honeydue/redis",
            "spec.ports",
            "no longer serves port redis (6379): clients using it fail to connect.",
        ),
        (
            "medium",
            "Service honeydue/redis",
            "spec.selector",
            "selects different pods: its traffic goes wherever the new selector points.",
        ),
        (
            "medium",
            "Service honeydue/redis",
            "spec.type",
            "type changes from ClusterIP to LoadBalancer: it becomes reachable from outside the cluster (k3s ServiceLB "
            "claims its ports on every node).",
        ),
    ]


def _ranges(change):
    def apply(middleware: dict) -> None:
        middleware["spec"]["ipAllowList"]["sourceRange"] = change(middleware["spec"]["ipAllowList"]["sourceRange"])

    return apply


def test_a_cdn_range_dropped_from_the_allow_list_is_high(synthesized: Path, tmp_path: Path):
    before, after = diffkit.before_after(synthesized, tmp_path)
    dist_copies.edit(
        after, "Middleware", "honeydue-cdn-only", _ranges(lambda r: [x for x in r if x != "104.16.0.0/13"])
    )
    assert diffkit.risks_of(diffkit.compare(before, after), "Middleware", "honeydue-cdn-only") == [
        (
            "high",
            "spec.ipAllowList.sourceRange",
            "stops admitting 104.16.0.0/13: connections from there get 403 on every domain of the entry points "
            "that use it.",
        )
    ]


def test_a_range_added_to_the_allow_list_is_medium(synthesized: Path, tmp_path: Path):
    before, after = diffkit.before_after(synthesized, tmp_path)
    dist_copies.edit(after, "Middleware", "honeydue-cdn-only", _ranges(lambda r: [*r, "203.0.113.0/24"]))
    assert diffkit.risks_of(diffkit.compare(before, after), "Middleware", "honeydue-cdn-only") == [
        ("medium", "spec.ipAllowList.sourceRange", "starts admitting 203.0.113.0/24 directly.")
    ]


def test_the_allow_list_removed_is_high(synthesized: Path, tmp_path: Path):
    before, after = diffkit.before_after(synthesized, tmp_path)
    dist_copies.remove(after, "Middleware", "honeydue-cdn-only")
    assert diffkit.risks_of(diffkit.compare(before, after), "Middleware", "honeydue-cdn-only") == [
        (
            "high",
            "spec.ipAllowList",
            "is removed: an entry point that still names it builds no routers (every domain there answers 404), "
            "and one that no longer does answers anyone.",
        ),
        ("medium", "", "removed from git: the engine prunes it from the cluster."),
    ]


def test_pods_newly_isolated_for_egress_are_medium_with_the_ports_left(synthesized: Path, tmp_path: Path):
    before, after = diffkit.before_after(synthesized, tmp_path)
    dist_copies.remove(before, "NetworkPolicy", "default-deny-egress")
    dist_copies.remove(before, "NetworkPolicy", "redis-egress")
    assert diffkit.risks_of(diffkit.compare(before, after), "Deployment", "redis") == [
        (
            "medium",
            "spec.template.spec",
            "its pods become isolated for egress: they may connect out only on 53/TCP, 53/UDP, to the destinations "
            "the policies name; any other connection times out.",
        )
    ]


def test_a_port_no_longer_allowed_out_is_medium(synthesized: Path, tmp_path: Path):
    before, after = diffkit.before_after(synthesized, tmp_path)

    def no_smtp(policy: dict) -> None:
        for rule in policy["spec"]["egress"]:
            rule["ports"] = [p for p in rule["ports"] if p["port"] != 587]

    dist_copies.edit(after, "NetworkPolicy", "worker-egress", no_smtp)
    result = diffkit.compare(before, after)
    assert diffkit.risks_of(result, "Deployment", "worker") == [
        (
            "medium",
            "spec.template.spec",
            "its pods may no longer connect out on 587/TCP (still allowed: 53/TCP, 53/UDP, 443/TCP, 5432/TCP, "
            "6379/TCP).",
        )
    ]
    assert diffkit.risks_of(result, "Deployment", "api") == []
