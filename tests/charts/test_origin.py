"""The origin admits only the CDN unless config says why not (charts/traefik.py, config traefik.openOrigin)."""

from __future__ import annotations

from pathlib import Path

from gitops.k8s.helmcharts import chart_values
from gitops.render.synth import synth
from tests.config.runs import edit_config
from tests.manifests import Manifests
from tests.review.check.support import check

BASE_TRAEFIK = "traefik:\n  httpPort: 80\n"


def test_the_allow_list_is_the_trusted_proxies_and_sits_on_the_entry_point(prod: Manifests):
    values = chart_values(prod.resource("HelmChartConfig", "traefik"))
    assert values is not None
    web = values["ports"]["web"]
    assert web["middlewares"] == ["kube-system-honeydue-cdn-only@kubernetescrd"]
    middleware = prod.get("Middleware", "honeydue-cdn-only", namespace="kube-system")
    assert middleware["apiVersion"] == "traefik.io/v1alpha1"
    assert middleware["spec"] == {"ipAllowList": {"sourceRange": web["forwardedHeaders"]["trustedIPs"]}}
    # Delivered with the HelmChartConfig that names it: an entry point naming a missing middleware fails.
    assert prod.unit_of("Middleware", "honeydue-cdn-only") == prod.unit_of("HelmChartConfig", "traefik")


def test_an_open_origin_says_why_and_the_gate_lists_it_waived(config_copy: Path, tmp_path: Path):
    reason = "the uptime monitor probes each node directly"
    edit_config(config_copy, BASE_TRAEFIK, f"{BASE_TRAEFIK}  openOrigin: {reason}\n", file="base.yaml")
    synth(config_copy, tmp_path / "dist", write_schema=False)
    prod = Manifests.load(tmp_path / "dist" / "prod")
    assert prod.of_kind("Middleware") == []
    config = prod.resource("HelmChartConfig", "traefik")
    assert "middlewares" not in (chart_values(config) or {})["ports"]["web"]
    assert config.annotations["waive.gitops.myhoneydue.com/origin-allow-list"] == reason
    outcome = check(tmp_path / "dist" / "prod")
    (waived,) = [f for f in outcome.findings if f.rule == "origin-allow-list"]
    assert waived.waived == reason


def test_without_trusted_proxies_there_is_no_cdn_to_admit(config_copy: Path, tmp_path: Path):
    edit_config(config_copy, "traefik:\n  resources:", "traefik:\n  trustedProxies: []\n  resources:")
    synth(config_copy, tmp_path / "dist", write_schema=False)
    prod = Manifests.load(tmp_path / "dist" / "prod")
    assert prod.of_kind("Middleware") == []
    assert "middlewares" not in (chart_values(prod.resource("HelmChartConfig", "traefik")) or {})["ports"]["web"]
