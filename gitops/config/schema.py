"""The JSON Schema of config files, for editors (yaml-language-server) and reviewers."""

from __future__ import annotations

import json

from gitops.config.model import Environment

SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"


def schema_text() -> str:
    schema = Environment.model_json_schema(by_alias=True, mode="validation")
    schema = {
        "$schema": SCHEMA_DIALECT,
        **schema,
        "title": "honeydue-gitops environment config (config/<env>.yaml)",
    }
    return json.dumps(schema, indent=2, sort_keys=False) + "\n"
