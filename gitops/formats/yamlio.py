"""The project's one YAML style for everything it writes.

Block style, two-space indentation with list items indented under their key,
multi-line strings as literal blocks, no line folding: the same object always
becomes the same bytes, and a diff shows exactly the fields that changed.

Plain data (what every manifest is) goes through a small emitter of our own:
ruamel.yaml's emitter took a large share of synth's time in the
profile (`make bench` measures the commit before it as its baseline).
ruamel.yaml still writes what carries comments (the Traefik values) and
anything the small emitter does not handle; both follow the same style and
the same quoting rules, which tests compare on real output.
"""

from __future__ import annotations

import io
import re
from typing import TYPE_CHECKING, Any

from ruamel.yaml import YAML
from ruamel.yaml.nodes import ScalarNode
from ruamel.yaml.representer import RoundTripRepresenter
from ruamel.yaml.resolver import VersionedResolver
from ruamel.yaml.scalarstring import LiteralScalarString, ScalarString

if TYPE_CHECKING:
    from ruamel.yaml.compat import VersionType  # defined for type checkers only


class _Yaml11Resolver(VersionedResolver):
    """Quote by YAML 1.1 rules, which Kubernetes' own parsers follow.

    Under YAML 1.2 `yes` is a plain string, but sigs.k8s.io/yaml (kubectl,
    Flux, kubeconform) reads an unquoted `yes` as true: an arg of "yes" would
    reach the cluster as a boolean and fail validation.
    """

    def __init__(self, version: VersionType | None = None, loader: Any = None, loadumper: Any = None) -> None:
        super().__init__(version=(1, 1), loader=loader, loadumper=loadumper)


_OCTAL_12 = re.compile(r"^[-+]?0o[0-7_]+$")


class _Representer(RoundTripRepresenter):
    def represent_str(self, data: str) -> ScalarNode:
        # 0o17 is a string in YAML 1.1 but an integer in 1.2 (go-yaml v3, kustomize): quote it. Any other
        # string is written as SafeRepresenter.represent_str writes it.
        style = "'" if _OCTAL_12.match(data) else None
        return self.represent_scalar("tag:yaml.org,2002:str", data, style=style)


_Representer.add_representer(str, _Representer.represent_str)


def _yaml() -> YAML:
    yaml = YAML(typ="rt")
    yaml.Resolver = _Yaml11Resolver
    yaml.Representer = _Representer
    yaml.default_flow_style = False
    yaml.indent(mapping=2, sequence=4, offset=2)
    yaml.width = 4096
    yaml.preserve_quotes = False
    return yaml


_EMITTER = _yaml()


def _literal_multiline(node: object) -> object:
    if isinstance(node, dict):
        for key, value in node.items():
            node[key] = _literal_multiline(value)
        return node
    if isinstance(node, list):
        for index, value in enumerate(node):
            node[index] = _literal_multiline(value)
        return node
    if isinstance(node, str) and "\n" in node and not isinstance(node, LiteralScalarString):
        return LiteralScalarString(node)
    if isinstance(node, str) and type(node) is not str and not isinstance(node, ScalarString):
        # Config values are str subclasses that carry their parsed meaning (gitops/config/values.py);
        # ruamel represents only the str type itself (and its own ScalarStrings). The text is the same.
        return str(node)
    return node


def ruamel_dumps(data: object) -> str:
    stream = io.StringIO()
    _EMITTER.dump(_literal_multiline(data), stream)
    return stream.getvalue()


# Plain scalars a YAML 1.1 or 1.2 parser would read as something other than a string: the one
# definition, for what this writer must quote and what `main.py diff` shows quoted. Any run of
# digits counts, leading zero or not: go-yaml (kubectl, Flux, kustomize) reads 089 as the float 89.
_IMPLICIT = re.compile(
    r"""^(?:
        ~|null|Null|NULL
      | y|Y|yes|Yes|YES|n|N|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF
      | [-+]?0b[0-1_]+ | [-+]?0o?[0-7_]+ | [-+]?[0-9][0-9_]* | [-+]?0x[0-9a-fA-F_]+
      | [-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+
      | [-+]?(?:[0-9][0-9_]*)?\.[0-9_]*(?:[eE][-+]?[0-9]+)? | [-+]?[0-9][0-9_]*[eE][-+]?[0-9]+
      | [-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*
      | [-+]?\.(?:inf|Inf|INF) | \.(?:nan|NaN|NAN)
      | [0-9]{4}-[0-9]{1,2}-[0-9]{1,2}(?:(?:[Tt]|[ \t]+)[0-9]{1,2}:[0-9]{2}:[0-9]{2}.*)?
      | <<|=
    )$""",
    re.X,
)


def reads_as_non_string(text: str) -> bool:
    """Whether a YAML reader takes this text, written plain, for a number, boolean, null or date."""
    return _IMPLICIT.match(text) is not None


_INDICATOR_START = set("?:,[]{}#&*!|>'\"%@`")
_PRINTABLE = re.compile(r"^[\x20-\x7e\u00a0-\ud7ff\ue000-\ufffd]*$")


def _plain_ok(text: str) -> bool:
    if not text or text != text.strip() or reads_as_non_string(text) or not _PRINTABLE.match(text):
        return False
    first = text[0]
    if first in _INDICATOR_START:
        return False
    if first == "-" and (len(text) == 1 or text[1] == " "):
        return False
    return ": " not in text and " #" not in text and not text.endswith(":")


def _scalar(value: object) -> str | None:
    """The scalar as YAML text, or None when the small emitter does not handle it."""
    if value is True:
        return "true"
    if value is False:
        return "false"
    if value is None:
        return "null"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str) and "\n" not in value:
        if _plain_ok(value):
            return value
        if _PRINTABLE.match(value):
            return "'" + value.replace("'", "''") + "'"
    return None


class _Unsupported(Exception):
    pass


def _literal(text: str, indent: int) -> list[str]:
    """A multi-line string as a literal block: header suffix, then its lines."""
    if not _PRINTABLE.match(text.replace("\n", "")) or text.startswith((" ", "\n")):
        raise _Unsupported
    body = text.rstrip("\n")
    trailing = len(text) - len(body)
    chomp = "-" if trailing == 0 else "" if trailing == 1 else "+"
    lines = [(" " * indent + line) if line else "" for line in body.split("\n")]
    lines += [""] * (trailing - 1)
    return ["|" + chomp, *lines]


def _mapping(node: dict[object, object], indent: int, out: list[str]) -> None:
    pad = " " * indent
    for key, value in node.items():
        if not isinstance(key, str):
            raise _Unsupported
        name = _scalar(key)
        if name is None:
            raise _Unsupported
        if isinstance(value, dict) and value:
            out.append(f"{pad}{name}:")
            _mapping(value, indent + 2, out)
        elif isinstance(value, list) and value:
            out.append(f"{pad}{name}:")
            _sequence(value, indent + 2, out)
        elif isinstance(value, (dict, list)):
            out.append(f"{pad}{name}: {{}}" if isinstance(value, dict) else f"{pad}{name}: []")
        elif isinstance(value, str) and "\n" in value:
            header, *lines = _literal(value, indent + 2)
            out.append(f"{pad}{name}: {header}")
            out.extend(lines)
        else:
            text = _scalar(value)
            if text is None:
                raise _Unsupported
            out.append(f"{pad}{name}: {text}")


def _sequence(node: list[object], dash: int, out: list[str]) -> None:
    pad = " " * dash
    for item in node:
        if isinstance(item, dict) and item:
            start = len(out)
            _mapping(item, dash + 2, out)
            out[start] = pad + "- " + out[start][dash + 2 :]
        elif isinstance(item, list) and item:
            start = len(out)
            _sequence(item, dash + 2, out)
            out[start] = pad + "- " + out[start][dash + 2 :]
        elif isinstance(item, (dict, list)):
            out.append(pad + ("- {}" if isinstance(item, dict) else "- []"))
        else:
            text = _scalar(item)
            if text is None:
                raise _Unsupported
            out.append(pad + "- " + text)


def _fast_dumps(data: dict[object, object]) -> str:
    out: list[str] = []
    _mapping(data, 0, out)
    return "\n".join(out) + "\n"


def dumps(data: object) -> str:
    """Serialize one document (a dict, or a ruamel CommentedMap carrying comments)."""
    if type(data) is dict and data:
        try:
            return _fast_dumps(data)
        except _Unsupported:
            pass
    return ruamel_dumps(data)
