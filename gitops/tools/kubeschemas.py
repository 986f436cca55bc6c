"""Builds the offline JSON schemas kubeconform validates dist/ against.

Built-in kinds come from the PyPI package kubernetes-validate, which ships
per-version schemas whose ``$ref``s point at a shared
``/api/_definitions.json``. kubeconform resolves a schema file on its own, so
each kind is rewritten into a standalone file: the definitions it reaches are
embedded under ``$defs`` and every ``$ref`` is made document-local.

Custom resource kinds: the Flux and Argo CD kinds are converted from their
upstream CRDs (gitops/tools/crdschemas.py); kinds no package carries are kept under
``gitops/tools/schemas/`` (each says where it comes from). Their ``$ref``s to
Kubernetes types are resolved the same way as the built-in kinds'.

The Kubernetes version comes from each environment's config
(``cluster.kubernetesVersion``); a version already built is kept.

Run by ``make setup``:  python -m gitops.tools.kubeschemas OUTPUT_DIR
"""

from __future__ import annotations

import json
import shutil
import sys
from importlib import resources
from pathlib import Path
from typing import overload

from gitops.config import ConfigError, load_environments
from gitops.k8s import crds
from gitops.review.kubeconform import builtin_dir, crd_dir
from gitops.tools import crdschemas

_SHARED_REF = "/api/_definitions.json#/$defs/"
_LOCAL_REF = "#/$defs/"
CRD_SCHEMA_SOURCE = Path(__file__).parent / "schemas"
_COMPLETE = ".complete"


def _package_dir(version: str) -> Path:
    base = resources.files("kubernetes_validate") / "kubernetes-json-schema"
    path = Path(str(base)) / f"v{version}-local-strict"
    if not path.is_dir():
        raise SystemExit(
            f"kubernetes-validate has no schemas for Kubernetes {version} "
            f"(looked in {path}); pin a kubernetes-validate release that ships them in Pipfile"
        )
    return path


def _refs(node: object, found: set[str]) -> None:
    """Collect definition names referenced from node (kinds use the shared form, definitions the local one)."""
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str):
            for prefix in (_SHARED_REF, _LOCAL_REF):
                if ref.startswith(prefix):
                    found.add(ref[len(prefix) :])
        for value in node.values():
            _refs(value, found)
    elif isinstance(node, list):
        for value in node:
            _refs(value, found)


@overload
def _localise(node: dict[str, object]) -> dict[str, object]: ...
@overload
def _localise(node: object) -> object: ...
def _localise(node: object) -> object:
    if isinstance(node, dict):
        out: dict[str, object] = {}
        for key, value in node.items():
            if key == "$ref" and isinstance(value, str) and value.startswith(_SHARED_REF):
                out[key] = _LOCAL_REF + value[len(_SHARED_REF) :]
            else:
                out[key] = _localise(value)
        return out
    if isinstance(node, list):
        return [_localise(v) for v in node]
    return node


def standalone(schema: dict, definitions: dict) -> dict:
    """Return ``schema`` with every definition it reaches embedded and refs made local."""
    needed: set[str] = set()
    pending: set[str] = set()
    _refs(schema, pending)
    while pending:
        name = pending.pop()
        if name in needed:
            continue
        needed.add(name)
        found: set[str] = set()
        _refs(definitions[name], found)
        pending |= found - needed
    out = _localise(schema)
    out["$defs"] = {name: _localise(definitions[name]) for name in sorted(needed)}
    return out


def _is_kind(schema: dict) -> bool:
    return bool(schema.get("x-kubernetes-group-version-kind"))


def build(root: Path, version: str) -> tuple[int, int]:
    """Write built-in and custom resource schemas for Kubernetes ``version``.

    Returns how many built-in and custom schemas were written (0, 0 when the
    version was already built).
    """
    builtin, crds = builtin_dir(root, version), crd_dir(root, version)
    stamp = crds / _COMPLETE
    if (builtin / _COMPLETE).exists() and stamp.exists() and stamp.read_text() == crdschemas.fingerprint():
        return 0, 0
    source = _package_dir(version)
    definitions = json.loads((source / "_definitions.json").read_text())["$defs"]

    kinds = {}
    for path in sorted(source.glob("*.json")):
        if path.name.startswith("_") or path.name == "all.json":
            continue
        schema = json.loads(path.read_text())
        if _is_kind(schema):
            kinds[path.name] = standalone(schema, definitions)
    # Custom resource schemas reference ObjectMeta and friends the same way
    # the built-in ones do, so metadata is checked as strictly as a Deployment's.
    custom = {
        str(path.relative_to(CRD_SCHEMA_SOURCE)): json.loads(path.read_text())
        for path in sorted(CRD_SCHEMA_SOURCE.rglob("*.json"))
    }
    custom.update(crdschemas.build())
    custom = {name: standalone(schema, definitions) for name, schema in custom.items()}
    _write_dir(builtin, kinds, f"{len(kinds)}\n")
    _write_dir(crds, custom, crdschemas.fingerprint())
    return len(kinds), len(custom)


def _write_dir(target: Path, files: dict[str, dict], stamp: str) -> None:
    staging = target.with_name(target.name + ".partial")
    shutil.rmtree(staging, ignore_errors=True)
    for name, schema in files.items():
        path = staging / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(schema, sort_keys=True))
    staging.mkdir(parents=True, exist_ok=True)
    (staging / _COMPLETE).write_text(stamp)
    shutil.rmtree(target, ignore_errors=True)
    staging.rename(target)


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print("usage: python -m gitops.tools.kubeschemas OUTPUT_DIR", file=sys.stderr)
        return 2
    root = Path(argv[0])
    try:
        environments = load_environments()
    except ConfigError as err:
        print(err, file=sys.stderr)
        return 2
    versions = sorted({env.config.cluster.kubernetes_patch_version for env in environments})
    for version in versions:
        try:
            builtin, custom = build(root, version)
        except crds.CrdError as err:
            print(f"cannot build custom resource schemas: {err}", file=sys.stderr)
            return 1
        state = f"{builtin} built-in and {custom} custom kinds written" if builtin else "already built"
        print(f"kubeconform schemas for Kubernetes {version}: {state}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
