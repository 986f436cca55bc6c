"""The list-key table is what the Kubernetes 1.34 OpenAPI says, not what anyone typed."""

from __future__ import annotations

from gitops.k8s import listkeys
from gitops.tools import listkeys as builder


def test_the_committed_table_is_what_the_schemas_build():
    assert listkeys.TABLE.read_text() == builder.render(builder.build()), (
        "gitops/k8s/listkeys.json is stale: run python -m gitops.tools.listkeys"
    )


def test_every_keyed_list_carries_the_schemas_own_keys():
    defs = builder.definitions()
    table = builder.build(defs)
    by_short = {builder.short(name): schema for name, schema in defs.items()}
    checked = 0
    for type_name, props in table["types"].items():
        for prop, entry in props.items():
            if isinstance(entry, list):
                schema = by_short[type_name]["properties"][prop]
                named = [*schema.get("x-kubernetes-list-map-keys", []), schema.get("x-kubernetes-patch-merge-key")]
                named = [key for key in named if key]
                # Keyed exactly when the schema names a key, and only by keys it names.
                assert bool(entry[1]) == bool(named) and set(entry[1]) <= set(named), (type_name, prop)
                checked += 1
    assert checked > 40
