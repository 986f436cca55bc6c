"""The config keys table: every field of the models, as the YAML spells it, with type, default and meaning."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from gitops.config.model import Environment, Model, Port, Service
from gitops.config.values import Cpu, Name
from gitops.tools.docs import config_keys
from gitops.tools.docs.config_keys import Key


class _Inner(Model):
    size: int = Field(default=2, ge=1, description="how big")


class _Sample(Model):
    kind: Literal["a", "b"] = Field(description="which one")
    cpu_request: Cpu = Field(default="500m", description="the CPU")
    port: Port | None = Field(default=None, description="the port")
    paths: list[str] = Field(default_factory=lambda: ["/tmp"], description="paths")
    label: str = Field(default="", description="a label")
    flag: bool = Field(default=False, description="a flag")
    inner: _Inner = Field(default_factory=_Inner, description="one inner")
    items: list[_Inner] = Field(min_length=1, description="some inners")
    by_name: dict[Name, _Inner] = Field(default_factory=dict, description="inners by name")


def test_every_field_becomes_a_key_with_its_path_type_default_and_description():
    assert list(config_keys.keys(_Sample)) == [
        Key("kind", "`a` | `b`", "required", "which one"),
        Key("cpuRequest", "CPU quantity, e.g. 250m or 1", "`500m`", "the CPU"),
        Key("port", "integer 1–65535", "unset", "the port"),
        Key("paths", "list of text", '`["/tmp"]`', "paths"),
        Key("label", "text", '`""`', "a label"),
        Key("flag", "boolean", "`false`", "a flag"),
        Key("inner", "object", "the defaults of its keys", "one inner"),
        Key("inner.size", "integer ≥ 1", "`2`", "how big"),
        Key("items", "list of object, at least 1", "required", "some inners"),
        Key("items[].size", "integer ≥ 1", "`2`", "how big"),
        Key("byName", "map of Kubernetes object name (RFC 1035 label) to object", "`{}`", "inners by name"),
        Key("byName.<name>.size", "integer ≥ 1", "`2`", "how big"),
    ]


def test_the_page_has_one_row_per_key_of_the_environment():
    rows = [line for line in config_keys.page().splitlines() if line.startswith("| `")]
    assert [row.split("`")[1] for row in rows] == [k.path for k in config_keys.keys(Environment)]


def test_a_service_key_row_reads_from_the_model():
    field = Service.model_fields["startup_seconds"]
    row = f"| `services.<name>.startupSeconds` | integer 1–3600 | `{field.default}` | {field.description} |"
    assert row in config_keys.page().splitlines()
