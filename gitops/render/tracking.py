"""Which parts of the config a piece of rendering code reads, recorded as it reads them.

`Tracked` wraps a config model (and `TrackedDict` a mapping of it) so that every
field the code reads is logged as a path from the root: a leaf, a list or a
model method read whole (`Read.VALUE`), or the keys of a mapping that it
iterates or tests (`Read.KEYS`). A construct is a function of what it read:
given another config with the same values at every logged path, it renders the
same objects, so the render need not run again (gitops/render/pieces.py). Reads
are recorded conservatively: a model's property or method (`node_names`,
`model_dump`) counts as reading the whole model it is called on.
"""

from __future__ import annotations

from collections.abc import ItemsView, Iterator, KeysView, ValuesView
from enum import Enum
from typing import Any

from pydantic import BaseModel


class Read(Enum):
    VALUE = "value"
    KEYS = "keys"


Access = tuple[tuple[object, ...], Read]


class Log:
    """The paths read, in the order first read."""

    def __init__(self) -> None:
        self.reads: dict[Access, None] = {}

    def add(self, path: tuple[object, ...], kind: Read) -> None:
        self.reads.setdefault((path, kind), None)


def wrap(value: object, path: tuple[object, ...], log: Log) -> Any:
    """value as the code should see it: models and mappings tracked, anything else logged as read whole."""
    if isinstance(value, BaseModel):
        return Tracked(value, path, log)
    if isinstance(value, dict):
        return TrackedDict(value, path, log)
    log.add(path, Read.VALUE)
    return value


class Tracked:
    """A config model whose field reads are logged."""

    __slots__ = ("_log", "_path", "_target")

    def __init__(self, target: BaseModel, path: tuple[object, ...], log: Log) -> None:
        object.__setattr__(self, "_target", target)
        object.__setattr__(self, "_path", path)
        object.__setattr__(self, "_log", log)

    def __getattr__(self, name: str) -> Any:
        target: BaseModel = object.__getattribute__(self, "_target")
        path: tuple[object, ...] = object.__getattribute__(self, "_path")
        log: Log = object.__getattribute__(self, "_log")
        if name in type(target).model_fields:
            return wrap(getattr(target, name), (*path, name), log)
        log.add(path, Read.VALUE)  # a property or method: it may read any field
        return getattr(target, name)

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError("config is read-only")

    def __eq__(self, other: object) -> bool:
        object.__getattribute__(self, "_log").add(object.__getattribute__(self, "_path"), Read.VALUE)
        target = object.__getattribute__(self, "_target")
        return bool(target == (unwrap(other)))

    def __hash__(self) -> int:
        object.__getattribute__(self, "_log").add(object.__getattribute__(self, "_path"), Read.VALUE)
        return hash(object.__getattribute__(self, "_target"))

    def __repr__(self) -> str:
        return f"Tracked({object.__getattribute__(self, '_target')!r})"


class TrackedDict(dict[Any, Any]):
    """A config mapping whose reads are logged: its keys when iterated or tested, each value when taken.

    A dict (holding the tracked values), so code that needs a real mapping, such as the jsii
    bindings, gets one; every way of reading it goes through the methods below.
    """

    def __init__(self, target: dict[Any, Any], path: tuple[object, ...], log: Log) -> None:
        super().__init__(target)
        self._path = path
        self._log = log

    def _raw(self) -> list[Any]:
        return list(dict.__iter__(self))

    def _keys(self) -> None:
        self._log.add(self._path, Read.KEYS)

    def _value(self, key: object) -> Any:
        return wrap(super().__getitem__(key), (*self._path, key), self._log)

    def __getitem__(self, key: object) -> Any:
        if not super().__contains__(key):
            self._keys()
        return self._value(key)

    def get(self, key: object, default: object = None) -> Any:
        if not super().__contains__(key):
            self._keys()
            return default
        return self._value(key)

    def __contains__(self, key: object) -> bool:
        self._keys()
        return super().__contains__(key)

    def __iter__(self) -> Iterator[Any]:
        self._keys()
        return iter(self._raw())

    def __len__(self) -> int:
        self._keys()
        return super().__len__()

    def keys(self) -> KeysView[Any]:  # type: ignore[override]
        self._keys()
        return dict.fromkeys(self._raw()).keys()

    def items(self) -> ItemsView[Any, Any]:  # type: ignore[override]
        self._keys()
        return {key: self._value(key) for key in self._raw()}.items()

    def values(self) -> ValuesView[Any]:  # type: ignore[override]
        self._keys()
        return {key: self._value(key) for key in self._raw()}.values()

    def copy(self) -> dict[Any, Any]:
        return dict(self.items())

    def __eq__(self, other: object) -> bool:
        self._log.add(self._path, Read.VALUE)
        return dict(super().items()) == unwrap(other)

    __hash__ = None  # a mapping, like dict

    def __repr__(self) -> str:
        return f"TrackedDict({dict(super().items())!r})"


def unwrap(value: object) -> object:
    if isinstance(value, Tracked):
        return object.__getattribute__(value, "_target")
    if isinstance(value, TrackedDict):
        return dict(dict.items(value))
    return value


_MISSING = object()


def lookup(root: object, path: tuple[object, ...]) -> object:
    """The value at path (field names and mapping keys) under root, or a marker for none."""
    node = root
    for part in path:
        if isinstance(node, BaseModel) and isinstance(part, str) and part in type(node).model_fields:
            node = getattr(node, part)
        elif isinstance(node, dict) and part in node:
            node = node[part]
        else:
            return _MISSING
    return node


def same(a: object, b: object) -> bool:
    return type(a) is type(b) and bool(a == b)


def unchanged(reads: dict[Access, None], old: object, new: object) -> bool:
    """Whether every logged read finds the same thing under new as under old."""
    for path, kind in reads:
        before, after = lookup(old, path), lookup(new, path)
        if kind is Read.KEYS:
            if not (isinstance(before, dict) and isinstance(after, dict)) or list(before) != list(after):
                return False
        elif not same(before, after):
            return False
    return True
