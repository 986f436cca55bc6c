"""Builds gitops/k8s/listkeys.json: how Kubernetes identifies the items of each list of objects.

Read from the OpenAPI definitions kubernetes-validate ships for the cluster's minor (the same package
`make setup` builds kubeconform's schemas from): a list whose schema says
`x-kubernetes-list-type: map` is keyed by its `x-kubernetes-list-map-keys` (server-side apply's
identity; containers by name, container ports by containerPort and protocol, volume mounts by
mountPath), else by its `x-kubernetes-patch-merge-key` (strategic merge patch's); any other list of
objects (`atomic`, e.g. a NetworkPolicy's peers or a pod's tolerations) has no key. Only what a
field path can reach from the kinds below and that leads to a list of objects is kept, so the table
stays small; gitops/k8s/listkeys.py reads it, and tests/tools/test_listkeys.py holds it equal to
what this module builds.

    python -m gitops.tools.listkeys            # rewrite gitops/k8s/listkeys.json
"""

from __future__ import annotations

import json
import sys
from importlib import resources
from pathlib import Path

from gitops.k8s import listkeys

# The API groups (and their stable versions) the project's manifests, or any it might add, use.
GROUP_VERSIONS = (
    ("", "v1"),
    ("apps", "v1"),
    ("batch", "v1"),
    ("networking.k8s.io", "v1"),
    ("policy", "v1"),
    ("rbac.authorization.k8s.io", "v1"),
    ("storage.k8s.io", "v1"),
    ("autoscaling", "v2"),
    ("scheduling.k8s.io", "v1"),
)
PREFIXES = ("io.k8s.api.", "io.k8s.apimachinery.pkg.apis.", "io.k8s.apimachinery.pkg.")
Definitions = dict[str, dict]


def definitions(version: str = listkeys.KUBERNETES_VERSION) -> Definitions:
    base = resources.files("kubernetes_validate") / "kubernetes-json-schema"
    path = Path(str(base)) / f"v{version}-local-strict" / "_definitions.json"
    document = json.loads(path.read_text())
    found: Definitions = document["$defs"]
    return found


def short(name: str) -> str:
    """io.k8s.api.core.v1.PodSpec -> core.v1.PodSpec."""
    for prefix in PREFIXES:
        if name.startswith(prefix):
            return name[len(prefix) :]
    return name


def _ref(node: dict) -> str | None:
    ref = node.get("$ref")
    if isinstance(ref, str):
        return ref.rsplit("/", 1)[-1]
    for key in ("allOf", "oneOf", "anyOf"):
        for option in node.get(key) or []:
            if isinstance(option, dict) and isinstance(option.get("$ref"), str):
                return option["$ref"].rsplit("/", 1)[-1]
    return None


def _is_array(node: dict) -> bool:
    kind = node.get("type")
    return kind == "array" or (isinstance(kind, list) and "array" in kind)


def _keys(node: dict) -> list[str]:
    if node.get("x-kubernetes-list-type") == "map" and node.get("x-kubernetes-list-map-keys"):
        return list(node["x-kubernetes-list-map-keys"])
    merge_key = node.get("x-kubernetes-patch-merge-key")
    return [merge_key] if merge_key else []


def _edges(schema: dict) -> dict[str, tuple[str, list[str] | None]]:
    """property -> (the definition it holds, its keys when it is a list of that definition)."""
    found: dict[str, tuple[str, list[str] | None]] = {}
    for prop, node in (schema.get("properties") or {}).items():
        if not isinstance(node, dict):
            continue
        if _is_array(node):
            child = _ref(node.get("items") or {})
            if child is not None:
                found[prop] = (child, _keys(node))
        else:
            child = _ref(node)
            if child is not None:
                found[prop] = (child, None)
    return found


def roots(defs: Definitions) -> dict[str, str]:
    """'apps/v1 Deployment' -> its definition, for every kind of GROUP_VERSIONS (lists of objects excluded)."""
    found = {}
    for name, schema in defs.items():
        for gvk in schema.get("x-kubernetes-group-version-kind") or []:
            group, version, kind = gvk.get("group", ""), gvk.get("version"), gvk.get("kind", "")
            if (group, version) in GROUP_VERSIONS and not kind.endswith("List"):
                api_version = f"{group}/{version}" if group else str(version)
                found[f"{api_version} {kind}"] = name
    return dict(sorted(found.items()))


def build(defs: Definitions | None = None) -> dict:
    defs = definitions() if defs is None else defs
    kinds = roots(defs)
    edges = {name: _edges(schema) for name, schema in defs.items()}
    # Which definitions lead to a list of objects, directly or further down (a fixed point: the graph has cycles).
    useful: set[str] = set()
    changed = True
    while changed:
        changed = False
        for name, props in edges.items():
            if name in useful:
                continue
            if any(keys is not None or child in useful for child, keys in props.values()):
                useful.add(name)
                changed = True
    types: dict[str, dict[str, object]] = {}
    pending = sorted(set(kinds.values()) & useful)
    while pending:
        name = pending.pop()
        if short(name) in types:
            continue
        entry: dict[str, object] = {}
        for prop, (child, keys) in sorted(edges[name].items()):
            if keys is None and child not in useful:
                continue
            if child in useful:
                pending.append(child)
            entry[prop] = short(child) if keys is None else [short(child), keys]
        types[short(name)] = entry
    return {
        "source": f"kubernetes-validate {listkeys.KUBERNETES_VERSION} OpenAPI (python -m gitops.tools.listkeys)",
        "kinds": {kind: short(name) for kind, name in kinds.items() if name in useful},
        "types": dict(sorted(types.items())),
    }


def render(table: dict) -> str:
    return json.dumps(table, indent=1, sort_keys=False) + "\n"


def main(argv: list[str]) -> int:
    target = Path(argv[0]) if argv else listkeys.TABLE
    target.write_text(render(build()))
    print(f"{target}: {len(json.loads(target.read_text())['types'])} types")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
