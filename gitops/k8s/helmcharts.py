"""k3s's HelmChartConfig read back: the values it hands to a chart k3s bundles (Traefik).

k3s's helm-controller (github.com/k3s-io/helm-controller, pkg/controllers/chart) passes
spec.valuesContent to the chart as one more values file, so it must be a single YAML mapping;
anything else configures nothing. The Traefik chart runs one pod per node when its values say
deployment.kind: DaemonSet (traefik-helm-chart's values.yaml). capacity (requests.py) and
`main.py check` read a HelmChartConfig through this module; the chart's rendered pods are read with
what Traefik's command line means (its entry points) and the keys the chart knows.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from gitops.k8s.manifests import Resource, load_documents
from gitops.k8s.workloads import as_int, dig, mapping, sequence


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


# Maps the chart keys by names the user chooses, each entry with the same fields: Traefik's entry points
# (traefik-helm-chart's _podtemplate.tpl ranges over .Values.ports and reads every entry alike). A key
# under one of them is known when any entry of the chart's defaults or schema has it.
NAMED_ENTRIES = (("ports",),)
# Values the chart's templates copy whole into its objects (`toYaml .Values.<key>` or `with .Values.<key>`
# then `toYaml .`: templates/_podtemplate.tpl, daemonset.yaml): Kubernetes fields, whose keys Kubernetes'
# schema judges in the rendered object, not the chart's values.
PASS_THROUGH = frozenset(
    {
        ("securityContext",),
        ("podSecurityContext",),
        ("resources",),
        ("readinessProbe",),
        ("livenessProbe",),
        ("startupProbe",),
        ("affinity",),
        ("tolerations",),
        ("nodeSelector",),
        ("topologySpreadConstraints",),
        ("deployment", "lifecycle"),
        ("deployment", "dnsConfig"),
        ("deployment", "hostAliases"),
    }
)


def unknown_keys(values: dict[str, Any], defaults: dict[str, Any], schema: dict[str, Any]) -> list[str]:
    """The key paths of values (dotted, e.g. "ports.web.bogus") that neither the chart's values.yaml
    (defaults) nor its values.schema.json (schema) has. Helm enforces the schema's types but the
    Traefik chart's schema allows any other key, and the templates ignore a key they never read: a
    misspelt key configures nothing, silently. Below a key whose default is an empty map and whose
    schema lists no properties (annotations, labels) any key is the user's own; below PASS_THROUGH
    the keys are Kubernetes' fields."""
    found: list[str] = []
    _walk(values, defaults, schema, (), found)
    return found


def _properties(schema: object) -> dict[str, Any]:
    properties = schema.get("properties") if isinstance(schema, dict) else None
    return properties if isinstance(properties, dict) else {}


def _walk(values: dict[str, Any], defaults: object, schema: object, path: tuple[str, ...], found: list[str]) -> None:
    known = defaults if isinstance(defaults, dict) else {}
    properties = _properties(schema)
    if path in PASS_THROUGH or (path and not known and not properties):
        return  # Kubernetes' own fields, or free-form: the user's own keys
    if path in NAMED_ENTRIES:
        known = _union([v for v in known.values() if isinstance(v, dict)])
        properties = _union([_properties(v) for v in properties.values()])
        for name, entry in values.items():
            if isinstance(entry, dict):
                _walk(entry, known, {"properties": properties}, (*path, str(name)), found)
        return
    for key, value in values.items():
        if key not in known and key not in properties:
            found.append(".".join((*path, str(key))))
        elif isinstance(value, dict):
            _walk(value, known.get(key), properties.get(key), (*path, str(key)), found)


def _union(maps: list[dict[str, Any]]) -> dict[str, Any]:
    merged: dict[str, Any] = {}
    for one in maps:
        for key, value in one.items():
            if isinstance(merged.get(key), dict) and isinstance(value, dict):
                merged[key] = _union([merged[key], value])
            else:
                merged.setdefault(key, value)
    return merged


@dataclass(frozen=True)
class EntryPoint:
    """A Traefik entry point as its command line sets it: --entryPoints.<name>.address=[host]:port[/proto]
    (Traefik's static configuration; an empty host listens on every address of the network namespace)."""

    name: str
    host: str
    port: int
    protocol: str

    @property
    def loopback(self) -> bool:
        return self.host in LOOPBACK


LOOPBACK = frozenset({"127.0.0.1", "localhost", "::1", "[::1]"})
_ADDRESS = re.compile(r"^--entry[pP]oints\.([^.=]+)\.address=(.*):(\d+)(?:/(\w+))?$")


def entry_points(args: list[Any]) -> list[EntryPoint]:
    """The entry points a Traefik container's args open."""
    found = []
    for arg in args:
        match = _ADDRESS.match(str(arg))
        if match:
            name, host, port, protocol = match.groups()
            found.append(EntryPoint(name, host, int(port), (protocol or "tcp").upper()))
    return found


def argument(args: list[Any], flag: str) -> str | None:
    """The value of --<flag>=value in args (the last one wins, as in Traefik's flag parser); None if absent."""
    value = None
    for arg in args:
        text = str(arg)
        if text.lower().startswith(f"--{flag.lower()}="):
            value = text.split("=", 1)[1]
    return value


def listed(args: list[Any], flag: str) -> list[str]:
    """The items of a list flag, --<flag>=a,b (the chart joins a values list with commas); [] if absent."""
    return [item for item in (argument(args, flag) or "").split(",") if item]


def node_port(port: dict[str, Any], host_network: bool) -> int | None:
    """The port a container port opens on the node's own addresses; None when it opens none there, or only
    on the loopback (hostIP). On the host network the container binds its containerPort on the node itself;
    otherwise only a hostPort is on the node."""
    if str(port.get("hostIP") or "") in LOOPBACK:
        return None
    return as_int(port.get("containerPort" if host_network else "hostPort")) or None


def node_entry_points(pod: dict[str, Any], container: dict[str, Any]) -> list[tuple[EntryPoint, int]]:
    """The entry points of a Traefik container (its spec) that a node's own address answers, each with the
    node's port, in a pod whose spec is pod.

    On the host network Traefik binds each entry point's address in the node's own network namespace: every
    one not bound to the loopback. Otherwise the node forwards only a hostPort, to the container port of the
    same number and protocol, where the entry point must listen."""
    entries = entry_points(sequence(container.get("args")))
    if pod.get("hostNetwork") is True:
        return [(entry, entry.port) for entry in entries if not entry.loopback]
    forwarded = {
        (as_int(port.get("containerPort")), str(port.get("protocol") or "TCP").upper()): number
        for port in map(mapping, sequence(container.get("ports")))
        if (number := node_port(port, host_network=False))
    }
    return [(e, forwarded[(e.port, e.protocol)]) for e in entries if (e.port, e.protocol) in forwarded]
