"""Traefik's Ingress status, as k3s's Traefik writes it: a stand-in, since no Traefik runs here.

Started with `--providers.kubernetesingress.ingressendpoint.hostname=H` (the HelmChartConfig's
additionalArguments, charts/traefik.py), Traefik writes status.loadBalancer.ingress [{hostname: H}]
into every Ingress of its class (traefik pkg/provider/kubernetes/ingress, the ingressEndpoint
option); Argo CD counts an Ingress without a status as Progressing (gitops-engine
pkg/health/health_ingress.go), so the Application that holds it never turns Healthy. A thread does
that one thing for the Ingresses whose ingressClassName is the chart's (k3s's HelmChartConfig and
the IngressClass the chart makes are both named after the release, `traefik`). Without the flag
nothing is written, as Traefik with a ClusterIP Service publishes nothing.
"""

from __future__ import annotations

from urllib.parse import quote

from gitops.k8s.helmcharts import chart_values
from gitops.k8s.manifests import Resource
from gitops.k8s.workloads import dig, sequence
from gitops.rehearse.kube import Api, ApiError
from gitops.rehearse.poll import Stepper

ENDPOINT_FLAG = "--providers.kubernetesingress.ingressendpoint.hostname="
INGRESSES = "/apis/networking.k8s.io/v1/namespaces/{ns}/ingresses"


def status_hostnames(resources: list[Resource]) -> dict[str, str]:
    """Ingress class -> the hostname its Traefik writes into their status, from each HelmChartConfig."""
    found = {}
    for resource in resources:
        values = chart_values(resource) if resource.kind == "HelmChartConfig" else None
        for argument in sequence((values or {}).get("additionalArguments")):
            if isinstance(argument, str) and argument.startswith(ENDPOINT_FLAG):
                found[resource.name] = argument.removeprefix(ENDPOINT_FLAG)
    return found


def wanted_status(ingress: dict, hostnames: dict[str, str]) -> dict | None:
    """The status to write into ingress, or None when it is not Traefik's or already says so."""
    hostname = hostnames.get(str(dig(ingress, "spec", "ingressClassName") or ""))
    if hostname is None or dig(ingress, "metadata", "deletionTimestamp"):
        return None
    status = {"loadBalancer": {"ingress": [{"hostname": hostname}]}}
    return None if dig(ingress, "status", "loadBalancer") == status["loadBalancer"] else status


class IngressStatus(Stepper):
    """Polls the namespaces' Ingresses in a thread until stopped, writing Traefik's status hostname."""

    name = "ingress-status"
    tolerated = (ApiError, OSError)

    def __init__(self, api: Api, namespaces: list[str], hostnames: dict[str, str], period: float = 0.3) -> None:
        super().__init__(period)
        self.api, self.namespaces, self.hostnames = api, namespaces, hostnames

    def describe(self) -> list[str]:
        return [
            f"Traefik's Ingress status: hostname {host} written into every Ingress of class {name} "
            f"({ENDPOINT_FLAG}{host})"
            for name, host in sorted(self.hostnames.items())
        ]

    def start(self) -> None:
        if self.hostnames:
            super().start()

    def step(self) -> None:
        for namespace in self.namespaces:
            for ingress in self.api.items(INGRESSES.format(ns=quote(namespace))):
                status = wanted_status(ingress, self.hostnames)
                if status is None:
                    continue
                name = quote(ingress["metadata"]["name"])
                try:
                    self.api.merge_patch(f"{INGRESSES.format(ns=quote(namespace))}/{name}/status", {"status": status})
                except ApiError as err:
                    if err.status != 404:
                        self.errors.append(f"Ingress {namespace}/{ingress['metadata']['name']}: {err}")
