"""Reads config/<env>.yaml into an Environment, turning every failure into Problems.

ruamel.yaml keeps the line of every key, so a validation error raised deep in
the models can point at the line the operator has to change.
"""

from __future__ import annotations

import difflib
import types
import typing
from dataclasses import dataclass
from pathlib import Path as FsPath

from pydantic import BaseModel, ValidationError
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import MarkedYAMLError

from gitops.config.checks import check
from gitops.config.errors import ConfigError, Path, Problem, dotted
from gitops.config.model import Environment
from gitops.config.quantities import Invalid

SCHEMA_FILE = "schema.json"


@dataclass(frozen=True)
class LoadedEnvironment:
    """One environment's validated config and where it came from."""

    name: str
    source: FsPath
    config: Environment


def display_path(path: FsPath) -> str:
    """The path relative to the working directory when it is inside it (as editors link it)."""
    try:
        return str(path.resolve().relative_to(FsPath.cwd().resolve()))
    except ValueError:
        return str(path)


def environment_names(config_dir: FsPath) -> list[str]:
    return sorted(p.stem for p in config_dir.glob("*.yaml"))


def load(name: str, config_dir: FsPath) -> LoadedEnvironment:
    """Load and check config_dir/<name>.yaml; raises ConfigError with every problem found."""
    source = config_dir / f"{name}.yaml"
    shown = display_path(source)
    if not source.is_file():
        known = ", ".join(environment_names(config_dir)) or "none"
        raise ConfigError(
            [Problem(shown, 0, "(file)", f"no config for environment '{name}'", f"use one of: {known}")]
        )
    try:
        document = YAML(typ="rt").load(source.read_text())
    except MarkedYAMLError as err:
        mark = err.problem_mark or err.context_mark
        line = mark.line + 1 if mark else 0
        raise ConfigError(
            [Problem(shown, line, "(syntax)", f"YAML cannot be read: {err.problem or err.context}",
                     "correct the YAML at this line")]
        ) from None
    if not isinstance(document, CommentedMap):
        raise ConfigError(
            [Problem(shown, 1, "(top level)", "the file is not a mapping of keys",
                     "start from config/prod.yaml and keep its key: value layout")]
        )
    try:
        config = Environment.model_validate(_plain(document))
    except ValidationError as err:
        raise ConfigError([_from_pydantic(e, document, shown) for e in err.errors()]) from None
    problems = [
        Problem(shown, _line(document, path), dotted(path), problem, fix)
        for path, problem, fix in check(config)
    ]
    if problems:
        raise ConfigError(problems)
    return LoadedEnvironment(name=name, source=source, config=config)


def load_all(config_dir: FsPath | None = None) -> list[LoadedEnvironment]:
    """Every environment under config_dir (default: the project's config/), in name order."""
    config_dir = config_dir or FsPath(__file__).resolve().parents[2] / "config"
    problems: list[Problem] = []
    loaded = []
    for name in environment_names(config_dir):
        try:
            loaded.append(load(name, config_dir))
        except ConfigError as err:
            problems.extend(err.problems)
    if problems:
        raise ConfigError(problems)
    return loaded


def _plain(node: object) -> object:
    """ruamel's commented containers and scalar subclasses as plain Python values."""
    if isinstance(node, dict):
        return {str(k) if not isinstance(k, (int, bool)) else k: _plain(v) for k, v in node.items()}
    if isinstance(node, list):
        return [_plain(v) for v in node]
    if isinstance(node, bool) or node is None:
        return node
    for kind in (int, float, str):
        if isinstance(node, kind):
            return kind(node)
    return node


def _line(document: CommentedMap, path: Path) -> int:
    """1-based line of the deepest part of path present in the document."""
    node: object = document
    line = 0
    for part in path:
        if isinstance(node, CommentedMap) and part in node:
            line = node.lc.key(part)[0]
            node = node[part]
        elif isinstance(node, CommentedSeq) and isinstance(part, int) and 0 <= part < len(node):
            line = node.lc.item(part)[0]
            node = node[part]
        else:
            break
    return line + 1


def _unwrap(annotation: object) -> object:
    while True:
        origin = typing.get_origin(annotation)
        if origin is typing.Annotated:
            annotation = typing.get_args(annotation)[0]
        elif origin in (typing.Union, types.UnionType):
            members = [a for a in typing.get_args(annotation) if a is not type(None)]
            annotation = members[0]
        else:
            return annotation


def _model_at(path: Path) -> type[BaseModel] | None:
    """The model class whose fields live at path (None when path leads elsewhere)."""
    current: object = Environment
    parts = list(path)
    while parts:
        if not (isinstance(current, type) and issubclass(current, BaseModel)):
            return None
        part = parts.pop(0)
        field = next((f for f in current.model_fields.values() if f.alias == part), None)
        if field is None:
            return None
        current = _unwrap(field.annotation)
        while typing.get_origin(current) in (dict, list) and parts:
            parts.pop(0)
            current = _unwrap(typing.get_args(current)[-1])
    return current if isinstance(current, type) and issubclass(current, BaseModel) else None


def _field_description(path: Path) -> str:
    model = _model_at(path[:-1])
    if model is None:
        return ""
    field = next((f for f in model.model_fields.values() if f.alias == path[-1]), None)
    return (field.description or "") if field else ""


_EXPECTED = {
    "int_type": "a whole number",
    "int_parsing": "a whole number",
    "int_from_float": "a whole number",
    "bool_type": "true or false",
    "bool_parsing": "true or false",
    "string_type": "text",
    "dict_type": "a mapping of key: value lines",
    "model_type": "a mapping of key: value lines",
    "model_attributes_type": "a mapping of key: value lines",
    "list_type": "a list of '- item' lines",
}


def _from_pydantic(error: dict, document: CommentedMap, shown: str) -> Problem:
    loc: Path = tuple(p for p in error["loc"] if p != "[key]")
    kind = error["type"]
    got = error.get("input")
    key = str(loc[-1]) if loc else "(top level)"
    line = _line(document, loc)
    ctx = error.get("ctx") or {}

    if isinstance(ctx.get("error"), Invalid):
        problem, fix = ctx["error"].problem, ctx["error"].fix
    elif kind == "extra_forbidden":
        model = _model_at(loc[:-1])
        allowed = sorted(f.alias for f in model.model_fields.values()) if model else []
        close = difflib.get_close_matches(key, allowed, n=1)
        problem = f"unknown key '{key}'"
        fix = f"rename it to '{close[0]}'" if close else "remove it"
        fix += f" (keys allowed here: {', '.join(allowed)})"
    elif kind == "missing":
        description = _field_description(loc)
        problem = f"required key '{key}' is missing"
        fix = f"add '{key}:'" + (f" ({description})" if description else "")
    elif kind == "literal_error":
        problem = f"got {got!r}, expected {ctx.get('expected')}"
        fix = f"set {key} to one of {ctx.get('expected')}"
    elif kind in ("greater_than_equal", "greater_than", "less_than_equal", "less_than"):
        bound = {
            "greater_than_equal": f"at least {ctx.get('ge')}",
            "greater_than": f"more than {ctx.get('gt')}",
            "less_than_equal": f"at most {ctx.get('le')}",
            "less_than": f"less than {ctx.get('lt')}",
        }[kind]
        problem = f"got {got!r}, expected {bound}"
        fix = f"set {key} to {bound}"
    elif kind in ("too_short", "too_long"):
        problem = error["msg"].lower()
        fix = _field_description(loc) or "see config/schema.json for the expected shape"
    elif kind in _EXPECTED:
        expected = _EXPECTED[kind]
        problem = f"got {got!r}, expected {expected}"
        description = _field_description(loc)
        fix = f"write {key} as {expected}" + (f" ({description})" if description else "")
    else:
        problem = error["msg"]
        fix = _field_description(loc) or "see config/schema.json for the expected shape"
    return Problem(shown, line, dotted(loc), problem, fix)
