"""Reading rendered Kubernetes manifests back: any directory of YAML, ours or hand-written.

Documents are parsed with YAML 1.1 rules, as the API server's clients parse
them (an unquoted `yes` is a boolean there), so what a check sees is what the
cluster would get.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.error import YAMLError

from gitops.errors import InputError

SUFFIXES = (".yaml", ".yml")

# A Kubernetes object, or a mapping inside one, as YAML reads it: the values are whatever the file holds,
# so readers narrow them (workloads.mapping(), sequence(), as_int()) before relying on their type.
Fields = dict[str, Any]


class ManifestError(InputError):
    """A file that is not readable as Kubernetes YAML."""


@dataclass(frozen=True)
class Resource:
    """One Kubernetes object and where it was read from."""

    obj: Fields
    path: Path
    document: int

    # apiVersion, kind and metadata.name are strings in any object the API server accepts; hand-written
    # YAML may hold another scalar there, which diff's key_of (gitops/review/diff/load.py) refuses.
    @property
    def api_version(self) -> str:
        value: str = self.obj["apiVersion"]
        return value

    @property
    def kind(self) -> str:
        value: str = self.obj["kind"]
        return value

    @property
    def name(self) -> str:
        value: str = self.obj["metadata"]["name"]
        return value

    @property
    def namespace(self) -> str:
        return self.obj["metadata"].get("namespace") or ""

    @property
    def group(self) -> str:
        return self.api_version.rpartition("/")[0]

    @property
    def key(self) -> tuple[str, str, str, str]:
        """Identity of the object in a cluster: group, kind, namespace, name."""
        return self.group, self.kind, self.namespace, self.name

    @property
    def labels(self) -> Fields:
        return self.obj["metadata"].get("labels") or {}

    @property
    def annotations(self) -> Fields:
        return self.obj["metadata"].get("annotations") or {}

    def __str__(self) -> str:
        where = f"{self.namespace}/" if self.namespace else ""
        return f"{self.kind} {where}{self.name}"


def yaml11_parser(pure: bool = False) -> YAML:
    """A safe YAML 1.1 parser, reading documents as Kubernetes clients do.

    pure=False uses ruamel.yaml's C parser (ruamel.yaml.clib, in Pipfile), four
    times faster; it refuses a few forms the pure parser accepts, such as
    `{image: postgres:17}`, so callers fall back to the pure one.
    """
    yaml = YAML(typ="safe", pure=pure)
    yaml.version = (1, 1)
    return yaml


def load_documents(text: str) -> list[object]:
    """Every non-empty document in text; raises YAMLError only when neither parser can read it."""
    try:
        documents = list(yaml11_parser().load_all(text))
    except YAMLError:
        documents = list(yaml11_parser(pure=True).load_all(text))
    return [doc for doc in documents if doc is not None]


def files_under(paths: list[Path]) -> list[Path]:
    """YAML files named directly or found under directories, in a stable order."""
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found += sorted(p for p in path.rglob("*") if p.is_file() and p.suffix in SUFFIXES)
        elif path.is_file():
            found.append(path)
        else:
            raise ManifestError(f"{path}: no such file or directory")
    return found


def parse(text: str, path: Path) -> list[Resource]:
    try:
        documents = load_documents(text)
    except YAMLError as err:
        raise ManifestError(f"{path}: not valid YAML: {err}") from None
    resources = []
    for index, doc in enumerate(documents):
        if doc is None:
            continue
        if not isinstance(doc, dict) or not all(k in doc for k in ("apiVersion", "kind", "metadata")):
            raise ManifestError(f"{path}: document {index + 1} is not a Kubernetes object (apiVersion, kind, metadata)")
        if doc["kind"].endswith("List") and isinstance(doc.get("items"), list):
            resources += [Resource(item, path, index) for item in doc["items"]]
            continue
        if not (doc.get("metadata") or {}).get("name"):
            raise ManifestError(f"{path}: document {index + 1} ({doc['kind']}) has no metadata.name")
        resources.append(Resource(doc, path, index))
    return resources


def load(paths: list[Path]) -> list[Resource]:
    """Every object in the YAML files under paths."""
    resources: list[Resource] = []
    for path in files_under(paths):
        resources += parse(path.read_text(), path)
    return resources
