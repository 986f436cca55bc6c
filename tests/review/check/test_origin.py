"""The origin answers only the CDN (gitops/review/check/origin.py), on copies of real output."""

from __future__ import annotations

from pathlib import Path

from gitops.formats import yamlio
from gitops.k8s.manifests import load_documents
from tests.dist_copies import edit, remove
from tests.review.check.support import active, check, one

WEB = "spec.valuesContent (ports.web.middlewares)"
ALLOW_LIST = "kube-system-honeydue-cdn-only@kubernetescrd"


def _values(change):
    def apply(config: dict) -> None:
        (values,) = load_documents(config["spec"]["valuesContent"])
        change(values)
        config["spec"]["valuesContent"] = yamlio.dumps(values)

    return apply


def test_the_rendered_edge_admits_only_the_cdn(prod_copy: Path):
    outcome = check(prod_copy)
    assert active(outcome, "origin-allow-list") == []
    assert active(outcome, "entrypoint-middleware") == []


def test_an_entry_point_without_the_allow_list_answers_anyone(prod_copy: Path):
    edit(prod_copy, "HelmChartConfig", "traefik", _values(lambda v: v["ports"]["web"].pop("middlewares")))
    finding = one(check(prod_copy), "origin-allow-list", "HelmChartConfig", "traefik")
    assert finding.field == WEB
    assert finding.message == (
        "entry point web (port 80 on every node's address, ports.web.port) has no ipAllowList middleware: behind "
        "the CDN of its forwardedHeaders.trustedIPs, it answers anyone, not only the CDN"
    )


def test_a_missing_middleware_is_every_route_down(prod_copy: Path):
    remove(prod_copy, "Middleware", "honeydue-cdn-only")
    outcome = check(prod_copy)
    missing = one(outcome, "entrypoint-middleware", "HelmChartConfig", "traefik")
    assert missing.message == (
        f"entry point web names middleware {ALLOW_LIST}, and no Middleware here is it (Middlewares here: none)"
    )
    assert (
        missing.fix == f"add a Middleware whose namespace-name is {ALLOW_LIST.split('@')[0]}, or remove the reference"
    )
    assert one(outcome, "origin-allow-list", "HelmChartConfig", "traefik").field == WEB


def test_an_allow_list_wider_than_the_cdn_is_named(prod_copy: Path):
    def widen(middleware: dict) -> None:
        middleware["spec"]["ipAllowList"]["sourceRange"] += ["0.0.0.0/0", "103.21.244.0/24"]

    edit(prod_copy, "Middleware", "honeydue-cdn-only", widen)
    finding = one(check(prod_copy), "origin-allow-list", "HelmChartConfig", "traefik")
    # 103.21.244.0/24 lies inside Cloudflare's 103.21.244.0/22: only the range outside is named.
    assert finding.message == (
        f"middleware {ALLOW_LIST} on entry point web admits 0.0.0.0/0, outside the CDN's ranges "
        "(ports.web.forwardedHeaders.trustedIPs)"
    )


def test_an_allow_list_read_from_forwarded_headers_admits_anyone(prod_copy: Path):
    def by_header(middleware: dict) -> None:
        middleware["spec"]["ipAllowList"]["ipStrategy"] = {"depth": 1}

    edit(prod_copy, "Middleware", "honeydue-cdn-only", by_header)
    assert one(check(prod_copy), "origin-allow-list", "HelmChartConfig", "traefik").message.endswith(
        "it answers anyone, not only the CDN"
    )


def test_a_middleware_of_another_provider_is_not_ours_to_find(prod_copy: Path):
    edit(
        prod_copy,
        "HelmChartConfig",
        "traefik",
        _values(lambda v: v["ports"]["web"]["middlewares"].append("compress@file")),
    )
    assert active(check(prod_copy), "entrypoint-middleware") == []


def test_without_a_cdn_in_front_the_nodes_are_the_edge(prod_copy: Path):
    def no_cdn(values: dict) -> None:
        web = values["ports"]["web"]
        web.pop("middlewares")
        web.pop("forwardedHeaders")

    edit(prod_copy, "HelmChartConfig", "traefik", _values(no_cdn))
    assert active(check(prod_copy), "origin-allow-list") == []


def test_an_entry_point_the_chart_opens_by_default_is_judged_too(prod_copy: Path):
    # Our values give websecure the CDN's trusted ranges but no port: the chart's default 8443 puts it on
    # every node's address, which only the rendered Traefik shows.
    def keep_websecure(values: dict) -> None:
        values["ports"]["websecure"] = {"forwardedHeaders": values["ports"]["web"]["forwardedHeaders"]}

    edit(prod_copy, "HelmChartConfig", "traefik", _values(keep_websecure))
    finding = one(check(prod_copy), "origin-allow-list", "HelmChartConfig", "traefik")
    assert finding.field == "spec.valuesContent (ports.websecure.middlewares)"
    assert finding.message == (
        "entry point websecure (port 8443 on every node's address, ports.websecure.port) has no ipAllowList "
        "middleware: behind the CDN of its forwardedHeaders.trustedIPs, it answers anyone, not only the CDN"
    )


def test_middlewares_set_on_the_command_line_replace_the_values(prod_copy: Path):
    # The last --entryPoints.web.http.middlewares wins: the allow-list of ports.web.middlewares is gone.
    gone = "kube-system-gone@kubernetescrd"

    def override(values: dict) -> None:
        values["additionalArguments"].append(f"--entryPoints.web.http.middlewares={gone}")

    edit(prod_copy, "HelmChartConfig", "traefik", _values(override))
    outcome = check(prod_copy)
    missing = one(outcome, "entrypoint-middleware", "HelmChartConfig", "traefik")
    assert missing.field == WEB
    assert missing.message == (
        f"entry point web names middleware {gone}, and no Middleware here is it (Middlewares here: {ALLOW_LIST})"
    )
    assert one(outcome, "origin-allow-list", "HelmChartConfig", "traefik").message.endswith(
        "it answers anyone, not only the CDN"
    )


def test_off_the_host_network_only_a_host_port_is_on_the_node(prod_copy: Path):
    def pod_network(values: dict) -> None:
        values["hostNetwork"] = False
        values["ports"]["web"].pop("middlewares")

    edit(prod_copy, "HelmChartConfig", "traefik", _values(pod_network))
    assert one(check(prod_copy), "origin-allow-list", "HelmChartConfig", "traefik").message.startswith(
        "entry point web (port 80 on every node's address, ports.web.hostPort) has no ipAllowList middleware"
    )
