"""One side of a diff: every Kubernetes object under some paths, keyed by apiVersion/kind/namespace/name.

File names and layout do not matter: an object that moved to another file is
the same object. Under a dist/ root, though, the first directory names the
environment (dist/<env>/..., and dist/clusters/<env>/... for the engine's
own objects), and environments are separate clusters: their objects are told
apart by it. Kustomize build files (kustomization.yaml) that sit beside the
manifests of a Flux or Argo CD path are not cluster objects and are skipped,
not rejected.
"""

from __future__ import annotations

import hmac
import secrets
from dataclasses import dataclass, field
from pathlib import Path

from ruamel.yaml.error import YAMLError

from gitops.errors import InputError
from gitops.k8s import manifests
from gitops.k8s.manifests import ManifestError, Resource, load_documents
from gitops.layout import CLUSTERS, INVENTORY_FILE
from gitops.review.findings import ObjectKey

KUSTOMIZE_API = "kustomize.config.k8s.io/"
SECRET_FIELDS: tuple[str, ...] = ("data", "stringData")
SOPS_METADATA = "sops"  # a SOPS file's top-level metadata (gitops/formats/sops.py)


class DiffInputError(InputError):
    """Input that cannot be compared: missing paths, unreadable YAML, one object defined twice."""


@dataclass
class Side:
    label: str
    objects: dict[ObjectKey, Resource] = field(default_factory=dict)
    skipped: list[Path] = field(default_factory=list)
    # Each object's directory below the root it was loaded from (dist/'s <env>/<unit>): where it is delivered.
    directories: dict[ObjectKey, str] = field(default_factory=dict)

    @property
    def resources(self) -> list[Resource]:
        return list(self.objects.values())

    @property
    def scopes(self) -> set[str]:
        return {key.scope for key in self.objects}

    def only(self, scope: str) -> Side:
        return Side(
            self.label,
            {k: r for k, r in self.objects.items() if k.scope == scope},
            self.skipped,
            {k: d for k, d in self.directories.items() if k.scope == scope},
        )


def is_dist_root(path: Path) -> bool:
    """A directory laid out as dist/: dist/clusters/, or environment directories with an inventory."""
    if not path.is_dir():
        return False
    return (path / CLUSTERS).is_dir() or any((child / INVENTORY_FILE).is_file() for child in path.iterdir())


def environment_of(path: Path, dist_root: Path) -> str:
    parts = path.relative_to(dist_root).parts
    if len(parts) >= 3 and parts[0] == CLUSTERS:
        return parts[1]
    return parts[0] if len(parts) >= 2 else ""


def key_of(resource: Resource, scope: str = "") -> ObjectKey:
    parts = (resource.kind, resource.namespace, resource.name, resource.api_version)
    for label, value in zip(("kind", "metadata.namespace", "metadata.name", "apiVersion"), parts, strict=True):
        if not isinstance(value, str):
            # YAML 1.1 reads unquoted y/n/yes/no/on/off as booleans, as the API server's clients do.
            raise DiffInputError(f"{resource.path}: {label} {value!r} is not a string (quote it)")
    return ObjectKey(*parts, scope)


def _is_kustomize_build_file(text: str) -> bool:
    try:
        documents = load_documents(text)
    except (ValueError, YAMLError):
        return False
    return bool(documents) and all(
        isinstance(doc, dict) and str(doc.get("apiVersion", "")).startswith(KUSTOMIZE_API) for doc in documents
    )


class Loader:
    """Parses each distinct file text once: the two sides of a diff share most files byte for byte.

    Secret values and SOPS metadata never reach a report (which may be posted on a pull request):
    each is replaced by a keyed digest, equal on both sides exactly when the value is, under a key
    that lives only as long as this loader, so a digest cannot be matched across runs.
    """

    def __init__(self) -> None:
        self._parsed: dict[str, list[dict] | None] = {}
        self._key = secrets.token_bytes(32)

    def _digest(self, value: object) -> str:
        return f"(redacted {hmac.new(self._key, str(value).encode(), 'sha256').hexdigest()[:10]})"

    def _redact(self, obj: dict) -> dict:
        """A Secret's values, and a SOPS file's metadata (its MAC and the data keys wrapped for each
        recipient are ciphertext too), as digests: a report names the keys that changed, never a value."""
        fields = SECRET_FIELDS if obj.get("kind") == "Secret" else ()
        fields += (SOPS_METADATA,) if isinstance(obj.get(SOPS_METADATA), dict) else ()
        if not any(isinstance(obj.get(f), dict) for f in fields):
            return obj
        redacted = dict(obj)
        for name in fields:
            if isinstance(obj.get(name), dict):
                redacted[name] = {key: self._digest(value) for key, value in obj[name].items()}
        return redacted

    def _objects(self, path: Path) -> list[dict] | None:
        try:
            text = path.read_text()
        except (OSError, UnicodeDecodeError) as err:
            raise DiffInputError(f"{path}: cannot read: {err}") from None
        if text not in self._parsed:
            try:
                self._parsed[text] = [self._redact(r.obj) for r in manifests.parse(text, path)]
            except ManifestError:
                if not _is_kustomize_build_file(text):
                    raise
                self._parsed[text] = None
        return self._parsed[text]

    def load(self, label: str, paths: list[Path], dist_root: Path | None = None, side: Side | None = None) -> Side:
        """The objects under paths (added to side, if given); with dist_root, keyed by their environment."""
        side = side if side is not None else Side(label)
        try:
            files = manifests.files_under(paths)
        except ManifestError as err:
            raise DiffInputError(str(err)) from None
        for path in files:
            try:
                objects = self._objects(path)
            except ManifestError as err:
                raise DiffInputError(str(err)) from None
            if objects is None:
                side.skipped.append(path)
                continue
            scope = environment_of(path, dist_root) if dist_root is not None else ""
            directory = _directory(path, dist_root, paths)
            for index, obj in enumerate(objects):
                resource = Resource(obj, path, index)
                key = key_of(resource, scope)
                if key in side.objects:
                    first = side.objects[key].path
                    raise DiffInputError(f"{path}: {key} ({key.api_version}) is already defined in {first}")
                side.objects[key] = resource
                side.directories[key] = directory
        return side


def _directory(path: Path, dist_root: Path | None, roots: list[Path]) -> str:
    """The file's directory below dist_root, or below the root of paths that holds it."""
    for root in ([dist_root] if dist_root is not None else []) + [r for r in roots if r.is_dir()]:
        if path.is_relative_to(root):
            return path.parent.relative_to(root).as_posix()
    return ""
