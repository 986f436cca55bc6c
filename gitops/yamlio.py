"""The project's one YAML style for everything it writes.

Block style, two-space indentation with list items indented under their key,
multi-line strings as literal blocks, no line folding: the same object always
becomes the same bytes, and a diff shows exactly the fields that changed.
"""

from __future__ import annotations

import io
import re

from ruamel.yaml import YAML
from ruamel.yaml.representer import RoundTripRepresenter
from ruamel.yaml.resolver import VersionedResolver
from ruamel.yaml.scalarstring import LiteralScalarString


class _Yaml11Resolver(VersionedResolver):
    """Quote by YAML 1.1 rules, which Kubernetes' own parsers follow.

    Under YAML 1.2 `yes` is a plain string, but sigs.k8s.io/yaml (kubectl,
    Flux, kubeconform) reads an unquoted `yes` as true: an arg of "yes" would
    reach the cluster as a boolean and fail validation.
    """

    def __init__(self, version=None, loader=None, loadumper=None):
        super().__init__(version=(1, 1), loader=loader, loadumper=loadumper)


_OCTAL_12 = re.compile(r"^[-+]?0o[0-7_]+$")


class _Representer(RoundTripRepresenter):
    def represent_str(self, data: str):
        # 0o17 is a string in YAML 1.1 but an integer in 1.2 (go-yaml v3, kustomize).
        if _OCTAL_12.match(data):
            return self.represent_scalar("tag:yaml.org,2002:str", data, style="'")
        return super().represent_str(data)


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
    return node


def dumps(data: object) -> str:
    """Serialize one document (a dict, or a ruamel CommentedMap carrying comments)."""
    stream = io.StringIO()
    _EMITTER.dump(_literal_multiline(data), stream)
    return stream.getvalue()


def loads_all(text: str) -> list[object]:
    """Every document in text, as plain-ish Python values (ruamel containers)."""
    return [doc for doc in YAML(typ="safe", pure=True).load_all(text) if doc is not None]
