"""Every key of config/<env>.yaml, read from the pydantic models: path, type, default, meaning.

Paths are written as in the YAML (the models' camelCase aliases); `<name>`
stands for a map key and `[]` for an item of a list. Types come from the
models' own JSON Schema (so a value type's description, e.g. "CPU quantity",
names it), defaults from the fields, descriptions from `Field(description=...)`.
"""

from __future__ import annotations

import json
import types
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Annotated, Any, Union, get_args, get_origin

from pydantic import BaseModel, TypeAdapter
from pydantic.fields import FieldInfo

from gitops.tools.docs.markdown import header, table

MAP_KEY = "<name>"


@dataclass(frozen=True)
class Key:
    path: str
    type: str
    default: str
    description: str


def keys(model: type[BaseModel], prefix: str = "") -> Iterator[Key]:
    """Every field of the model, depth first in declaration order, nested models' fields after their key."""
    for name, info in model.model_fields.items():
        path = f"{prefix}{info.alias or name}"
        yield Key(path, type_text(info.annotation, info.metadata), default_text(info), info.description or "")
        nested = _nested(info.annotation)
        if nested is not None:
            inner, suffix = nested
            yield from keys(inner, f"{path}{suffix}.")


def _optional(annotation: Any) -> Any:
    """X | None -> X: an optional key shows its default, not a null type."""
    if get_origin(annotation) in (Union, types.UnionType):
        rest = [arg for arg in get_args(annotation) if arg is not type(None)]
        if len(rest) == 1:
            return rest[0]
    return annotation


def _model(annotation: Any) -> type[BaseModel] | None:
    annotation = _optional(annotation)
    return annotation if isinstance(annotation, type) and issubclass(annotation, BaseModel) else None


def _nested(annotation: Any) -> tuple[type[BaseModel], str] | None:
    """The model whose keys sit under this key, and how the path reaches them."""
    annotation = _optional(annotation)
    model = _model(annotation)
    if model is not None:
        return model, ""
    args = get_args(annotation)
    if get_origin(annotation) is list and (model := _model(args[0])) is not None:
        return model, "[]"
    if get_origin(annotation) is dict and (model := _model(args[1])) is not None:
        return model, f".{MAP_KEY}"
    return None


def type_text(annotation: Any, metadata: list[Any] | tuple[Any, ...] = ()) -> str:
    annotation = _optional(annotation)
    origin, args = get_origin(annotation), get_args(annotation)
    if _model(annotation) is not None:
        text = "object"
    elif origin is list:
        text = f"list of {type_text(args[0])}"
    elif origin is dict:
        text = f"map of {type_text(args[0])} to {type_text(args[1])}"
    else:
        return _leaf(Annotated[(annotation, *metadata)] if metadata else annotation)
    at_least = next((m.min_length for m in metadata if getattr(m, "min_length", None)), None)
    return f"{text}, at least {at_least}" if at_least else text


def _leaf(annotation: Any) -> str:
    """A scalar as its JSON Schema describes it: a value type's own description, choices, or bounds."""
    schema = TypeAdapter(annotation).json_schema(mode="validation")
    if "description" in schema:
        return schema["description"]
    if "enum" in schema or "const" in schema:
        return " | ".join(f"`{choice}`" for choice in schema.get("enum", [schema.get("const")]))
    kind = schema.get("type", "any")
    if kind == "integer":
        low, high = schema.get("minimum"), schema.get("maximum")
        if low is not None and high is not None:
            return f"integer {low}–{high}"
        if low is not None:
            return f"integer ≥ {low}"
    return {"string": "text"}.get(kind, kind)


def default_text(info: FieldInfo) -> str:
    if info.is_required():
        return "required"
    value = info.get_default(call_default_factory=True)
    if value is None:
        return "unset"
    if isinstance(value, BaseModel):
        return "the defaults of its keys"
    if isinstance(value, str):
        return f"`{value}`" if value else '`""`'
    return f"`{json.dumps(value)}`"


def page() -> str:
    from gitops.config.model import Environment

    lines = header(
        "Config keys",
        "the pydantic models (`gitops/config/model.py`, value types in `gitops/config/values.py`)",
        "Every key of `config/base.yaml` and `config/<env>.yaml`, written as in the YAML: `<name>` stands for a "
        "map key, `[]` for an item of a list. Unknown keys are errors. An environment file holds only what "
        "differs from `config/base.yaml` (see [config](../config.md)); `config/schema.json` is the same model "
        "as JSON Schema, for editors.",
    )
    lines += table(
        ["Key", "Type", "Default", "Description"],
        ([f"`{k.path}`", k.type, k.default, k.description] for k in keys(Environment)),
    )
    return "\n".join(lines) + "\n"
