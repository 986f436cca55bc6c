"""A human-readable inventory of one environment's rendered objects (INVENTORY.md).

Built from the rendered objects themselves, so it describes exactly what the
cluster will get; the secrets table comes from the config, which is the only
place secrets are declared.
"""

from __future__ import annotations

from gitops.config.model import Environment

_WORKLOAD_KINDS = {"Deployment", "StatefulSet", "DaemonSet"}


def _images(obj: dict) -> str:
    spec = ((obj.get("spec") or {}).get("template") or {}).get("spec") or {}
    return ", ".join(f"`{c['image']}`" for c in spec.get("containers", []))


def _hosts(obj: dict) -> str:
    if obj["kind"] != "Ingress":
        return ""
    return ", ".join(rule["host"] for rule in obj["spec"].get("rules", []) if rule.get("host"))


def _row(unit: str, obj: dict) -> str:
    meta = obj["metadata"]
    replicas = str(obj["spec"].get("replicas", "")) if obj["kind"] in _WORKLOAD_KINDS else ""
    image = _images(obj) if obj["kind"] in _WORKLOAD_KINDS else ""
    cells = [unit, obj["kind"], meta.get("namespace", ""), meta["name"], image, replicas, _hosts(obj)]
    return "| " + " | ".join(cells) + " |"


def render(environment: str, source: str, units: dict[str, list[dict]], config: Environment) -> str:
    lines = [
        f"# Inventory of `{environment}`",
        "",
        f"Generated from `{source}` by `make synth`; do not edit. One row per object in this directory.",
        "",
        "| Unit | Kind | Namespace | Name | Image | Replicas | Hosts |",
        "| --- | --- | --- | --- | --- | --- | --- |",
    ]
    rows = []
    for unit, objects in units.items():
        for obj in objects:
            rows.append(((unit, obj["kind"], obj["metadata"].get("namespace", ""), obj["metadata"]["name"]), _row(unit, obj)))
    lines += [row for _, row in sorted(rows)]
    lines += [
        "",
        "## Secrets this environment expects",
        "",
        "Created in the cluster by the operator; the repository holds only their names and keys.",
        "",
        "| Namespace | Secret | Type | Keys | Holds |",
        "| --- | --- | --- | --- | --- |",
    ]
    for name, secret in sorted(config.secrets.items()):
        keys = ", ".join(f"`{k}`" for k in secret.keys)
        lines.append(f"| {config.namespace} | {name} | {secret.type} | {keys} | {secret.description} |")
    return "\n".join(lines) + "\n"
