"""Config files edited in place: a value changed, every comment, blank line, key order and quote kept.

`set-image` and `promote` change one scalar per service (`images.api: 6f303dbbaa`). The file goes
through a ruamel.yaml round trip (load, set, dump) with the layout read from the file itself, and
the result is checked two ways before anything is written: it reads back as the intended data,
and it differs from the original in exactly the lines of the changed values. A file the round
trip would reformat elsewhere (an indentation ruamel normalizes, a flow mapping it respaces)
has the value replaced where ruamel's parser found it instead, and passes the same checks, so
the diff a reviewer sees is always one line per value.
"""

from __future__ import annotations

import difflib
import io
import re
from dataclasses import dataclass

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap
from ruamel.yaml.error import YAMLError
from ruamel.yaml.scalarstring import DoubleQuotedScalarString, SingleQuotedScalarString

from gitops.errors import InputError

Key = tuple[str, ...]


class EditError(InputError):
    """A config file that cannot be edited as asked without changing more than the value."""


@dataclass(frozen=True)
class Edit:
    """A file's text before and after, and the 1-based lines that changed."""

    before: str
    after: str
    lines: tuple[int, ...]

    @property
    def changed(self) -> bool:
        return self.before != self.after


def _yaml() -> YAML:
    yaml = YAML(typ="rt")
    yaml.preserve_quotes = True
    yaml.width = 4096  # never fold a long line
    return yaml


def _guess_indent(text: str) -> tuple[int, int, int]:
    """(mapping, sequence, offset) as the file writes block sequences under a key ('  - x' under 'k:')."""
    mapping, sequence, offset = 2, 2, 0
    lines = text.splitlines()
    for index, line in enumerate(lines[:-1]):
        stripped = line.rstrip()
        if stripped.endswith(":") and not stripped.lstrip().startswith("#"):
            below = lines[index + 1]
            indent = len(line) - len(line.lstrip())
            inner = len(below) - len(below.lstrip())
            if below.lstrip().startswith("- "):
                offset = inner - indent
                sequence = offset + 2
                break
            if inner > indent:
                mapping = inner - indent
    return mapping, sequence, offset


def _dump(yaml: YAML, document: object) -> str:
    out = io.StringIO()
    yaml.dump(document, out)
    return out.getvalue()


def _load(yaml: YAML, text: str, shown: str) -> CommentedMap:
    try:
        document = yaml.load(text)
    except YAMLError as err:
        raise EditError(f"{shown}: YAML cannot be read: {err}") from None
    if not isinstance(document, CommentedMap):
        raise EditError(f"{shown}: not a mapping of keys")
    return document


def _parent(document: CommentedMap, key: Key, shown: str) -> CommentedMap:
    node: object = document
    for part in key[:-1]:
        if not isinstance(node, CommentedMap) or part not in node:
            raise EditError(f"{shown}: has no {'.'.join(key[:-1])}")
        node = node[part]
    if not isinstance(node, CommentedMap) or key[-1] not in node:
        raise EditError(f"{shown}: has no {'.'.join(key)}")
    if isinstance(node[key[-1]], (dict, list)):
        raise EditError(f"{shown}: {'.'.join(key)} is not a single value")
    return node


def _like(old: object, new: str) -> str:
    """new in the quotes old was written with (none: ruamel quotes it only if YAML would misread it)."""
    quoted: str = new
    if isinstance(old, DoubleQuotedScalarString):
        quoted = DoubleQuotedScalarString(new)
    elif isinstance(old, SingleQuotedScalarString):
        quoted = SingleQuotedScalarString(new)
    return quoted


def _changed_lines(before: str, after: str) -> list[int] | None:
    """The 1-based lines of after that replace a line of before one for one; None if lines were added or removed."""
    old, new = before.splitlines(), after.splitlines()
    changed: list[int] = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(a=old, b=new, autojunk=False).get_opcodes():
        if tag == "equal":
            continue
        if tag != "replace" or i2 - i1 != j2 - j1:
            return None
        changed.extend(range(j1 + 1, j2 + 1))
    return changed


def _reads_as(yaml: YAML, text: str, changes: dict[Key, str], shown: str) -> bool:
    """Whether text reads back with each changed key holding its new value, as text."""
    document = _load(yaml, text, shown)
    for key, value in changes.items():
        parent = _parent(document, key, shown)
        if parent[key[-1]] != value or not isinstance(parent[key[-1]], str):
            return False
    return True


def _scalar_text(yaml: YAML, old_text: str, value: str) -> str:
    """value written as the old scalar was (its quote character), or plain when YAML reads it back as text."""
    if old_text[:1] == '"':
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    if old_text[:1] == "'":
        return "'" + value.replace("'", "''") + "'"
    probe = _yaml().load(f"k: {value}\n")
    if isinstance(probe, dict) and probe.get("k") == value and isinstance(probe.get("k"), str):
        return value
    return "'" + value.replace("'", "''") + "'"


_PLAIN_END = re.compile(r"\s+#|\s*$")


def _splice(yaml: YAML, text: str, document: CommentedMap, changes: dict[Key, str], shown: str) -> str:
    """The values replaced where the parser found them, character for character."""
    lines = text.splitlines(keepends=True)
    for key, value in changes.items():
        parent = _parent(document, key, shown)
        line, column = parent.lc.value(key[-1])
        source = lines[line]
        rest = source[column:]
        if rest[:1] in ("'", '"'):
            quote = rest[0]
            end = 1
            while end < len(rest):
                if rest[end] == quote and not (quote == "'" and rest[end + 1 : end + 2] == "'"):
                    break
                end += 2 if (quote == "'" and rest[end : end + 2] == "''") or rest[end] == "\\" else 1
            old_text = rest[: end + 1]
        else:
            match = _PLAIN_END.search(rest.rstrip("\n"))
            old_text = rest[: match.start()] if match else rest.rstrip("\n")
        lines[line] = source[:column] + _scalar_text(yaml, old_text, value) + source[column + len(old_text) :]
    return "".join(lines)


def edit_text(text: str, changes: dict[Key, str], shown: str) -> Edit:
    """text with the scalar at each key set to its value; EditError unless only those lines change."""
    yaml = _yaml()
    mapping, sequence, offset = _guess_indent(text)
    yaml.indent(mapping=mapping, sequence=sequence, offset=offset)
    document = _load(yaml, text, shown)
    current = {key: _parent(document, key, shown)[key[-1]] for key in changes}
    todo = {key: value for key, value in changes.items() if current[key] != value}
    if not todo:
        return Edit(text, text, ())
    expected = {_parent(document, key, shown).lc.value(key[-1])[0] + 1 for key in todo}
    candidates = []
    if _dump(yaml, document) == text:  # the round trip reproduces the file byte for byte
        for key, value in todo.items():
            parent = _parent(document, key, shown)
            parent[key[-1]] = _like(parent[key[-1]], value)
        candidates.append(_dump(yaml, document))
    candidates.append(_splice(yaml, text, _load(yaml, text, shown), todo, shown))
    for after in candidates:
        lines = _changed_lines(text, after)
        if lines is not None and set(lines) == expected and _reads_as(yaml, after, todo, shown):
            return Edit(text, after, tuple(sorted(lines)))
    raise EditError(
        f"{shown}: cannot change {', '.join('.'.join(k) for k in todo)} without changing other lines; edit it by hand"
    )
