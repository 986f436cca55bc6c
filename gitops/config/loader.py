"""Reads config/<env>.yaml over config/base.yaml into an Environment, turning every failure into Problems.

An environment file holds only what differs from the shared base: mappings
merge key by key, any other value (lists included) replaces the base's, and
`key: null` removes the key. ruamel.yaml keeps the line of every key, and the
merge remembers which file each value came from, so a validation error raised
deep in the models points at the file and line the operator has to change.
"""

from __future__ import annotations

import difflib
import types
import typing
from dataclasses import dataclass
from pathlib import Path as FsPath

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import YAMLError
from ruamel.yaml.reader import ReaderError

from gitops.config.checks import check
from gitops.config.errors import ConfigError, Path, Problem, dotted
from gitops.config.model import Environment
from gitops.config.reading import bounded_text, refuse_tags_and_aliases
from gitops.config.values import Expect, Invalid, is_name, name_like
from gitops.layout import CLUSTERS, CONFIG_DIR

SCHEMA_FILE = "schema.json"
BASE_FILE = "base.yaml"

Where = dict[Path, tuple[str, int]]
# A config mapping as plain Python values: text keys, and the integer keys YAML may read.
Tree = dict[str | int, object]


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
    return sorted(p.stem for p in config_dir.glob("*.yaml") if p.name != BASE_FILE)


def _syntax(shown: str, err: Exception, text: str) -> ConfigError:
    """A parser error as a problem at its line."""
    mark = getattr(err, "problem_mark", None) or getattr(err, "context_mark", None)
    if isinstance(err, RecursionError):
        line, what = 1, "lists and mappings are nested too deeply"
    elif isinstance(err, ReaderError):
        character = err.character if isinstance(err.character, int) else ord(err.character)
        line = text[: err.position].count("\n") + 1
        what = f"it holds the control character U+{character:04X}, which YAML does not allow"
    else:
        line = mark.line + 1 if mark else 0
        what = str(getattr(err, "problem", None) or getattr(err, "context", None) or err)
    return ConfigError(
        [Problem(shown, line, "(syntax)", f"YAML cannot be read: {what}", "correct the YAML at this line")]
    )


def _read(path: FsPath) -> CommentedMap:
    shown = display_path(path)
    text = bounded_text(path, shown)
    try:
        refuse_tags_and_aliases(text, shown, pure=True)
        document = YAML(typ="rt").load(text)
    except (YAMLError, RecursionError) as err:
        raise _syntax(shown, err, text) from None
    if document is None:
        return CommentedMap()
    if not isinstance(document, CommentedMap):
        raise ConfigError(
            [
                Problem(
                    shown,
                    1,
                    "(top level)",
                    "the file is not a mapping of keys",
                    "start from config/prod.yaml and keep its key: value layout",
                )
            ]
        )
    return document


def _index(node: object, path: Path, shown: str, where: Where) -> None:
    """Record the file and line of every key and list item under node."""
    if isinstance(node, CommentedMap):
        for key in node:
            where[(*path, key)] = (shown, node.lc.key(key)[0] + 1)
            _index(node[key], (*path, key), shown, where)
    elif isinstance(node, CommentedSeq):
        for index, item in enumerate(node):
            where[(*path, index)] = (shown, node.lc.item(index)[0] + 1)
            _index(item, (*path, index), shown, where)


def _drop(where: Where, prefix: Path) -> None:
    if prefix not in where:  # _index records every parent before its children: nothing is below prefix either
        return
    for path in [p for p in where if p[: len(prefix)] == prefix]:
        del where[path]


def _overlay(base: Tree, over: Tree, path: Path, where: Where, over_where: Where) -> None:
    for key, value in over.items():
        at = (*path, key)
        below = base.get(key)
        if value is None:
            base.pop(key, None)
            _drop(where, at)
        elif isinstance(value, dict) and isinstance(below, dict):
            # A merged mapping keeps the line where the base starts it; its keys keep their own.
            if at in over_where:
                where.setdefault(at, over_where[at])
            _overlay(below, value, at, where, over_where)
        else:
            base[key] = value
            _drop(where, at)
            if isinstance(value, dict | list):
                where.update({p: w for p, w in over_where.items() if p[: len(at)] == at})
            elif at in over_where:  # a scalar has no paths below it: no need to look through the whole file
                where[at] = over_where[at]


def _locate(where: Where, path: Path, fallback: str) -> tuple[str, int]:
    for end in range(len(path), 0, -1):
        if path[:end] in where:
            return where[path[:end]]
    return fallback, 1


def _quick(layers: list[FsPath], name: str) -> Environment | None:
    """The config when it is valid, read without line numbers (the C parser); None otherwise.

    Line numbers only matter for reporting problems, and keeping them costs
    ruamel's pure-Python round-trip parser, several times slower.
    """
    data: Tree = {}
    try:
        for layer in layers:
            text = bounded_text(layer, display_path(layer))
            # Tags and aliases are refused from the event stream, before anything is constructed.
            refuse_tags_and_aliases(text, display_path(layer), pure=False)
            document = YAML(typ="safe", pure=False).load(text)
            if document is None:
                continue
            if not isinstance(document, dict):
                return None
            _overlay(data, document, (), {}, {})
        config = Environment.model_validate(data)
    except (YAMLError, ValidationError, RecursionError, TypeError):
        return None
    return None if check(config, name) else config


def load(name: str, config_dir: FsPath) -> LoadedEnvironment:
    """Load and check config_dir/<name>.yaml over base.yaml; raises ConfigError with every problem found."""
    source = config_dir / f"{name}.yaml"
    shown = display_path(source)
    if name == FsPath(BASE_FILE).stem or not source.is_file():
        known = ", ".join(environment_names(config_dir)) or "none"
        raise ConfigError([Problem(shown, 0, "(file)", f"no config for environment '{name}'", f"use one of: {known}")])
    if not is_name(name):
        raise ConfigError(
            [
                Problem(
                    shown,
                    0,
                    "(file)",
                    f"'{name}' cannot name an environment: it becomes a label value, a directory of dist/ and part of "
                    "object names",
                    f"rename the file to {display_path(config_dir / (name_like(name) + '.yaml'))} (lowercase letters, "
                    "digits and '-', starting with a letter)",
                )
            ]
        )
    base = config_dir / BASE_FILE
    layers = ([base] if base.is_file() else []) + [source]
    quick = _quick(layers, name)
    if quick is not None:
        return LoadedEnvironment(name=name, source=source, config=quick)

    data: Tree = {}
    where: Where = {}
    for layer in layers:
        document = _read(layer)
        layer_where: Where = {}
        _index(document, (), display_path(layer), layer_where)
        _overlay(data, _plain(document), (), where, layer_where)
    try:
        config = Environment.model_validate(data)
    except ValidationError as err:
        raise ConfigError([_from_pydantic(e, where, shown) for e in err.errors()]) from None
    problems = [
        Problem(*_locate(where, path, shown), dotted(path), problem, fix) for path, problem, fix in check(config, name)
    ]
    if problems:
        raise ConfigError(problems)
    return LoadedEnvironment(name=name, source=source, config=config)


def load_environments(config_dir: FsPath = CONFIG_DIR, names: list[str] | None = None) -> list[LoadedEnvironment]:
    """Load the named environments (all when names is None), reporting every problem of every one at once.

    'clusters' is refused as a name: dist/clusters/ holds the GitOps engines' own objects.
    """
    names = names if names is not None else environment_names(config_dir)
    loaded, problems = [], []
    for name in names:
        if name == CLUSTERS:
            problems.append(
                Problem(
                    display_path(config_dir / f"{name}.yaml"),
                    0,
                    "(file)",
                    f"'{name}' is reserved for dist/{CLUSTERS}/",
                    "name the environment otherwise",
                )
            )
            continue
        try:
            loaded.append(load(name, config_dir))
        except ConfigError as err:
            problems.extend(err.problems)
    if problems:
        raise ConfigError(problems)
    if not loaded:
        raise ConfigError(
            [Problem(display_path(config_dir), 0, "(config)", "no environment files found", "add config/<env>.yaml")]
        )
    return loaded


@typing.overload
def _plain(node: CommentedMap) -> Tree: ...
@typing.overload
def _plain(node: object) -> object: ...
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
    "int_type": "a whole number such as 3",
    "int_parsing": "a whole number such as 3",
    "int_from_float": "a whole number such as 3",
    "bool_type": "true or false",
    "bool_parsing": "true or false",
    "string_type": "text",
    "dict_type": "a mapping of key: value lines",
    "model_type": "a mapping of key: value lines",
    "model_attributes_type": "a mapping of key: value lines",
    "list_type": "a list of '- item' lines",
}


def _annotation_at(path: Path) -> tuple[object, list[object]]:
    """The type config expects at path, and the metadata (validators, Expect) attached to it."""
    current: object = Environment
    metadata: list[object] = []
    for part in path:
        if isinstance(current, type) and issubclass(current, BaseModel):
            field = next((f for f in current.model_fields.values() if f.alias == part), None)
            if field is None:
                return None, []
            current, metadata = field.annotation, list(field.metadata)
        elif typing.get_origin(current) in (list, dict):
            current, metadata = typing.get_args(current)[-1], []
        else:
            return None, []
        while typing.get_origin(current) in (typing.Annotated, typing.Union, types.UnionType):
            args = typing.get_args(current)
            if typing.get_origin(current) is typing.Annotated:
                metadata += args[1:]
            current = next(a for a in args if a is not type(None))
    return current, metadata


def _expected(kind: str, loc: Path) -> str:
    _, metadata = _annotation_at(loc)
    words = next((m.words for m in metadata if isinstance(m, Expect)), None)
    return words or _EXPECTED[kind]


def _yaml_value(value: object) -> str:
    """A value as the operator wrote it: true, not True; "3" in quotes when it was text."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "null"
    if isinstance(value, str):
        return f'"{value}"' if value else '""'
    if isinstance(value, (dict, list)):
        return "a mapping" if isinstance(value, dict) else "a list"
    return str(value)


def _reads_as(text: str, kind: str) -> bool:
    """Whether YAML would read text, unquoted, as the type kind asks for (so it must have been quoted)."""
    if kind == "bool_type":
        return text in ("true", "false")
    return kind == "int_type" and text.lstrip("-").isdigit()


def _wrong_type(kind: str, loc: Path, key: str, got: object) -> tuple[str, str]:
    expected = _expected(kind, loc)
    subject = key if loc and not isinstance(loc[-1], int) else None
    if isinstance(got, str) and _reads_as(got, kind):
        return (
            f"got {_yaml_value(got)} in quotes, which is text, expected {expected}",
            f"remove the quotes: {subject}: {got}" if subject else f"remove the quotes around {got}",
        )
    if kind == "string_type" and isinstance(got, (int, float)) and not isinstance(got, bool):
        return (
            f"got the number {got}, expected {expected}",
            f'quote it: {subject}: "{got}"' if subject else f'quote it: "{got}"',
        )
    description = _field_description(loc)
    fix = f"write {subject or 'it'} as {expected}" + (f" ({description})" if description else "")
    return f"got {_yaml_value(got)}, expected {expected}", fix


def _from_pydantic(error: ErrorDetails, where: Where, shown: str) -> Problem:
    loc: Path = tuple(p for p in error["loc"] if p != "[key]")
    kind = error["type"]
    got = error.get("input")
    key = str(loc[-1]) if loc else "(top level)"
    file, line = _locate(where, loc, shown)
    ctx = error.get("ctx") or {}

    if isinstance(ctx.get("error"), Invalid):
        problem, fix = ctx["error"].problem, ctx["error"].fix
    elif kind == "extra_forbidden":
        model = _model_at(loc[:-1])
        allowed = sorted(f.alias for f in model.model_fields.values() if f.alias) if model else []
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
        problem, fix = _wrong_type(kind, loc, key, got)
    else:
        problem = error["msg"]
        fix = _field_description(loc) or "see config/schema.json for the expected shape"
    return Problem(file, line, dotted(loc), problem, fix)
