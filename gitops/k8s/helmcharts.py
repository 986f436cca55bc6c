"""k3s's HelmChartConfig read back: the values it hands to a chart k3s bundles (Traefik).

k3s's helm-controller (github.com/k3s-io/helm-controller, pkg/controllers/chart) passes
spec.valuesContent to the chart as one more values file, so it must be a single YAML mapping;
anything else configures nothing. The Traefik chart runs one pod per node when its values say
deployment.kind: DaemonSet (traefik-helm-chart's values.yaml). capacity (requests.py) and
`main.py check`'s host ports read a HelmChartConfig through this module.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from gitops.k8s.manifests import Resource, load_documents
from gitops.k8s.workloads import as_int, dig, mapping


def chart_values(resource: Resource) -> dict[str, Any] | None:
    """The values a HelmChartConfig passes to its chart; None when absent or not one YAML mapping."""
    return values_of(resource.obj)


def values_of(obj: dict[str, Any]) -> dict[str, Any] | None:
    """chart_values() of a HelmChartConfig as parsed, without the file it came from."""
    text = dig(obj, "spec", "valuesContent")
    if not isinstance(text, str):
        return None
    try:
        documents = load_documents(text)
    except ValueError:
        return None
    return documents[0] if len(documents) == 1 and isinstance(documents[0], dict) else None


def per_node(values: dict[str, Any]) -> bool:
    """Whether the chart runs as a DaemonSet: one pod on every node."""
    return dig(values, "deployment", "kind") == "DaemonSet"


def host_bound_ports(values: dict[str, Any]) -> Iterator[tuple[str, str, int, dict[str, Any]]]:
    """(entry point, values key, port number, its values) of each Traefik port a node's address answers on.

    On the host network the chart binds `port` on the node (it requires hostPort == port); otherwise only a
    port with a `hostPort` is on the node.
    """
    key = "port" if values.get("hostNetwork") is True else "hostPort"
    for name, port in mapping(values.get("ports")).items():
        port = mapping(port)
        number = as_int(port.get(key))
        if number:
            yield str(name), key, number, port
