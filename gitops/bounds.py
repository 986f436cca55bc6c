"""YAML read within bounds: its size, nesting depth and number of values measured before anything is built from it.

Building Python values from YAML costs time and memory per value, and both of ruamel.yaml's composers
recurse once per level of nesting: the C one overflows the C stack (SIGSEGV, no message at all) tens of
thousands of levels down, the pure one raises RecursionError after minutes. Input the project reads from
others (manifests in a pull request, config, SOPS files) is therefore first measured here, on the
parser's event stream, which both parsers produce without recursion and which is cheap: the scan stops
at the first bound exceeded, so a 100 MB file or a million levels cost no more than the bound.

- bytes: read at most one byte more than the bound, never the whole file;
- depth: lists and mappings inside each other;
- values: scalars, lists and mappings of one document, which is what composing one holds in memory
  (about 1 KB each);
- pure_bytes: the largest text given to ruamel's pure-Python parser (several times slower than the C
  one), which readers fall back to when the C parser refuses a form only the pure one reads.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ruamel.yaml import YAML
from ruamel.yaml.error import YAMLError
from ruamel.yaml.events import (
    AliasEvent,
    CollectionEndEvent,
    CollectionStartEvent,
    DocumentStartEvent,
    Event,
    NodeEvent,
)


@dataclass(frozen=True)
class Bounds:
    """What one reader accepts; what says what is read ("a manifest file"), smaller how to fit the bounds."""

    bytes: int
    depth: int
    values: int
    pure_bytes: int
    what: str
    smaller: str = "split it into smaller files"
    # Count an alias as what it repeats (the "billion laughs"); config refuses aliases outright instead.
    expand_aliases: bool = True


class OutOfBounds(Exception):
    """Input beyond a bound: line (1-based, 0 for the file as a whole), what is wrong, and the fix."""

    def __init__(self, line: int, problem: str, fix: str) -> None:
        super().__init__(problem)
        self.line = line
        self.problem = problem
        self.fix = fix


@dataclass
class Scan:
    """What the event stream showed: where each document starts (1-based lines), and which parser reads it."""

    documents: list[int] = field(default_factory=list)
    pure: bool = False  # only the pure parser reads the text
    values: int = 0  # in all documents, an alias counting as what it repeats


def size(amount: int) -> str:
    """1536 -> '1.5 KiB', 4194304 -> '4 MiB'."""
    for unit, scale in (("MiB", 2**20), ("KiB", 2**10)):
        if amount >= scale:
            return f"{amount / scale:.1f}".removesuffix(".0") + f" {unit}"
    return f"{amount} bytes"


def read(path: Path, bounds: Bounds) -> bytes:
    """The file's bytes; OutOfBounds when it holds more than bounds.bytes (only that much is ever read)."""
    with path.open("rb") as handle:
        data = handle.read(bounds.bytes + 1)
    if len(data) > bounds.bytes:
        raise too_large(bounds)
    return data


def too_large(bounds: Bounds) -> OutOfBounds:
    return OutOfBounds(
        0,
        f"the file is larger than {size(bounds.bytes)}, the most {bounds.what} may hold",
        bounds.smaller,
    )


def _events(text: str, pure: bool) -> object:
    return YAML(typ="safe", pure=pure).parse(text)


@dataclass
class _Open:
    """A list or mapping being read: its anchor, the values counted before it, the deepest level inside it."""

    anchor: str | None
    before: int
    deepest: int


def _measure(events: object, bounds: Bounds, scan: Scan) -> None:
    """Count depth and values per document; an alias counts as the values it repeats, at the depth it reaches."""
    depth = values = 0
    started = aliased = False
    open_: list[_Open] = []
    anchors: dict[str, tuple[int, int]] = {}  # anchor -> (values, levels) of what it names
    for event in events:  # type: ignore[attr-defined]  # ruamel's parse() is an untyped generator
        assert isinstance(event, Event)
        if isinstance(event, DocumentStartEvent):
            scan.values += values
            depth, values, started, anchors = 0, 0, False, {}
            continue
        if not isinstance(event, NodeEvent | CollectionEndEvent):
            continue
        line = event.start_mark.line + 1
        if not started and isinstance(event, NodeEvent):
            scan.documents.append(line)
            started = True
        if isinstance(event, CollectionEndEvent):
            closed = open_.pop()
            if closed.anchor is not None:
                anchors[closed.anchor] = (values - closed.before, closed.deepest - depth + 1)
            depth -= 1
            continue
        if isinstance(event, AliasEvent):
            name = str(event.anchor)
            if bounds.expand_aliases and any(frame.anchor == name for frame in open_):
                raise OutOfBounds(
                    line,
                    f"the alias *{name} refers to a list or mapping that contains it, which makes it endless",
                    "write the value out instead of the alias",
                )
            count, levels = anchors.get(name, (1, 0)) if bounds.expand_aliases else (1, 0)
            aliased = True
        elif isinstance(event, CollectionStartEvent):
            count, levels = 1, 1
        else:
            count, levels = 1, 0
            if event.anchor is not None:
                anchors[str(event.anchor)] = (1, 0)
        values += count
        if values > bounds.values:
            counted = " (an alias counting as what it repeats)" if aliased else ""
            raise OutOfBounds(
                scan.documents[-1],
                f"the document holds more than {bounds.values:,} values{counted}, the most {bounds.what} may hold",
                bounds.smaller,
            )
        reached = depth + levels
        if reached > bounds.depth:
            raise OutOfBounds(
                line,
                f"lists and mappings are nested more than {bounds.depth} levels deep here, the most "
                f"{bounds.what} may nest",
                "flatten the structure; nothing read here nests that deep",
            )
        for frame in open_:
            frame.deepest = max(frame.deepest, reached)
        if isinstance(event, CollectionStartEvent):
            depth += 1
            open_.append(_Open(None if event.anchor is None else str(event.anchor), values - 1, depth))
    scan.values += values


def scan(text: str, bounds: Bounds) -> Scan:
    """Measure text against bounds (OutOfBounds at the first bound exceeded).

    The C parser reads it first; when it refuses the text, the pure parser does, if the text is small enough
    for it (Scan.pure is then True). YAMLError when neither reads it: the reader reports it as a syntax error.
    """
    if len(text.encode("utf-8", errors="surrogatepass")) > bounds.bytes:
        raise too_large(bounds)
    found = Scan()
    try:
        _measure(_events(text, pure=False), bounds, found)
        return found
    except YAMLError:
        if len(text) > bounds.pure_bytes:
            raise
    found = Scan(pure=True)
    _measure(_events(text, pure=True), bounds, found)
    return found
