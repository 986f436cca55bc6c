"""How Kubernetes tells the items of a list apart: the list-map and patch-merge keys of the OpenAPI.

Server-side apply merges a list whose schema says `x-kubernetes-list-type: map` item by item, by
its `x-kubernetes-list-map-keys` (containers and env by name, container ports by containerPort and
protocol, volume mounts by mountPath, a Service's ports by port and protocol, topology spread
constraints by topologyKey and whenUnsatisfiable); strategic merge patch uses the
`x-kubernetes-patch-merge-key`. Any other list of objects is `atomic` (a NetworkPolicy's peers, a
pod's tolerations, an Ingress's rules): replaced whole, its items have no key.

The table, listkeys.json, is built from the Kubernetes 1.34 OpenAPI that kubernetes-validate ships
(`python -m gitops.tools.listkeys`; tests/tools/test_listkeys.py holds it equal to the schemas), and
keeps only the paths that lead to a list of objects, from the kinds of the stable API groups.
`main.py diff` walks it beside the objects it compares.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

KUBERNETES_VERSION = "1.34.0"
TABLE = Path(__file__).with_name("listkeys.json")

# A map-list key the API server defaults when an item leaves it out, as the item is then stored:
# a port's protocol is TCP (SetDefaults_ContainerPort and SetDefaults_ServicePort, pkg/apis/core/v1/defaults.go).
KEY_DEFAULTS = {"protocol": "TCP"}


@dataclass(frozen=True)
class Property:
    """A field of an object type that holds an object, or a list of objects."""

    type: str  # the definition of the object (of each item, for a list), e.g. core.v1.Container
    keys: tuple[str, ...] | None  # None: one object; (): a list without keys (atomic); else the items' keys


@cache
def _table() -> dict[str, Any]:
    table: dict[str, Any] = json.loads(TABLE.read_text())
    return table


def kind_type(api_version: object, kind: object) -> str | None:
    """The definition of an object of this apiVersion and kind, when the table knows it."""
    found = _table()["kinds"].get(f"{api_version} {kind}")
    return str(found) if found is not None else None


def field(type_name: str | None, name: object) -> Property | None:
    """The property `name` of the definition, when it leads to a list of objects; None otherwise."""
    if type_name is None or not isinstance(name, str):
        return None
    entry = _table()["types"].get(type_name, {}).get(name)
    if entry is None:
        return None
    if isinstance(entry, str):
        return Property(entry, None)
    child, keys = entry
    return Property(str(child), tuple(str(k) for k in keys))


def identity(item: dict[str, Any], keys: tuple[str, ...]) -> tuple[object, ...] | None:
    """An item's values of the keys, defaults applied; None when it lacks one with no default."""
    values = []
    for key in keys:
        value = item.get(key, KEY_DEFAULTS.get(key))
        if value is None or isinstance(value, (dict, list)):
            return None
        values.append(value)
    return tuple(values)
