"""Reads config/<env>.yaml over config/base.yaml into an Environment, turning every failure into Problems.

An environment file holds only what differs from the shared base: mappings
merge key by key, and any other value (lists included) replaces the base's.
An entry of the base leaves an environment only by name, with a reason, under
the file's top-level `remove:`; a key with no value is a problem, never a
removal. ruamel.yaml keeps the line of every key, and the merge remembers which
file each value came from, so a validation error raised deep in the models
points at the file and line the operator has to change. Every problem is
reported at once: a wrong type does not stop the cross-checks (`validate`).
"""

from __future__ import annotations

import copy
import difflib
import types
import typing
from dataclasses import dataclass, field
from pathlib import Path as FsPath

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import YAMLError
from ruamel.yaml.nodes import MappingNode, SequenceNode
from ruamel.yaml.reader import ReaderError

from gitops.config.checks import check
from gitops.config.errors import ConfigError, Path, Problem, dotted
from gitops.config.following import environment_only, follow
from gitops.config.model import Environment
from gitops.config.reading import bounded_text, refuse_tags_and_aliases
from gitops.config.syntax import explain
from gitops.config.values import Expect, Invalid, hidden, is_name, name_like
from gitops.config.values import shown as values_shown
from gitops.layout import CLUSTERS, CONFIG_DIR

SCHEMA_FILE = "schema.json"
BASE_FILE = "base.yaml"
# An environment file's top-level key naming the entries of the base it takes out, each with its reason.
REMOVE_KEY = "remove"

Where = dict[Path, tuple[str, int]]
_INT_TAG = "tag:yaml.org,2002:int"
# A config mapping as plain Python values: text keys, and the integer keys YAML may read.
Tree = dict[str | int, object]


@dataclass(frozen=True)
class LoadedEnvironment:
    """One environment's validated config and where it came from."""

    name: str
    source: FsPath
    config: Environment
    # Services whose build comes from another environment (shipping.follows), with the environment whose
    # file names it: `main.py set-image` edits that file, never this one.
    followed: dict[str, str] = field(default_factory=dict)


def display_path(path: FsPath) -> str:
    """The path relative to the working directory when it is inside it (as editors link it)."""
    try:
        return str(path.resolve().relative_to(FsPath.cwd().resolve()))
    except ValueError:
        return str(path)


def environment_names(config_dir: FsPath) -> list[str]:
    return sorted(p.stem for p in config_dir.glob("*.yaml") if p.name != BASE_FILE)


def _syntax(shown: str, err: Exception, text: str) -> ConfigError:
    """A parser error as one problem, in plain words, at the line to change (gitops/config/syntax.py)."""
    if isinstance(err, RecursionError):
        return ConfigError(
            [
                Problem(
                    shown,
                    1,
                    "(syntax)",
                    "YAML cannot be read: lists and mappings are nested too deeply",
                    "correct the YAML at this line",
                )
            ]
        )
    if isinstance(err, ReaderError):
        character = err.character if isinstance(err.character, int) else ord(err.character)
        line = text[: err.position].count("\n") + 1
        what = f"it holds the control character U+{character:04X}, which YAML does not allow"
        return ConfigError(
            [Problem(shown, line, "(syntax)", f"YAML cannot be read: {what}", "correct the YAML at this line")]
        )
    problem_mark = getattr(err, "problem_mark", None)
    context_mark = getattr(err, "context_mark", None)
    mistake = explain(
        text,
        str(getattr(err, "problem", None) or ""),
        str(getattr(err, "context", None) or ""),
        problem_mark.line + 1 if problem_mark else 0,
        context_mark.line + 1 if context_mark else 0,
    )
    return ConfigError([Problem(shown, mistake.line, "(syntax)", f"YAML cannot be read: {mistake.what}", mistake.fix)])


def _parse(shown: str, text: str) -> CommentedMap:
    """One file's text as ruamel's round-trip tree (with line numbers); ConfigError when it is not config."""
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


@dataclass(frozen=True)
class Layer:
    """One config file as data: where it is shown, its values, and the line of every key and list item."""

    shown: str
    tree: Tree
    where: Where


def parse_layer(shown: str, text: str) -> Layer:
    """A config file's text as a Layer; ConfigError when it does not parse as config."""
    document = _parse(shown, text)
    where: Where = {}
    _index(document, (), shown, where)
    return Layer(shown, _plain(document), where)


def _node_lines(node: object, path: Path, shown: str, where: Where) -> None:
    """The line of every key and list item under a composed YAML node (the C parser's, for speed)."""
    if isinstance(node, MappingNode):
        for key_node, value_node in node.value:
            key: str | int = key_node.value
            if key_node.tag == _INT_TAG and key_node.value.lstrip("-").isdigit():
                key = int(key_node.value)
            if isinstance(key_node.value, str):
                where[(*path, key)] = (shown, key_node.start_mark.line + 1)
                _node_lines(value_node, (*path, key), shown, where)
    elif isinstance(node, SequenceNode):
        for index, item in enumerate(node.value):
            where[(*path, index)] = (shown, item.start_mark.line + 1)
            _node_lines(item, (*path, index), shown, where)


def parse_layer_fast(shown: str, text: str) -> Layer:
    """parse_layer, by the C parser when the text is valid config (several times faster); the same Layer."""
    try:
        refuse_tags_and_aliases(text, shown, pure=False)
        yaml = YAML(typ="safe", pure=False)
        document = yaml.load(text)
        node = YAML(typ="safe", pure=False).compose(text)
    except (YAMLError, RecursionError, ConfigError):
        return parse_layer(shown, text)
    if document is None:
        return Layer(shown, {}, {})
    if not isinstance(document, dict):
        return parse_layer(shown, text)
    where: Where = {}
    _node_lines(node, (), shown, where)
    return Layer(shown, typing.cast(Tree, _plain(document)), where)


def read_layers(paths: list[FsPath]) -> list[Layer]:
    """The files as layers; every file's syntax problem at once (one per file: nothing after it is trusted)."""
    layers, problems = [], []
    for path in paths:
        shown = display_path(path)
        try:
            layers.append(parse_layer(shown, bounded_text(path, shown)))
        except ConfigError as err:
            problems += err.problems
    if problems:
        raise ConfigError(problems)
    return layers


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
    if prefix not in where:  # every parent is recorded before its children: nothing is below prefix either
        return
    for path in [p for p in where if p[: len(prefix)] == prefix]:
        del where[path]


def _overlay(base: Tree, over: Tree, path: Path, where: Where, over_where: Where) -> None:
    for key, value in over.items():
        at = (*path, key)
        below = base.get(key)
        if isinstance(value, dict) and isinstance(below, dict):
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


def _empty_keys(node: object, path: Path) -> list[Path]:
    """Every mapping key written with no value (or null) under node."""
    found: list[Path] = []
    if isinstance(node, dict):
        for key, value in node.items():
            if value is None:
                found.append((*path, key))
            else:
                found += _empty_keys(value, (*path, key))
    elif isinstance(node, list):
        for index, item in enumerate(node):
            found += _empty_keys(item, (*path, index))
    return found


def _without(tree: Tree, paths: list[Path]) -> Tree:
    """tree without the keys at paths (a copy of the mappings on the way to them)."""
    out = dict(tree)
    for path in paths:
        node: dict[str | int, object] = out
        for part in path[:-1]:
            child = node.get(part)
            if not isinstance(child, dict):
                break
            node[part] = node = dict(child)
        else:
            node.pop(path[-1], None)
    return out


def removal_path(key: str) -> Path:
    """'services.worker' -> ('services', 'worker'): a removal names its entry by dotted keys."""
    return tuple(key.split("."))


def _get(tree: object, path: Path) -> object:
    node = tree
    for part in path:
        if not isinstance(node, dict) or part not in node:
            return None
        node = node[part]
    return node


def _empty_problem(layer: Layer, path: Path, is_base: bool) -> Problem:
    shown_key = dotted(path)
    if is_base:
        fix = f"write its value after '{path[-1]}:' or on indented lines under it, or delete the line"
    else:
        fix = (
            f"write its value, or, to take {shown_key} out of this environment, delete the line and say so with a "
            f"reason: remove: {{{shown_key}: <why>}}"
        )
    return Problem(
        *_locate(layer.where, path, layer.shown),
        shown_key,
        f"'{path[-1]}:' has no value; an empty key is a mistake, not a removal",
        fix,
    )


def _removals(base: Tree, layer: Layer) -> tuple[list[Path], list[Problem]]:
    """The entries an environment file removes (its top-level remove:), checked against what it merges over."""
    spec = layer.tree.get(REMOVE_KEY)
    if spec is None or not isinstance(spec, dict):
        return [], []  # absent, or not a mapping: the model reports the wrong type
    paths, problems = [], []
    for key, reason in spec.items():
        at = _locate(layer.where, (REMOVE_KEY, key), layer.shown)
        if not isinstance(key, str) or not isinstance(reason, str) or not reason.strip():
            continue  # the model reports a key or reason that is not text
        path = removal_path(key)
        if _get(base, path) is None:
            parent = _get(base, path[:-1])
            known = sorted(str(k) for k in parent) if isinstance(parent, dict) else []
            close = difflib.get_close_matches(str(path[-1]), known, n=1)
            problems.append(
                Problem(
                    *at,
                    f"{REMOVE_KEY}.{key}",
                    f"{key} is not defined in config/{BASE_FILE}, so there is nothing to remove",
                    f"name an entry of {BASE_FILE}" + (f": {dotted((*path[:-1], close[0]))}" if close else ""),
                )
            )
        elif _get(layer.tree, path) is not None:
            problems.append(
                Problem(
                    *_locate(layer.where, path, layer.shown),
                    key,
                    f"{key} is both removed (under {REMOVE_KEY}:) and set in this file",
                    f"keep one: delete these lines, or delete {key} from {REMOVE_KEY}:",
                )
            )
        else:
            paths.append(path)
    return paths, problems


@dataclass
class Merged:
    """The layers as one tree, the line of every value, the layering's problems and its empty keys."""

    data: Tree
    where: Where
    problems: list[Problem]
    empty: list[Path]


def merge(layers: list[Layer]) -> Merged:
    """The layers laid over the first (the base), with the line of every value and every layering problem.

    Mappings merge key by key; any other value (lists included) replaces the base's. A key with
    no value is a problem, never a removal: an environment file removes an entry by naming it,
    with the reason, under its top-level remove:.
    """
    data: Tree = {}
    where: Where = {}
    problems: list[Problem] = []
    empties: list[Path] = []
    for position, original in enumerate(layers):
        # Layers are reused (a diff's provenance merges one edit at a time): never change one in place.
        layer = Layer(original.shown, copy.deepcopy(original.tree), original.where)
        is_base = position == 0 and len(layers) > 1
        empty = _empty_keys(layer.tree, ())
        problems += [_empty_problem(layer, path, is_base) for path in empty]
        empties += empty
        tree = _without(layer.tree, [*empty, (REMOVE_KEY,)])
        if is_base and REMOVE_KEY in layer.tree:
            problems.append(
                Problem(
                    *_locate(layer.where, (REMOVE_KEY,), layer.shown),
                    REMOVE_KEY,
                    f"{REMOVE_KEY}: takes entries out of config/{BASE_FILE} for one environment; the base itself "
                    "has nothing under it to remove",
                    "delete the entries from the base instead",
                )
            )
        if is_base:
            problems += environment_only(layer.tree, layer.where, layer.shown)
        removed, removal_problems = ([], []) if is_base else _removals(data, layer)
        problems += removal_problems
        for path in removed:
            parent = _get(data, path[:-1])
            if isinstance(parent, dict):
                parent.pop(path[-1], None)
                _drop(where, path)
        layer_where = {p: w for p, w in layer.where.items() if p[:1] != (REMOVE_KEY,) or not is_base}
        _overlay(data, tree, (), where, layer_where)
        if not is_base and REMOVE_KEY in layer.tree and isinstance(layer.tree[REMOVE_KEY], (dict, list, str, int)):
            data[REMOVE_KEY] = layer.tree[REMOVE_KEY]
            _drop(where, (REMOVE_KEY,))
            where.update({p: w for p, w in layer.where.items() if p[:1] == (REMOVE_KEY,)})
    return Merged(data, where, problems, empties)


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
    read: list[Layer] = []
    try:
        for layer in layers:
            text = bounded_text(layer, display_path(layer))
            # Tags and aliases are refused from the event stream, before anything is constructed.
            refuse_tags_and_aliases(text, display_path(layer), pure=False)
            document = YAML(typ="safe", pure=False).load(text)
            if document is None:
                document = {}
            if not isinstance(document, dict):
                return None
            read.append(Layer(display_path(layer), document, {}))
        merged = merge(read)
        if merged.problems:
            return None
        config = Environment.model_validate(merged.data)
    except (YAMLError, ValidationError, RecursionError, TypeError):
        return None
    return None if check(config, name) else config


def validate(name: str, layers: list[Layer], shown: str) -> Environment:
    """The layers merged, validated and cross-checked; ConfigError with every problem found, at once.

    A value of the wrong type does not hide the rest: it is set aside (dropped
    where the key has a default, else with the nearest entry holding it), the
    remainder is validated again and cross-checked, and every problem is
    reported together. The cross-checks of an entry (a service, a secret) with a
    value set aside, and those that name such an entry, are not reported: they
    would follow from the first problem, not add one.
    """
    merged = merge(layers)
    data, where, problems = merged.data, merged.where, merged.problems
    try:
        config: Environment | None = Environment.model_validate(data)
        set_aside: list[Path] = []
    except ValidationError as err:
        # A required key under an empty one is missing because of it: that problem is already reported.
        problems += [
            _from_pydantic(e, where, shown)
            for e in err.errors()
            if not (e["type"] == "missing" and any(_under(_loc(e), empty) for empty in merged.empty))
        ]
        config, set_aside = _set_aside(data, err)
    if config is not None:
        set_aside += merged.empty  # an empty key is as good as set aside: its consequences are not news either
        names = {str(path[-1]) for path in set_aside} | {
            str(value["name"]) for path in set_aside if isinstance(value := _get(data, path), dict) and "name" in value
        }
        for path, problem, fix in check(config, name):
            if any(_related(path, aside) for aside in set_aside) or any(f"'{n}'" in problem for n in names):
                continue
            problems.append(Problem(*_locate(where, path, shown), dotted(path), problem, fix))
    if problems:
        raise ConfigError(problems)
    assert config is not None
    return config


def _loc(error: ErrorDetails) -> Path:
    return tuple(p for p in error["loc"] if p != "[key]")


def _under(path: Path, prefix: Path) -> bool:
    return path[: len(prefix)] == prefix


# Sections whose keys are entries of their own (a service, a secret): a problem in one sets the whole entry's
# cross-checks aside, since they read its other fields (a port set aside makes its health check look portless).
ENTRY_SECTIONS = frozenset({"services", "secrets", "serviceUrls", "settings", "notSecret", "remove"})


def _related(finding: Path, aside: Path) -> bool:
    """Whether a cross-check at finding may follow from the value set aside at aside."""
    if finding[:1] == aside[:1] and finding[:1] and str(finding[0]) in ENTRY_SECTIONS:
        return finding[:2] == aside[:2] or len(aside) < 2
    shorter = min(len(finding), len(aside))
    return finding[:shorter] == aside[:shorter]


def _set_aside(data: Tree, err: ValidationError, rounds: int = 8) -> tuple[Environment | None, list[Path]]:
    """data validated with the entries behind err's problems taken out, and those entries' paths."""
    aside: list[Path] = []
    for _ in range(rounds):
        for error in err.errors():
            loc = _loc(error)
            if error["type"] == "missing" and any(loc[: len(a)] == a for a in aside):
                loc = loc[:-1]  # a required key set aside: set its holder aside too
            if not loc:
                return None, aside
            aside.append(loc)
        data = _without(data, aside)
        try:
            return Environment.model_validate(data), aside
        except ValidationError as again:
            err = again
    return None, aside


def load(name: str, config_dir: FsPath, _chain: tuple[str, ...] = ()) -> LoadedEnvironment:
    """Load and check config_dir/<name>.yaml over base.yaml; raises ConfigError with every problem found.

    An environment that follows another (shipping.follows) gets that environment's builds
    (gitops/config/following.py).
    """
    loaded = _load_own(name, config_dir)
    config, followed = follow(
        name,
        loaded.source,
        display_path(loaded.source),
        loaded.config,
        lambda other: load(other, config_dir, (*_chain, name)),
        _chain,
    )
    return LoadedEnvironment(name=name, source=loaded.source, config=config, followed=followed)


def _load_own(name: str, config_dir: FsPath) -> LoadedEnvironment:
    """One environment file over base.yaml, checked, before following another environment's builds."""
    source = config_dir / f"{name}.yaml"
    shown = display_path(source)
    if name == FsPath(BASE_FILE).stem or not source.is_file():
        known = ", ".join(environment_names(config_dir)) or "none"
        raise ConfigError([Problem(shown, 0, "(file)", f"no config for environment '{name}'", f"use one of: {known}")])
    if not is_name(name):
        # shown(): a name read from a file name may hold a line break or a control character; the message shows it.
        hidden_char = hidden(name, spaces=True)
        raise ConfigError(
            [
                Problem(
                    values_shown(shown),
                    0,
                    "(file)",
                    f"'{values_shown(name)}' cannot name an environment"
                    + (f" (it holds {hidden_char})" if hidden_char else "")
                    + ": it becomes a label value, a directory of dist/ and part of object names",
                    f"rename the file to {display_path(config_dir / (name_like(name) + '.yaml'))} (lowercase letters, "
                    "digits and '-', starting with a letter)",
                )
            ]
        )
    base = config_dir / BASE_FILE
    paths = ([base] if base.is_file() else []) + [source]
    quick = _quick(paths, name)
    if quick is not None:
        return LoadedEnvironment(name=name, source=source, config=quick)
    return LoadedEnvironment(name=name, source=source, config=validate(name, read_layers(paths), shown))


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
    if len(loc) > 1 and isinstance(loc[-1], int):
        key = f"{loc[-2]}[{loc[-1]}]"  # an item of a list: named with its list, as the operator finds it
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
