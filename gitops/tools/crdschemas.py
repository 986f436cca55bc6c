"""JSON schemas for the Flux and Argo CD kinds, derived from their upstream CRDs.

The CRDs come from the controllers' own Go modules (the module zips the Go
module proxy serves include each repository's CRD manifests), fetched with
`go mod download` at set-up, so validation never reaches the network at run
time. Each served version's openAPIV3Schema is turned into a strict JSON
schema: objects that list their properties reject unknown ones (unless the
CRD preserves unknown fields), int-or-string and nullable are spelled out,
and metadata is checked as the built-in ObjectMeta.
"""

from __future__ import annotations

import json
import os
import subprocess
import zipfile
from dataclasses import dataclass

from ruamel.yaml import YAML

OBJECT_META_REF = "/api/_definitions.json#/$defs/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta"


@dataclass(frozen=True)
class CrdSource:
    module: str
    version: str
    path: str

    @property
    def label(self) -> str:
        return f"{self.module}@{self.version}/{self.path}"


# Pinned to the controller releases the clusters run; a bump is a reviewed change here.
SOURCES = (
    CrdSource("github.com/fluxcd/source-controller", "v1.9.6",
              "config/crd/bases/source.toolkit.fluxcd.io_gitrepositories.yaml"),
    CrdSource("github.com/fluxcd/kustomize-controller", "v1.9.6",
              "config/crd/bases/kustomize.toolkit.fluxcd.io_kustomizations.yaml"),
    CrdSource("github.com/argoproj/argo-cd/v3", "v3.5.7", "manifests/crds/application-crd.yaml"),
    CrdSource("github.com/argoproj/argo-cd/v3", "v3.5.7", "manifests/crds/appproject-crd.yaml"),
)


class CrdError(Exception):
    pass


def fingerprint() -> str:
    """Changes whenever a source changes, so a stale schema set is rebuilt."""
    return "\n".join(source.label for source in SOURCES)


def _module_zip(module: str, version: str) -> str:
    done = subprocess.run(
        ["go", "mod", "download", "-json", f"{module}@{version}"],
        capture_output=True, text=True, env={**os.environ, "GOFLAGS": "-mod=mod"},
    )
    try:
        info = json.loads(done.stdout)
    except json.JSONDecodeError:
        raise CrdError(f"go mod download {module}@{version} failed: {done.stderr.strip()}") from None
    if info.get("Error") or not info.get("Zip"):
        raise CrdError(f"go mod download {module}@{version} failed: {info.get('Error', 'no zip')}")
    return info["Zip"]


def fetch(source: CrdSource) -> str:
    """The CRD manifest text from the module zip in the Go module cache."""
    archive = _module_zip(source.module, source.version)
    with zipfile.ZipFile(archive) as zipped:
        try:
            return zipped.read(f"{source.module}@{source.version}/{source.path}").decode()
        except KeyError:
            raise CrdError(f"{source.label} is not in the module") from None


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


def build() -> dict[str, dict]:
    """Every schema from SOURCES, keyed by its path under the custom schema directory."""
    schemas: dict[str, dict] = {}
    for source in SOURCES:
        for document in YAML(typ="safe", pure=False).load_all(fetch(source)):
            if isinstance(document, dict) and document.get("kind") == "CustomResourceDefinition":
                schemas.update(convert(document, source.label))
    return schemas
