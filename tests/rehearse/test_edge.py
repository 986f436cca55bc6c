"""Traefik's Ingress status stand-in: the hostname comes from the HelmChartConfig, only Traefik's Ingresses get it."""

from __future__ import annotations

from pathlib import Path

from gitops.k8s import manifests
from gitops.rehearse import edge


def test_the_status_hostname_is_read_from_the_traefik_arguments(synthesized: Path):
    assert edge.status_hostnames(manifests.load([synthesized / "staging"])) == {"traefik": "staging.myhoneydue.com"}
    assert edge.status_hostnames(manifests.load([synthesized / "prod"])) == {"traefik": "myhoneydue.com"}


def test_only_ingresses_of_traefiks_class_without_that_status_get_it():
    hostnames = {"traefik": "staging.myhoneydue.com"}

    def ingress(class_name: str, status: dict | None = None) -> dict:
        return {"metadata": {"name": "api"}, "spec": {"ingressClassName": class_name}, "status": status or {}}

    wanted = {"loadBalancer": {"ingress": [{"hostname": "staging.myhoneydue.com"}]}}
    assert edge.wanted_status(ingress("traefik"), hostnames) == wanted
    assert edge.wanted_status(ingress("traefik", wanted), hostnames) is None
    assert edge.wanted_status(ingress("nginx"), hostnames) is None
