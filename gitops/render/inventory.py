"""A human-readable inventory of one environment's rendered objects (INVENTORY.md).

Built from the rendered objects themselves, so it describes exactly what the
cluster will get; the secrets table comes from the config, which is the only
place secrets are declared.
"""

from __future__ import annotations

from gitops.config.model import Environment
from gitops.k8s import workloads


def _images(obj: dict) -> str:
    spec = workloads.pod_spec(obj) or {}
    return ", ".join(f"`{c['image']}`" for c in spec.get("containers", []))


def _hosts(obj: dict) -> str:
    if obj["kind"] != "Ingress":
        return ""
    return ", ".join(rule["host"] for rule in obj["spec"].get("rules", []) if rule.get("host"))


def _row(unit: str, obj: dict) -> str:
    meta = obj["metadata"]
    count = workloads.replicas(obj)
    replicas = "" if count is None else str(count)
    image = _images(obj) if obj["kind"] in workloads.LONG_RUNNING else ""
    cells = [unit, obj["kind"], meta.get("namespace", ""), meta["name"], image, replicas, _hosts(obj)]
    return "| " + " | ".join(cells) + " |"


def _expected_secrets(config: Environment, encrypted: list[str]) -> list[str]:
    rows = []
    for name, secret in sorted(config.secrets.items()):
        keys = ", ".join(f"`{k}`" for k in secret.keys)
        origin = "git (SOPS, decrypted by Flux)" if name in encrypted else "created by the operator"
        rows.append(f"| {config.namespace} | {name} | {secret.type} | {keys} | {origin} | {secret.description} |")
    delivery = config.delivery
    if delivery.engine == "flux":
        if delivery.repository.secret_ref:
            rows.append(
                f"| {delivery.flux.namespace} | {delivery.repository.secret_ref} | Opaque | "
                "`username`, `password` (or `identity`, `known_hosts`) | created by the operator | "
                "Flux's read access to this repository |"
            )
        if encrypted:
            rows.append(
                f"| {delivery.flux.namespace} | {delivery.flux.decryption_secret} | Opaque | "
                "`identity.agekey` | created by the operator | age key that decrypts config/secrets |"
            )
    return rows


def render(
    environment: str, source: str, units: dict[str, list[dict]], config: Environment, encrypted: list[str]
) -> str:
    lines = [
        f"# Inventory of `{environment}`",
        "",
        f"Generated from `{source}` by `make synth`; do not edit. One row per object the environment renders,",
        f"here and in `dist/clusters/{environment}/`.",
        "",
        "| Unit | Kind | Namespace | Name | Image | Replicas | Hosts |",
        "| --- | --- | --- | --- | --- | --- | --- |",
    ]
    rows = []
    for unit, objects in units.items():
        for obj in objects:
            key = (unit, obj["kind"], obj["metadata"].get("namespace", ""), obj["metadata"]["name"])
            rows.append((key, _row(unit, obj)))
    lines += [row for _, row in sorted(rows)]
    lines += [
        "",
        "## Secrets this environment expects",
        "",
        "The repository holds their names and keys; values exist only in the cluster (or SOPS-encrypted in git).",
        "",
        "| Namespace | Secret | Type | Keys | Comes from | Holds |",
        "| --- | --- | --- | --- | --- | --- |",
        *_expected_secrets(config, encrypted),
    ]
    return "\n".join(lines) + "\n"
