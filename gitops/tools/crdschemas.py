"""JSON schemas for the Flux and Argo CD kinds, derived from their upstream CRDs.

The CRDs are the ones gitops/k8s/crds.py pins (the controllers' own Go
modules), fetched at set-up, so validation never reaches the network at run
time. Each served version's openAPIV3Schema is turned into a strict JSON
schema: objects that list their properties reject unknown ones (unless the
CRD preserves unknown fields), int-or-string and nullable are spelled out,
and metadata is checked as the built-in ObjectMeta.
"""

from __future__ import annotations

from typing import Any, overload

from gitops.k8s import crds

OBJECT_META_REF = "/api/_definitions.json#/$defs/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta"


@overload
def strict(node: dict[str, Any]) -> dict[str, Any]: ...
@overload
def strict(node: object) -> object: ...
def strict(node: object) -> object:
    """An openAPIV3Schema node as JSON schema that rejects fields the CRD does not define."""
    if isinstance(node, list):
        return [strict(item) for item in node]
    if not isinstance(node, dict):
        return node
    out = {key: value for key, value in node.items() if not key.startswith("x-kubernetes-") and key != "nullable"}
    for key in ("properties", "patternProperties"):
        if key in node:
            out[key] = {name: strict(child) for name, child in node[key].items()}
    for key in ("items", "not"):
        if key in node:
            out[key] = strict(node[key])
    for key in ("allOf", "anyOf", "oneOf"):
        if key in node:
            out[key] = [strict(child) for child in node[key]]
    if isinstance(node.get("additionalProperties"), dict):
        out["additionalProperties"] = strict(node["additionalProperties"])
    if node.get("x-kubernetes-int-or-string"):
        out.pop("type", None)
        out["anyOf"] = [{"type": "integer"}, {"type": "string"}]
    preserve = node.get("x-kubernetes-preserve-unknown-fields")
    if "properties" in node and "additionalProperties" not in node and not preserve:
        out["additionalProperties"] = False
    if node.get("nullable") and "type" in out:
        out["type"] = [out["type"], "null"] if isinstance(out["type"], str) else [*out["type"], "null"]
    return out


def convert(crd: dict, source: str) -> dict[str, dict]:
    """{"<group>/<kind>_<version>.json": schema} for every served version of one CRD."""
    spec = crd["spec"]
    group, kind = spec["group"], spec["names"]["kind"]
    schemas = {}
    for version in spec["versions"]:
        if not version.get("served", True):
            continue
        schema = strict(version["schema"]["openAPIV3Schema"])
        properties = schema.setdefault("properties", {})
        properties["apiVersion"] = {"type": "string", "enum": [f"{group}/{version['name']}"]}
        properties["kind"] = {"type": "string", "enum": [kind]}
        properties["metadata"] = {"$ref": OBJECT_META_REF}
        schema["additionalProperties"] = False
        schema["required"] = sorted(set(schema.get("required", [])) | {"apiVersion", "kind", "metadata"})
        schema["$comment"] = f"Converted from the upstream CustomResourceDefinition {source}"
        schemas[f"{group}/{kind.lower()}_{version['name']}.json"] = schema
    return schemas


# The kinds dist/ holds that no package carries a schema for: Flux's, Argo CD's and Traefik's (k3s's
# HelmChartConfig is kept stricter than its CRD, by hand, in gitops/tools/schemas/: see the file's $comment).
SETS = crds.FLUX + crds.ARGO_CD + crds.TRAEFIK


def fingerprint() -> str:
    """Changes whenever a pinned CRD module changes, so a stale schema set is rebuilt."""
    return crds.fingerprint(SETS)


def build() -> dict[str, dict]:
    """Every schema converted from the pinned CRDs, keyed by its path under the custom schema directory."""
    schemas: dict[str, dict] = {}
    for label, definition in crds.definitions(SETS):
        schemas.update(convert(definition, label))
    return schemas
