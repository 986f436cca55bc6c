"""Reading rendered Kubernetes manifests back: any directory of YAML, ours or hand-written, or a pull request's.

Documents are parsed with YAML 1.1 rules, as the API server's clients parse
them (an unquoted `yes` is a boolean there), so what a check sees is what the
cluster would get.

The review tools judge whatever a pull request puts in dist/, so reading is where any bytes become
either objects every reader can rely on, or a list of what could not be read (file, line, document,
what is wrong), never an exception from deep inside a rule:

- before parsing, each file and each document are measured against LIMITS (gitops/bounds.py:
  size, nesting depth, values with aliases expanded), and what one load reads in all against the
  TOTAL_* bounds, so no input costs more than seconds and bounded memory;
- after parsing, each document must be JSON-shaped (text keys; lists, mappings, text, numbers,
  true/false, null: what the API server reads) with its identity typed as the API server requires:
  apiVersion and kind text, metadata a mapping with a name, a namespace that is text, labels and
  annotations mappings. The rest may hold anything; readers narrow it (workloads.mapping(),
  sequence(), as_int()) before relying on its type;
- a symlink under a directory read must point inside that directory (Argo CD refuses one that does
  not too): a pull request must not make the gate read, or quote, files from the machine it runs on.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.error import YAMLError

from gitops.bounds import Bounds, OutOfBounds, Scan, read, scan, size
from gitops.errors import InputError

SUFFIXES = (".yaml", ".yml")

# A Kubernetes object, or a mapping inside one, as YAML reads it: the values are whatever the file holds,
# so readers narrow them (workloads.mapping(), sequence(), as_int()) before relying on their type.
Fields = dict[str, Any]

# One file, and one document of it. The API server takes no object over 3 MiB (its request limit; etcd
# stores at most 1.5 MiB), and the deepest upstream CRD the project knows (Argo CD's ApplicationSet)
# nests about 35 levels.
LIMITS = Bounds(
    bytes=4 * 2**20,
    depth=100,
    values=250_000,
    pure_bytes=512 * 2**10,
    what="a manifest file",
    smaller="split it into files of one object each, as dist/ holds them",
)
# One load: a check set, or one side of a diff. Reading and checking cost about 2 ms per object of the
# project's own (BENCHMARKS.md): 3,000 objects, sixty times this project's, take about 6 s on 2 cores.
TOTAL_FILES = 10_000
TOTAL_BYTES = 16 * 2**20
TOTAL_VALUES = 1_000_000
TOTAL_OBJECTS = 3_000
# A message lists this many problems, then counts the rest.
SHOWN_PROBLEMS = 20


@dataclass(frozen=True)
class Unreadable:
    """Why a file, or one document of it (document and line from 1), cannot be read as Kubernetes objects."""

    path: Path
    problem: str
    document: int = 0
    line: int = 0

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else str(self.path)
        return f"{where}: document {self.document}: {self.problem}" if self.document else f"{where}: {self.problem}"


class ManifestError(InputError):
    """Files that are not readable as Kubernetes YAML: every problem found, each with its file and document."""

    def __init__(self, problems: list[Unreadable] | str):
        self.problems = problems if isinstance(problems, list) else []
        lines = [str(p) for p in self.problems] if self.problems else [str(problems)]
        shown = lines[:SHOWN_PROBLEMS]
        if len(lines) > SHOWN_PROBLEMS:
            shown.append(f"... and {len(lines) - SHOWN_PROBLEMS} more")
        self.lines = shown
        super().__init__("\n".join(shown))

    def report(self, command: str, untouched: str) -> str:
        if len(self.problems) <= 1:
            return f"{command}: {self}"
        listed = "".join(f"\n  {line}" for line in self.lines)
        return (
            f"{command}: cannot read {len(self.problems)} manifest documents or files; nothing was {untouched}:{listed}"
        )


@dataclass(frozen=True)
class Resource:
    """One Kubernetes object and where it was read from (document counts from 0)."""

    obj: Fields
    path: Path
    document: int

    # parse() admits only objects whose identity has the types the API server requires; the properties
    # still never raise, for objects built elsewhere (tests, the rehearsal).
    @property
    def api_version(self) -> str:
        return _text(self.obj.get("apiVersion"))

    @property
    def kind(self) -> str:
        return _text(self.obj.get("kind"))

    @property
    def metadata(self) -> Fields:
        value = self.obj.get("metadata")
        return value if isinstance(value, dict) else {}

    @property
    def name(self) -> str:
        return _text(self.metadata.get("name"))

    @property
    def namespace(self) -> str:
        return _text(self.metadata.get("namespace"))

    @property
    def group(self) -> str:
        return self.api_version.rpartition("/")[0]

    @property
    def key(self) -> tuple[str, str, str, str]:
        """Identity of the object in a cluster: group, kind, namespace, name."""
        return self.group, self.kind, self.namespace, self.name

    @property
    def labels(self) -> Fields:
        value = self.metadata.get("labels")
        return value if isinstance(value, dict) else {}

    @property
    def annotations(self) -> Fields:
        value = self.metadata.get("annotations")
        return value if isinstance(value, dict) else {}

    def __str__(self) -> str:
        where = f"{self.namespace}/" if self.namespace else ""
        return f"{self.kind} {where}{self.name}"


def _text(value: object) -> str:
    return value if isinstance(value, str) else ""


def yaml11_parser(pure: bool = False) -> YAML:
    """A safe YAML 1.1 parser, reading documents as Kubernetes clients do.

    pure=False uses ruamel.yaml's C parser (ruamel.yaml.clib, in Pipfile), four
    times faster; it refuses a few forms the pure parser accepts, such as
    `{image: postgres:17}`, so callers fall back to the pure one.
    """
    yaml = YAML(typ="safe", pure=pure)
    yaml.version = (1, 1)
    return yaml


class UnreadableYaml(ValueError):
    """YAML that cannot be read within LIMITS; line is where (1-based), 0 when the text as a whole."""

    def __init__(self, line: int, problem: str) -> None:
        super().__init__(problem)
        self.line = line
        self.problem = problem


# What the safe constructor raises besides YAMLError for text it cannot build values from
# (an impossible date such as 2024-13-45, a malformed !!binary).
_CONSTRUCTION_ERRORS = (YAMLError, ValueError, TypeError, OverflowError, UnicodeError)


def _documents(text: str, bounds: Bounds = LIMITS) -> tuple[list[object], Scan]:
    """Every document of text (empty ones as None) and what measuring it found; UnreadableYaml otherwise."""
    try:
        measured = scan(text, bounds)
    except OutOfBounds as err:
        raise UnreadableYaml(err.line, f"{err.problem}: {err.fix}") from None
    except YAMLError as err:
        raise UnreadableYaml(_line_of(err), f"not valid YAML: {_said(err)}") from None
    try:
        documents = list(yaml11_parser(pure=measured.pure).load_all(text))
    except _CONSTRUCTION_ERRORS as err:
        raise UnreadableYaml(_line_of(err), f"not valid YAML: {_said(err)}") from None
    measured.documents += [0] * (len(documents) - len(measured.documents))
    return documents, measured


def _line_of(err: Exception) -> int:
    mark = getattr(err, "problem_mark", None) or getattr(err, "context_mark", None)
    return int(mark.line) + 1 if mark is not None else 0


def _said(err: Exception) -> str:
    """The parser's own words, on one line and without the excerpt of the file it quotes."""
    words = getattr(err, "problem", None) or getattr(err, "context", None) or str(err) or type(err).__name__
    return " ".join(str(words).split())[:200]


def load_documents(text: str, bounds: Bounds = LIMITS) -> list[object]:
    """Every non-empty document in text; UnreadableYaml (a ValueError) when it cannot be read within bounds."""
    return [doc for doc in _documents(text, bounds)[0] if doc is not None]


def _walk(root: Path, within: Path, outside: list[Unreadable]) -> Iterator[Path]:
    """The YAML files under root, sorted; a symlink that leaves `within` is added to outside instead.

    A symlink to a directory inside is not followed: its files are read where they are.
    """
    for directory, subdirectories, names in os.walk(root):
        subdirectories.sort()
        here = Path(directory)
        for name in subdirectories:
            if (here / name).is_symlink() and _leaves(here / name, within):
                outside.append(_outside(here / name, within))
        for name in sorted(names):
            path = here / name
            if path.suffix not in SUFFIXES:
                continue
            if path.is_symlink() and _leaves(path, within):
                outside.append(_outside(path, within))
            elif path.is_file():
                yield path


def _leaves(path: Path, within: Path) -> bool:
    target, root = path.resolve(), within.resolve()
    return target != root and root not in target.parents


def _outside(path: Path, within: Path) -> Unreadable:
    return Unreadable(
        path, f"a symlink to {path.resolve()}, outside {within}: the review reads only what is under {within}"
    )


def files_under(paths: list[Path], within: Path | None = None) -> list[Path]:
    """YAML files named directly or found under directories, in a stable order.

    Symlinks under a directory must point inside it (or inside `within`, when given). At most
    TOTAL_FILES files and TOTAL_BYTES in all, checked before any is read.
    """
    found: list[Path] = []
    outside: list[Unreadable] = []
    for path in paths:
        if path.is_dir():
            found += _walk(path, within or path, outside)
        elif path.is_file():
            found.append(path)
        elif path.exists():
            raise ManifestError(f"{path}: not a regular file or directory")
        else:
            raise ManifestError(f"{path}: no such file or directory")
        if len(found) > TOTAL_FILES:
            raise ManifestError(
                f"{path}: more than {TOTAL_FILES:,} YAML files to read; the review reads at most that many at once"
            )
    if outside:
        raise ManifestError(outside)
    total = sum(p.stat().st_size for p in found)
    if total > TOTAL_BYTES:
        shown = ", ".join(str(p) for p in paths)
        raise ManifestError(
            f"{shown}: {size(total)} of YAML in all, more than the {size(TOTAL_BYTES)} the review reads at once"
        )
    return found


def read_text(path: Path) -> str:
    """A manifest file's text: ManifestError when it cannot be read, is larger than LIMITS allow or is not UTF-8."""
    try:
        data = read(path, LIMITS)
    except OutOfBounds as err:
        raise ManifestError([Unreadable(path, f"{err.problem}: {err.fix}")]) from None
    except OSError as err:
        raise ManifestError([Unreadable(path, f"cannot read: {err.strerror or err}")]) from None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as err:
        line = data[: err.start].count(b"\n") + 1
        return _raise(Unreadable(path, f"the file is not UTF-8 text (byte 0x{data[err.start]:02x})", line=line))


def _raise(problem: Unreadable) -> str:
    raise ManifestError([problem])


_JSON_SCALARS = (str, int, float, bool, type(None))
_KIND = {str: "text", int: "a number", float: "a number", bool: "true or false", type(None): "null"}


def described(value: object) -> str:
    """A value as a message names it: 'the number 5', 'true', 'a list'."""
    if isinstance(value, bool):
        return f"{str(value).lower()} (YAML 1.1 reads an unquoted y, yes, on, n, no or off as true or false: quote it)"
    if isinstance(value, int | float):
        return f"the number {value}"
    if value is None:
        return "null"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, str):
        return "empty" if not value else f"'{value}'"
    return f"a YAML {type(value).__name__} value"


def _field(path: tuple[str | int, ...]) -> str:
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else ("." if text else "") + part
    return text


def _shape(doc: object) -> str | None:
    """Why doc is not JSON-shaped (text keys; lists, mappings, text, numbers, true/false, null), or None."""
    pending: list[tuple[object, tuple[str | int, ...]]] = [(doc, ())]
    while pending:
        value, path = pending.pop()
        if isinstance(value, dict):
            for key, item in value.items():
                if not isinstance(key, str):
                    where = f" in {_field(path)}" if path else ""
                    return (
                        f"the key {key!r}{where} is {described(key)}, and keys of a Kubernetes object are text "
                        f"(quote it: '{key}')"
                    )
                pending.append((item, (*path, key)))
        elif isinstance(value, list):
            pending += [(item, (*path, index)) for index, item in enumerate(value)]
        elif not isinstance(value, _JSON_SCALARS):
            return (
                f"{_field(path) or 'the document'} is {described(value)}, which JSON and so the API server cannot "
                "hold (quote it to make it text)"
            )
    return None


def _listed(words: list[str]) -> str:
    return words[0] if len(words) == 1 else f"{', '.join(words[:-1])} or {words[-1]}"


def _identity(doc: dict[str, Any]) -> str | None:
    """Why the object's identity does not have the types the API server requires, or None."""
    missing = [key for key in ("apiVersion", "kind", "metadata") if key not in doc]
    if missing:
        return f"not a Kubernetes object: it has no {_listed(missing)} (every object has apiVersion, kind and metadata)"
    for key, example in (("apiVersion", "apps/v1"), ("kind", "Deployment")):
        if not isinstance(doc[key], str) or not doc[key].strip():
            return f"{key} is {described(doc[key])}, expected text such as {example}"
    meta = doc["metadata"]
    if not isinstance(meta, dict):
        return f"metadata is {described(meta)}, expected a mapping with a name"
    name = meta.get("name")
    if name is None:
        return f"{doc['kind']} has no metadata.name"
    if not isinstance(name, str) or not name.strip():
        return f"metadata.name is {described(name)}, expected text"
    if meta.get("namespace") is not None and not isinstance(meta["namespace"], str):
        return f"metadata.namespace is {described(meta['namespace'])}, expected text"
    for field in ("labels", "annotations"):
        if meta.get(field) is not None and not isinstance(meta[field], dict):
            return f"metadata.{field} is {described(meta[field])}, expected a mapping of keys to text values"
    return None


def _objects(doc: object) -> tuple[list[Fields], str | None]:
    """The objects one document holds (a List's items, or itself), or why it holds none that can be read."""
    if not isinstance(doc, dict):
        return [], f"{described(doc)}, not a Kubernetes object (a mapping with apiVersion, kind and metadata)"
    problem = _shape(doc)
    if problem:
        return [], problem
    kind, items = doc.get("kind"), doc.get("items")
    if isinstance(kind, str) and kind.endswith("List") and isinstance(items, list):
        objects = []
        for index, item in enumerate(items):
            problem = f"{described(item)}, not an object" if not isinstance(item, dict) else _identity(item)
            if problem:
                return [], f"items[{index}]: {problem}"
            objects.append(item)
        return objects, None
    problem = _identity(doc)
    if problem:
        return [], problem
    return [doc], None


@dataclass
class _Read:
    resources: list[Resource]
    problems: list[Unreadable]
    values: int = 0


def _problems(text: str, path: Path) -> _Read:
    try:
        documents, measured = _documents(text)
    except UnreadableYaml as err:
        return _Read([], [Unreadable(path, err.problem, line=err.line)])
    resources: list[Resource] = []
    problems: list[Unreadable] = []
    for index, (doc, line) in enumerate(zip(documents, measured.documents, strict=True)):
        if doc is None:
            continue
        objects, problem = _objects(doc)
        if problem:
            problems.append(Unreadable(path, problem, document=index + 1, line=line))
            continue
        resources += [Resource(obj, path, index) for obj in objects]
    return _Read(resources, problems, measured.values)


def parse(text: str, path: Path) -> list[Resource]:
    """Every object of one file's text; ManifestError listing every document that cannot be read."""
    found = _problems(text, path)
    if found.problems:
        raise ManifestError(found.problems)
    return found.resources


class Budget:
    """What one load (a check set, one side of a diff) may still read: TOTAL_VALUES and TOTAL_OBJECTS."""

    def __init__(self) -> None:
        self.values = TOTAL_VALUES
        self.objects = TOTAL_OBJECTS

    def spend(self, path: Path, values: int, objects: int) -> None:
        self.values -= values
        self.objects -= objects
        if self.values < 0:
            raise ManifestError(
                f"{path}: more than {TOTAL_VALUES:,} values in all the files read so far, the most the review reads "
                "at once; review fewer files at a time"
            )
        if self.objects < 0:
            raise ManifestError(
                f"{path}: more than {TOTAL_OBJECTS:,} objects in all the files read so far, the most the review "
                "reads at once; review fewer files at a time"
            )


def read_file(path: Path, budget: Budget, text: str | None = None) -> list[Resource]:
    """One file's objects (text: the file's, when already read), spent from budget; ManifestError listing every
    document of it that cannot be read."""
    found = _problems(read_text(path) if text is None else text, path)
    budget.spend(path, found.values, len(found.resources))
    if found.problems:
        raise ManifestError(found.problems)
    return found.resources


def read_all(paths: list[Path], within: Path | None = None, skip: frozenset[str] = frozenset()) -> list[Resource]:
    """Every object in the YAML files under paths (files named in skip left out); one ManifestError listing
    every file and document that cannot be read."""
    resources: list[Resource] = []
    problems: list[Unreadable] = []
    budget = Budget()
    for path in files_under(paths, within):
        if path.name in skip:
            continue
        try:
            resources += read_file(path, budget)
        except ManifestError as err:
            if not err.problems:
                raise
            problems += err.problems
    if problems:
        raise ManifestError(problems)
    return resources


def load(paths: list[Path]) -> list[Resource]:
    """Every object in the YAML files under paths."""
    return read_all(paths)
