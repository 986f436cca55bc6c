"""Field-by-field comparison of two parsed objects.

A list of objects is matched item by item, so reordering containers, env vars or
ports is not a change and an inserted item is one addition, not a shift of every
item after it. The identity of an item is, in this order: the keys Kubernetes
itself merges the list by (gitops/k8s/listkeys.py: containers and env by name,
container ports by containerPort and protocol, volume mounts by mountPath), for a
list the OpenAPI keys; else a field every item has once per side (a `name`, else a
`host`, `path`, `key`, ...); else the item itself, whole (a NetworkPolicy peer, a
toleration): equal items pair up and what is left is added, removed, or changed
where it stands. Lists of scalars (args, accessModes) are compared whole, since
their order is meaningful. A multi-line string that parses as a YAML mapping on
both sides (a HelmChartConfig's valuesContent, a JSON document in a ConfigMap) is
compared as data, so its comments and formatting are not changes either.
"""

from __future__ import annotations

import difflib
import json
import re
from collections.abc import Iterator

from ruamel.yaml.error import YAMLError

from gitops.k8s import listkeys, workloads
from gitops.k8s.listkeys import Property
from gitops.k8s.manifests import load_documents
from gitops.review.diff.model import MISSING, Embedded, FieldChange, FieldPath, Keyed, Named, Segment

# Lists the OpenAPI gives no keys (custom resources, atomic lists): tried in order, the first field that
# every item on both sides has, unique per side, wins.
IDENTITY_FIELDS = ("name", "mountPath", "devicePath", "host", "path", "topologyKey", "key", "containerPort", "port")

_PLAIN_KEY = re.compile(r"^[A-Za-z_][A-Za-z0-9_-]*$")


def same_scalar(a: object, b: object) -> bool:
    """Equal as Kubernetes would read them: true is not 1, "1" is not 1, 1 is 1.0."""
    if isinstance(a, bool) or isinstance(b, bool):
        return isinstance(a, bool) and isinstance(b, bool) and a == b
    numbers = (int, float)
    if isinstance(a, numbers) and isinstance(b, numbers):
        return a == b
    return type(a) is type(b) and a == b


def equal(a: object, b: object) -> bool:
    return next(diff(a, b), None) is None


def identity_field(old: list, new: list) -> str | None:
    items = old + new
    if not items or not all(isinstance(item, dict) for item in items):
        return None
    for candidate in IDENTITY_FIELDS:
        ok = True
        for side in (old, new):
            values = [item.get(candidate, MISSING) for item in side]
            if any(v is MISSING or not isinstance(v, (str, int)) or isinstance(v, bool) for v in values):
                ok = False
                break
            if len(set(values)) != len(values):
                ok = False
                break
        if ok:
            return candidate
    return None


def _parse_embedded(text: str) -> dict | None:
    if "\n" not in text.strip():
        return None
    try:
        # YAML 1.1, as helm-controller and the apps reading these documents parse them.
        documents = load_documents(text)
    except YAMLError:
        return None
    if len(documents) == 1 and isinstance(documents[0], dict):
        return documents[0]
    return None


def objects(old: dict, new: dict) -> Iterator[FieldChange]:
    """Every difference between two versions of one Kubernetes object, lists matched as its schema keys them."""
    kind = listkeys.kind_type(new.get("apiVersion"), new.get("kind"))
    yield from diff(old, new, (), Property(kind, None) if kind else None)


def diff(old: object, new: object, path: FieldPath = (), shape: Property | None = None) -> Iterator[FieldChange]:
    """Every leaf-most difference between old and new; MISSING marks a side that lacks the field.

    shape, when known, is what the OpenAPI says the value is (gitops/k8s/listkeys.py)."""
    if isinstance(old, dict) and isinstance(new, dict):
        type_name = shape.type if shape is not None and shape.keys is None else None
        for key in sorted(set(old) | set(new), key=str):
            yield from diff(old.get(key, MISSING), new.get(key, MISSING), (*path, key), listkeys.field(type_name, key))
        return
    if isinstance(old, list) and isinstance(new, list):
        yield from _diff_lists(old, new, path, shape)
        return
    if isinstance(old, str) and isinstance(new, str):
        if old == new:
            return
        old_doc, new_doc = _parse_embedded(old), _parse_embedded(new)
        if old_doc is not None and new_doc is not None:
            yield from diff(old_doc, new_doc, (*path, Embedded()))
            return
        yield FieldChange(path, old, new)
        return
    if old is MISSING and new is MISSING:
        return
    if old is MISSING or new is MISSING or isinstance(old, (dict, list)) or isinstance(new, (dict, list)):
        yield FieldChange(path, old, new)
        return
    if not same_scalar(old, new):
        yield FieldChange(path, old, new)


def _by_keys(old: list, new: list, keys: tuple[str, ...]) -> tuple[dict, dict] | None:
    """Each side's items by their values of keys; None when an item lacks one or two share them."""
    sides = []
    for side in (old, new):
        found: dict[tuple[object, ...], dict] = {}
        for item in side:
            ident = listkeys.identity(item, keys) if isinstance(item, dict) else None
            if ident is None or ident in found:
                return None
            found[ident] = item
        sides.append(found)
    return sides[0], sides[1]


def _segment(keys: tuple[str, ...], ident: tuple[object, ...]) -> Segment:
    return Named(keys[0], ident[0]) if len(keys) == 1 else Keyed(keys, ident)


def _diff_lists(old: list, new: list, path: FieldPath, shape: Property | None = None) -> Iterator[FieldChange]:
    item_shape = Property(shape.type, None) if shape is not None else None
    matched = _by_keys(old, new, shape.keys) if shape is not None and shape.keys else None
    if matched is not None and shape is not None and shape.keys:
        old_items, new_items = matched
        for ident in list(old_items) + [k for k in new_items if k not in old_items]:
            yield from diff(
                old_items.get(ident, MISSING),
                new_items.get(ident, MISSING),
                (*path, _segment(shape.keys, ident)),
                item_shape,
            )
        return
    by = identity_field(old, new)
    if by is not None:
        by_name = {item[by]: item for item in old}
        new_by_name = {item[by]: item for item in new}
        for ident in list(by_name) + [k for k in new_by_name if k not in by_name]:
            yield from diff(
                by_name.get(ident, MISSING), new_by_name.get(ident, MISSING), (*path, Named(by, ident)), item_shape
            )
        return
    if all(isinstance(item, dict) for item in old + new):
        yield from _diff_by_content(old, new, path, item_shape)
        return
    if len(old) != len(new) or any(not _item_equal(a, b) for a, b in zip(old, new, strict=True)):
        yield FieldChange(path, old, new)


def _canonical(item: object) -> str:
    return json.dumps(item, sort_keys=True, default=str)


def _diff_by_content(old: list, new: list, path: FieldPath, item_shape: Property | None) -> Iterator[FieldChange]:
    """Items without a key, identified by what they hold: equal items pair up, wherever they sit, and the rest
    are insertions, removals, or (where one replaces another in place) changes. An item is shown at its index
    on the side that has it (the new side's, for a change)."""
    matcher = difflib.SequenceMatcher(a=[_canonical(i) for i in old], b=[_canonical(i) for i in new], autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        paired = min(i2 - i1, j2 - j1) if tag == "replace" else 0
        for offset in range(paired):
            yield from diff(old[i1 + offset], new[j1 + offset], (*path, j1 + offset), item_shape)
        for index in range(i1 + paired, i2):
            yield FieldChange((*path, index), old[index], MISSING)
        for index in range(j1 + paired, j2):
            yield FieldChange((*path, index), MISSING, new[index])


def leaves(change: FieldChange) -> Iterator[FieldChange]:
    """A mapping added or removed as a whole, spelled out one leaf at a time."""
    if isinstance(change.old, dict) and change.old and change.new is MISSING:
        for key in sorted(change.old, key=str):
            yield from leaves(FieldChange((*change.path, key), change.old[key], MISSING))
    elif isinstance(change.new, dict) and change.new and change.old is MISSING:
        for key in sorted(change.new, key=str):
            yield from leaves(FieldChange((*change.path, key), MISSING, change.new[key]))
    else:
        yield change


def _item_equal(a: object, b: object) -> bool:
    if isinstance(a, (dict, list)) or isinstance(b, (dict, list)):
        return equal(a, b)
    return same_scalar(a, b)


def _key_text(key: object, first: bool) -> str:
    text = str(key)
    if _PLAIN_KEY.match(text):
        return text if first else f".{text}"
    return f"['{text}']"


def container_path(kind: str, list_name: str, name: str) -> FieldPath:
    """Where a container sits in an object of this kind, e.g. spec.template.spec.containers[api]."""
    return (workloads.pod_spec_path(kind) or ()) + (list_name, Named("name", name))


def render_path(path: FieldPath) -> str:
    """spec.template.spec.containers[api].env[DATABASE_URL], metadata.labels['app.kubernetes.io/name']."""
    out: list[str] = []
    first = True
    for segment in path:
        if isinstance(segment, Embedded):
            out.append("::")
            first = True
            continue
        if isinstance(segment, Named):
            out.append(f"[{segment.value}]" if segment.field == "name" else f"[{segment.field}={segment.value}]")
        elif isinstance(segment, Keyed):
            out.append("[" + ",".join(f"{k}={v}" for k, v in zip(segment.fields, segment.values, strict=True)) + "]")
        elif isinstance(segment, int) and not isinstance(segment, bool):
            out.append(f"[{segment}]")
        else:
            out.append(_key_text(segment, first))
        first = False
    return "".join(out)


def get(obj: object, *path: str | int | Named | Keyed) -> object:
    """The value at a path of plain keys and Named segments, or MISSING."""
    node = obj
    for segment in path:
        if isinstance(segment, Named):
            if not isinstance(node, list):
                return MISSING
            matches = [item for item in node if isinstance(item, dict) and item.get(segment.field) == segment.value]
            node = matches[0] if matches else MISSING
        elif isinstance(segment, Keyed):
            if not isinstance(node, list):
                return MISSING
            matches = [
                item
                for item in node
                if isinstance(item, dict) and listkeys.identity(item, segment.fields) == segment.values
            ]
            node = matches[0] if matches else MISSING
        elif isinstance(segment, int) and isinstance(node, list):
            node = node[segment] if -len(node) <= segment < len(node) else MISSING
        elif isinstance(node, dict):
            node = node.get(segment, MISSING)
        else:
            return MISSING
        if node is MISSING:
            return MISSING
    return node
