"""Standalone schemas: every definition a kind reaches is embedded, every $ref is local."""

from __future__ import annotations

import json

from gitops.tools.kubeschemas import CRD_SCHEMA_SOURCE, standalone

DEFINITIONS = {
    "a.Spec": {"properties": {"template": {"$ref": "#/$defs/a.Template"}}},
    "a.Template": {"properties": {"meta": {"$ref": "#/$defs/a.Meta"}}},
    "a.Meta": {"type": "object"},
    "a.Unused": {"type": "string"},
}


def test_transitive_definitions_are_embedded_and_refs_made_local():
    schema = {"properties": {"spec": {"$ref": "/api/_definitions.json#/$defs/a.Spec"}}}
    result = standalone(schema, DEFINITIONS)
    assert result["properties"]["spec"]["$ref"] == "#/$defs/a.Spec"
    assert sorted(result["$defs"]) == ["a.Meta", "a.Spec", "a.Template"]
    assert "/api/" not in json.dumps(result)


def test_repository_crd_schemas_say_where_they_come_from():
    schemas = sorted(CRD_SCHEMA_SOURCE.rglob("*.json"))
    assert schemas
    for path in schemas:
        schema = json.loads(path.read_text())
        assert "Derived" in schema["$comment"] or "Converted" in schema["$comment"], path
        assert schema["additionalProperties"] is False
