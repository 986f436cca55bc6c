"""What the operator has, read: a directory of hand-written manifests, or an export of the live cluster.

An export is what `kubectl get ... -o yaml` writes: a List, a single object or several documents;
its managed fields, status and server-set fields are set aside (gitops/k8s/live.py), what kubectl
applied is read from the last-applied annotation, and the objects the cluster made itself
(ReplicaSets, EndpointSlices, the PersistentVolume of a claim) are kept apart. Hand-written
manifests are what kubectl applied, as written.

Everything the plan cannot use is refused before any planning, each with the file and line: bytes
that are not UTF-8 or not YAML, YAML anchors, aliases or tags (kubectl never writes them; an alias
bomb would expand without bound), documents that are not Kubernetes objects, an object twice,
objects of another namespace, a Secret that holds values (named, never shown: the plan needs only
names), and more than MAX_OBJECTS objects or MAX_BYTES bytes (read in bounded time and memory).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ruamel.yaml.constructor import SafeConstructor
from ruamel.yaml.cyaml import CParser  # type: ignore[attr-defined]
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode
from ruamel.yaml.resolver import VersionedResolver

from gitops.errors import InputError
from gitops.k8s import live, ownership, rest
from gitops.k8s.manifests import SUFFIXES, Fields
from gitops.k8s.workloads import dig, mapping

MAX_BYTES = 16 * 2**20  # about 4,500 exported objects with their managed fields
MAX_OBJECTS = 5000
# The types kubectl's YAML holds; any other tag (!!python/..., !!binary, a !local one) is refused.
_PLAIN_TAGS = frozenset(
    f"tag:yaml.org,2002:{t}" for t in ("str", "int", "float", "bool", "null", "map", "seq", "timestamp")
)


class LiveInputError(InputError):
    """The live input cannot be planned from: one message, with the file and line."""


class _Loader(CParser, SafeConstructor, VersionedResolver):  # type: ignore[misc]
    """ruamel.yaml's C parser composing node by node (so every object keeps its line), read as YAML 1.1
    like Kubernetes' clients read manifests (gitops/k8s/manifests.py)."""

    processing_version = (1, 1)  # fixed: the resolver's own lookup of it costs a caught exception per scalar

    def __init__(self, text: str) -> None:
        CParser.__init__(self, text)
        SafeConstructor.__init__(self, loader=self)
        VersionedResolver.__init__(self, version=(1, 1), loader=self)


@dataclass
class LiveObject:
    """One object of the live input."""

    obj: Fields  # without status and server-set metadata; a Secret without any value
    managed: list[ownership.Manager]  # from managedFields (exports only)
    applied: Fields | None  # what kubectl applied: the manifest as written, or the last-applied annotation
    path: Path
    line: int
    exported: bool
    writer: str  # what wrote it (ownership.writer), "" when the object does not say
    k3s_file: str | None = None
    made_by_cluster: str | None = None
    secret_keys: tuple[str, ...] = ()

    @property
    def kind(self) -> str:
        return str(self.obj.get("kind", ""))

    @property
    def api_version(self) -> str:
        return str(self.obj.get("apiVersion", ""))

    @property
    def group(self) -> str:
        return self.api_version.rpartition("/")[0]

    @property
    def name(self) -> str:
        return str(dig(self.obj, "metadata", "name") or "")

    @property
    def namespace(self) -> str:
        return str(dig(self.obj, "metadata", "namespace") or "")

    @property
    def key(self) -> tuple[str, str, str, str]:
        return self.group, self.kind, self.namespace, self.name

    @property
    def where(self) -> str:
        return f"{self.path}:{self.line}"

    def __str__(self) -> str:
        return f"{self.kind} {self.namespace + '/' if self.namespace else ''}{self.name}"


@dataclass
class LiveSet:
    objects: list[LiveObject] = field(default_factory=list)  # applied by someone
    cluster_made: list[LiveObject] = field(default_factory=list)  # ReplicaSets, EndpointSlices, volumes, ...
    exported: bool = False
    paths: list[Path] = field(default_factory=list)

    def find(self, kind: str, namespace: str, name: str) -> LiveObject | None:
        return next(
            (o for o in self.objects if o.kind == kind and o.namespace == namespace and o.name == name),
            None,
        )

    def volumes(self) -> list[LiveObject]:
        return [o for o in self.cluster_made if o.kind == "PersistentVolume"]


def _files(path: Path) -> list[Path]:
    if path.is_dir():
        found = sorted(p for p in path.rglob("*") if p.is_file() and p.suffix in SUFFIXES)
        if not found:
            raise LiveInputError(f"{path}: no .yaml or .yml files in the directory")
        return found
    if path.is_file():
        return [path]
    raise LiveInputError(f"{path}: no such file or directory")


def _text(path: Path) -> str:
    data = path.read_bytes()
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as err:
        line = data[: err.start].count(b"\n") + 1
        raise LiveInputError(f"{path}:{line}: not UTF-8 text (byte 0x{data[err.start]:02x}); not YAML") from None


def _plain(node: Node, path: Path) -> None:
    """Refuse anchors and aliases (a node reached twice) and tags beyond YAML's own types."""
    seen: set[int] = set()
    stack = [node]
    while stack:
        current = stack.pop()
        if id(current) in seen:
            raise LiveInputError(
                f"{path}:{current.start_mark.line + 1}: YAML anchors and aliases are not allowed here "
                "(kubectl never writes them, and an alias can expand without bound)"
            )
        seen.add(id(current))
        tag = current.ctag
        if tag is not None and not (tag.handle is None and tag.suffix in _PLAIN_TAGS) and str(tag) not in _PLAIN_TAGS:
            raise LiveInputError(f"{path}:{current.start_mark.line + 1}: YAML tag {tag} is not allowed here")
        if isinstance(current, MappingNode):
            for key, value in current.value:
                stack += (key, value)
        elif isinstance(current, SequenceNode):
            stack += current.value


def _documents(path: Path, text: str) -> list[tuple[object, Node]]:
    loader = _Loader(text)
    found: list[tuple[object, Node]] = []
    try:
        while loader.check_node():
            node = loader.get_node()
            if node is None:
                continue
            _plain(node, path)
            found.append((loader.construct_document(node), node))
    except MarkedYAMLError as err:
        mark = err.problem_mark or err.context_mark
        line = f":{mark.line + 1}" if mark is not None else ""
        raise LiveInputError(f"{path}{line}: not valid YAML: {err.problem or err.context}") from None
    except YAMLError as err:
        raise LiveInputError(f"{path}: not valid YAML: {err}") from None
    return found


def _item_nodes(node: Node) -> list[Node]:
    if isinstance(node, MappingNode):
        for key, value in node.value:
            if isinstance(key, ScalarNode) and key.value == "items" and isinstance(value, SequenceNode):
                return list(value.value)
    return []


def _object_problem(doc: object) -> str | None:
    if not isinstance(doc, dict):
        return f"a {type(doc).__name__}, not a Kubernetes object (apiVersion, kind, metadata.name)"
    missing = [k for k in ("apiVersion", "kind") if not isinstance(doc.get(k), str) or not doc.get(k)]
    if not isinstance(dig(doc, "metadata", "name"), str) or not dig(doc, "metadata", "name"):
        missing.append("metadata.name")
    if missing:
        return f"not a Kubernetes object: no {', '.join(missing)}"
    return None


def _secret_values(doc: Fields) -> bool:
    if mapping(doc.get("data")) or mapping(doc.get("stringData")):
        return True
    applied = ownership.last_applied(doc) or {}
    return bool(mapping(applied.get("data")) or mapping(applied.get("stringData")))


def _without_values(doc: Fields) -> tuple[Fields, tuple[str, ...]]:
    keys = tuple(sorted({*map(str, mapping(doc.get("data"))), *map(str, mapping(doc.get("stringData")))}))
    meta = {k: v for k, v in mapping(doc.get("metadata")).items() if k != "annotations"}
    return {k: v for k, v in doc.items() if k not in ("data", "stringData", "metadata")} | {"metadata": meta}, keys


def read(path: Path, namespace: str, ours: set[tuple[str, str, str, str]]) -> LiveSet:
    """The live objects under path; namespace is the application's, ours the keys dist/ renders
    (objects of other namespaces are accepted only where ours has the same object)."""
    files = _files(path)
    size = sum(f.stat().st_size for f in files)
    if size > MAX_BYTES:
        raise LiveInputError(
            f"{path}: {size / 2**20:.1f} MiB of YAML, more than adopt reads ({MAX_BYTES // 2**20} MiB): export only "
            f"namespace {namespace} (kubectl -n {namespace} get ... -o yaml), without Secrets and Events"
        )
    found = LiveSet(paths=files)
    seen: dict[tuple[str, str, str, str], LiveObject] = {}
    count = 0
    for file in files:
        for index, (doc, node) in enumerate(_documents(file, _text(file))):
            if doc is None:
                continue
            line = node.start_mark.line + 1
            is_list = isinstance(doc, dict) and str(doc.get("kind", "")).endswith("List")
            if is_list and isinstance(doc, dict) and not isinstance(doc.get("items"), list):
                raise LiveInputError(f"{file}:{line}: document {index + 1} is a {doc['kind']} without items")
            problem = None if is_list else _object_problem(doc)
            if problem:
                raise LiveInputError(f"{file}:{line}: document {index + 1} is {problem}")
            assert isinstance(doc, dict)
            if is_list:
                items = list(zip(doc["items"], _item_nodes(node) or [node] * len(doc["items"]), strict=False))
            else:
                items = [(doc, node)]
            for item, item_node in items:
                count += 1
                if count > MAX_OBJECTS:
                    raise LiveInputError(
                        f"{file}:{item_node.start_mark.line + 1}: more than {MAX_OBJECTS:,} objects: adopt plans one "
                        f"application; export only namespace {namespace} (kubectl -n {namespace} get ... -o yaml)"
                    )
                entry = _entry(item, file, item_node.start_mark.line + 1, namespace, ours)
                if entry.made_by_cluster is None:
                    other = seen.get(entry.key)
                    if other is not None:
                        raise LiveInputError(
                            f"{entry.where}: {entry} is also at {other.where}: each object once, please "
                            "(two exports of one object disagree on which is live)"
                        )
                    seen[entry.key] = entry
                    found.objects.append(entry)
                else:
                    found.cluster_made.append(entry)
                found.exported = found.exported or entry.exported
    if not found.objects:
        raise LiveInputError(f"{path}: no Kubernetes objects that anyone applied (nothing to take over)")
    return found


def _entry(item: object, file: Path, line: int, namespace: str, ours: set[tuple[str, str, str, str]]) -> LiveObject:
    problem = _object_problem(item)
    if problem:
        raise LiveInputError(f"{file}:{line}: an item that is {problem}")
    assert isinstance(item, dict)
    kind = str(item["kind"])
    shown = f"{kind} {dig(item, 'metadata', 'namespace') or ''}/{dig(item, 'metadata', 'name')}".replace(" /", " ")
    exported = bool(dig(item, "metadata", "managedFields") or dig(item, "metadata", "uid") or "status" in item)
    keys: tuple[str, ...] = ()
    if kind == "Secret":
        if _secret_values(item):
            raise LiveInputError(
                f"{file}:{line}: {shown} holds values; adopt reads no secret value (none is shown or kept): "
                "leave Secrets out of the input (the plan names the ones the pods reference)"
            )
        item, keys = _without_values(item)
    made = live.made_by_cluster(item)
    meta = item.setdefault("metadata", {}) if isinstance(item.get("metadata"), dict) else {}
    group = str(item["apiVersion"]).rpartition("/")[0]
    if rest.namespaced(kind):
        written = meta.get("namespace")
        if not written:
            meta["namespace"] = namespace  # applied with `kubectl -n <namespace>`
        elif written != namespace and (group, kind, written, meta.get("name")) not in ours and made is None:
            elsewhere = sorted(f"{k} {ns}/{n}" for _, k, ns, n in ours if ns and ns != namespace)
            raise LiveInputError(
                f"{file}:{line}: {shown} is in namespace {written}; adopt plans namespace {namespace}"
                + (f" and {', '.join(elsewhere)}" if elsewhere else "")
                + f": export with -n {namespace}"
            )
    elif made is None and (group, kind, "", meta.get("name")) not in ours:
        raise LiveInputError(
            f"{file}:{line}: {shown} is cluster-scoped and not part of the application; adopt plans namespace "
            f"{namespace}: export with -n {namespace}"
        )
    applied = ownership.last_applied(item) if exported else item
    return LiveObject(
        obj=live.stripped(item) if exported else item,
        managed=ownership.managers(item),
        applied=applied,
        path=file,
        line=line,
        exported=exported,
        writer=ownership.writer(item) or ("" if exported else "kubectl apply"),
        k3s_file=ownership.k3s_manifest_file(item),
        made_by_cluster=made,
        secret_keys=keys,
    )
