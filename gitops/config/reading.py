"""Config text before it becomes data: UTF-8 only, and no YAML tags, anchors or aliases.

Both parsers the loader uses (the C parser for valid config, the round-trip
parser for line numbers) see a file only after these checks, and the checks
read the parser's event stream, so nothing is ever constructed from what
they refuse:

- A tag (`!!python/object:...`, `!!binary`, any `!local`) asks the parser to
  build something other than text, numbers, true/false, lists and mappings;
  config never needs one, and a constructor that honours one is how YAML
  files run code.
- Anchors and aliases are refused outright rather than expanded up to a
  bound: nine lines of anchors that each repeat the previous one nine times
  expand to 9^9 values (the "billion laughs"), and no bound tells a real
  config from such a file. Layering already says "same as base" without
  them, a value reached through an alias would be reported at the anchor's
  line rather than where it is used, and YAML merge keys (`<<: *base`) would
  be a second merge rule beside the layering.
"""

from __future__ import annotations

from pathlib import Path as FsPath

from ruamel.yaml import YAML
from ruamel.yaml.error import YAMLError
from ruamel.yaml.events import AliasEvent, NodeEvent

from gitops.bounds import Bounds, OutOfBounds, scan, too_large
from gitops.config.errors import ConfigError, Problem

_STANDARD = "tag:yaml.org,2002:"  # what '!!' abbreviates

# What one config file (or SOPS file under config/secrets/) may hold, measured before it is parsed
# (gitops/bounds.py). The project's largest file, config/base.yaml, is 7 KB of 344 values nested 6 deep;
# `make bench`'s stack of 1,000 objects (248 services) is 49 KB of 5,500. A file at these bounds is refused,
# or its problems listed, within seconds (BENCHMARKS.md) by the slower round-trip parser that finds lines.
BOUNDS = Bounds(
    bytes=128 * 2**10,
    depth=32,
    values=20_000,
    pure_bytes=128 * 2**10,
    what="a config file",
    smaller="config holds a few KB of intent; remove what made it this large (a pasted file, a generated block)",
    expand_aliases=False,  # refused outright, below, with their own message
)


def read_text(path: FsPath, shown: str) -> str:
    """The file as text; a file that is not UTF-8 is a problem at the line of its first bad byte."""
    data = path.read_bytes()
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as err:
        line = data[: err.start].count(b"\n") + 1
        column = err.start - (data.rfind(b"\n", 0, err.start) + 1) + 1
        raise ConfigError(
            [
                Problem(
                    shown,
                    line,
                    "(file)",
                    f"the file is not UTF-8 text (byte 0x{data[err.start]:02x} at column {column})",
                    "save it as UTF-8; YAML config is UTF-8 text",
                )
            ]
        ) from None


def refuse_tags_and_aliases(text: str, shown: str, *, pure: bool) -> None:
    """Raise ConfigError at the first tag, anchor or alias; YAMLError for text that does not parse.

    pure selects ruamel's Python parser (the round-trip path) over the C one.
    """
    for event in YAML(typ="rt" if pure else "safe", pure=pure).parse(text):
        if not isinstance(event, NodeEvent):
            continue
        line = event.start_mark.line + 1
        if isinstance(event, AliasEvent):
            raise ConfigError([_alias(shown, line, f"*{event.anchor}")])
        if event.anchor is not None:
            raise ConfigError([_alias(shown, line, f"&{event.anchor}")])
        tag = getattr(event, "tag", None)  # None unless the file writes one: implicit types are resolved later
        if tag is not None:
            raise ConfigError(
                [
                    Problem(
                        shown,
                        line,
                        "(syntax)",
                        f"YAML tag {_as_written(str(tag))} is not allowed in config",
                        "remove the tag: config holds only text, numbers, true/false, lists and mappings "
                        "(quote a value that starts with '!')",
                    )
                ]
            )


def _as_written(tag: str) -> str:
    return "!!" + tag.removeprefix(_STANDARD) if tag.startswith(_STANDARD) else tag


def _alias(shown: str, line: int, what: str) -> Problem:
    return Problem(
        shown,
        line,
        "(syntax)",
        f"YAML anchors and aliases ({what}) are not allowed in config",
        "write the value out where it is used; to share it between environments, put it in config/base.yaml",
    )


def bounded_text(path: FsPath, shown: str, bounds: Bounds = BOUNDS) -> str:
    """read_text(), refused with a problem when the file is larger, deeper or holds more values than bounds allow.

    The size is checked before the file is read, depth and values on the parser's event stream before anything
    is built from it: neither parser ever recurses into unbounded input, and no input costs more than the bound.
    Text that does not parse at all is left to the caller, which reports the syntax error at its line.
    """
    if path.stat().st_size > bounds.bytes:
        large = too_large(bounds)
        raise ConfigError([Problem(shown, 0, "(file)", large.problem, large.fix)])
    text = read_text(path, shown)
    try:
        scan(text, bounds)
    except OutOfBounds as err:
        raise ConfigError([Problem(shown, err.line, "(file)", err.problem, err.fix)]) from None
    except YAMLError:
        pass
    return text
