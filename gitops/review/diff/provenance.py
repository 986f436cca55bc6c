"""Where each change came from: the config line (or the charts/ code) behind every changed field, by rendering.

The config of the base revision and of the working tree are compared file by
file into edits: each key set, changed or deleted (a list is one value), and
each `remove:` entry together with the deletions it stands for, with the line
that says it (the working tree's, or the base's for a deletion). Each edit is
then applied alone to the base config and rendered (gitops/render/pieces.py:
in this process's warm jsii runtime, re-running only the constructs that read
what the edit changed). An edit is a source of every field its render changes
against the base config's render; several edits behind one field are all named.

An edit that does not load alone (a new secret and the service that reads it)
is judged by leaving it out of the whole change instead; edits that load
neither way are applied together and named together. What no config edit
explains comes from code: the base config rendered by today's charts/ already
differs from dist/ at the base, or the field changes only with the code; the
charts/ modules changed since the base are named (or charts/ when none is).
"""

from __future__ import annotations

import subprocess
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path

from gitops.config import ConfigError, LoadedEnvironment
from gitops.config.errors import Path as KeyPath
from gitops.config.errors import dotted
from gitops.config.loader import BASE_FILE, REMOVE_KEY, Layer, parse_layer_fast, removal_path, validate
from gitops.config.reading import read_text
from gitops.render import pieces
from gitops.review.diff import fields
from gitops.review.diff.gitref import extract
from gitops.review.diff.model import MISSING, Embedded, FieldPath, ObjectDiff, Report, Source, Status
from gitops.review.findings import ObjectKey

CODE = "charts/"
NO_CONFIG_NOTE = "sources: --from/--to compare manifests without their config, so no field names its config line"


@dataclass(frozen=True)
class Edit:
    """One change to one config file: a key set, changed or deleted, or an entry removed by remove:."""

    file: str
    path: KeyPath
    line: int
    old: object
    new: object
    covers: tuple[KeyPath, ...] = ()  # for a remove: entry, the file's own deletions it stands for

    @property
    def source(self) -> Source:
        if self.removal and len(self.path) == 2:
            return Source(self.file, self.line, f"{REMOVE_KEY}: {self.path[1]}")
        return Source(self.file, self.line, dotted(self.path))

    @property
    def removal(self) -> bool:
        return self.path[:1] == (REMOVE_KEY,)


def _absent(value: object) -> bool:
    return value is MISSING


def _line(layer: Layer | None, path: KeyPath, first_item: int | None = None) -> int:
    if layer is None:
        return 0
    if first_item is not None and (*path, first_item) in layer.where:
        return layer.where[(*path, first_item)][1]
    for end in range(len(path), 0, -1):
        if path[:end] in layer.where:
            return layer.where[path[:end]][1]
    return 1


def _first_difference(old: object, new: object) -> int | None:
    if isinstance(old, list) and isinstance(new, list):
        for index in range(max(len(old), len(new))):
            if index >= len(old) or index >= len(new) or old[index] != new[index]:
                return index if index < len(new) else None
    return None


def _tree_edits(
    file: str, old: object, new: object, path: KeyPath, before: Layer | None, after: Layer | None
) -> Iterator[Edit]:
    if isinstance(old, dict) and isinstance(new, dict):
        for key in list(old) + [k for k in new if k not in old]:
            yield from _tree_edits(file, old.get(key, MISSING), new.get(key, MISSING), (*path, key), before, after)
        return
    if type(old) is type(new) and old == new:
        return
    line = _line(before, path) if _absent(new) else _line(after, path, _first_difference(old, new))
    yield Edit(file, path, line, old, new)


def file_edits(file: str, before: Layer | None, after: Layer | None) -> list[Edit]:
    """The edits that turn one config file at the base into the working tree's; removals with what they cover."""
    old = before.tree if before is not None else {}
    new = after.tree if after is not None else {}
    edits: list[Edit] = []
    for edit in _tree_edits(file, old, new, (), before, after):
        if edit.path == (REMOVE_KEY,) and (isinstance(edit.old, dict) or isinstance(edit.new, dict)):
            # remove: appearing or going as a whole is still one edit per entry.
            entries_old = edit.old if isinstance(edit.old, dict) else {}
            entries_new = edit.new if isinstance(edit.new, dict) else {}
            edits += _tree_edits(file, entries_old, entries_new, (REMOVE_KEY,), before, after)
        else:
            edits.append(edit)
    removals = [e for e in edits if e.removal and len(e.path) == 2 and not _absent(e.new)]
    plain = [e for e in edits if not (e.removal and len(e.path) == 2 and not _absent(e.new))]
    grouped: list[Edit] = []
    for removal in removals:
        target = removal_path(str(removal.path[1]))
        covered = tuple(e.path for e in plain if e.path[: len(target)] == target)
        plain = [e for e in plain if e.path not in covered]
        grouped.append(replace(removal, covers=covered))
    return sorted([*plain, *grouped], key=lambda e: (e.file, e.line, dotted(e.path)))


def _set(tree: dict, path: KeyPath, value: object) -> dict:
    """A copy of tree with value at path (MISSING deletes), copying only the mappings on the way."""
    out = dict(tree)
    node = out
    for part in path[:-1]:
        child = node.get(part)
        child = dict(child) if isinstance(child, dict) else {}
        node[part] = child
        node = child
    if _absent(value):
        node.pop(path[-1], None)
    else:
        node[path[-1]] = value
    return out


def apply(layer: Layer, edits: list[Edit]) -> Layer:
    """layer with edits made to it (a removal also makes the deletions it covers)."""
    tree: dict = layer.tree
    for edit in edits:
        tree = _set(tree, edit.path, edit.new)
        for covered in edit.covers:
            tree = _set(tree, covered, MISSING)
    if not tree.get(REMOVE_KEY, True):
        tree = _set(tree, (REMOVE_KEY,), MISSING)
    return Layer(layer.shown, tree, layer.where)


@dataclass
class EnvironmentEdits:
    """One environment's layers at the base and in the working tree, and the edits between them."""

    name: str
    source: Path
    base: list[Layer]
    edits: list[Edit]

    def layers_with(self, chosen: list[Edit]) -> list[Layer]:
        return [apply(layer, [e for e in chosen if e.file == layer.shown]) for layer in self.base]

    def load(self, chosen: list[Edit]) -> LoadedEnvironment | None:
        try:
            config = validate(self.name, self.layers_with(chosen), str(self.source))
        except ConfigError:
            return None
        return LoadedEnvironment(self.name, self.source, config)


def _objects(rendition: pieces.Rendition, scope: str) -> dict[ObjectKey, dict]:
    found = {}
    for objects in rendition.directories.values():
        for obj in objects:
            meta = obj.get("metadata") or {}
            key = ObjectKey(obj["kind"], meta.get("namespace") or "", meta["name"], obj["apiVersion"], scope)
            found[key] = obj
    return found


def _at(obj: dict | None, path: FieldPath) -> object:
    if obj is None:
        return MISSING
    plain: list = []
    for segment in path:
        if isinstance(segment, Embedded):
            break  # a document inside a string: the string itself changes with it
        plain.append(segment)
    return fields.get(obj, *plain)


def _differs(a: dict | None, b: dict | None, path: FieldPath) -> bool:
    return not fields.equal(_at(a, path), _at(b, path))


@dataclass
class Effect:
    """What applying some edits does to one environment's render: changed objects, by key, before and after."""

    sources: tuple[Source, ...]
    changed: dict[ObjectKey, tuple[dict | None, dict | None]]


def _effect(base: dict[ObjectKey, dict], after: dict[ObjectKey, dict], sources: tuple[Source, ...]) -> Effect:
    changed = {}
    for key in set(base) | set(after):
        a, b = base.get(key), after.get(key)
        if a is b:
            continue
        if a is None or b is None or not fields.equal(a, b):
            changed[key] = (a, b)
    return Effect(sources, changed)


class Attribution:
    """Renders a change edit by edit and names, for each field of a report, the edits (or the code) behind it."""

    def __init__(self, code_sources: tuple[Source, ...]) -> None:
        self.code = code_sources or (Source(CODE),)
        self.effects: dict[str, list[Effect]] = {}
        self.rendered: dict[str, dict[ObjectKey, dict]] = {}  # the base config, rendered by today's code
        self.renders = 0
        self.pieces_run = 0

    def environment(self, env: EnvironmentEdits) -> None:
        base_loaded = env.load([])
        if base_loaded is None:
            return
        base_render = pieces.render(base_loaded)
        self.renders += 1
        self.pieces_run += len(base_render.rendered)
        base = _objects(base_render, env.name)
        self.rendered[env.name] = base
        effects, stuck = [], []
        for edit in env.edits:
            loaded = env.load([edit])
            if loaded is None:
                stuck.append(edit)
                continue
            effects.append(self._render(env.name, base_render, base, loaded, (edit.source,)))
        if stuck:
            effects += self._stuck(env, base_render, base, stuck)
        self.effects[env.name] = [e for e in effects if e.changed]

    def _render(
        self,
        scope: str,
        previous: pieces.Rendition,
        base: dict[ObjectKey, dict],
        loaded: LoadedEnvironment,
        sources: tuple[Source, ...],
    ) -> Effect:
        rendition = pieces.render(loaded, previous)
        self.renders += 1
        self.pieces_run += len(rendition.rendered)
        return _effect(base, _objects(rendition, scope), sources)

    def _stuck(
        self, env: EnvironmentEdits, base_render: pieces.Rendition, base: dict[ObjectKey, dict], stuck: list[Edit]
    ) -> list[Effect]:
        """Edits that do not load alone: each by leaving it out of the whole change, else all of them together."""
        whole = env.load(env.edits)
        effects: list[Effect] = []
        together = []
        if whole is not None:
            head_render = pieces.render(whole, base_render)
            head = _objects(head_render, env.name)
            for edit in stuck:
                without = env.load([e for e in env.edits if e is not edit])
                if without is None:
                    together.append(edit)
                    continue
                rendition = pieces.render(without, head_render)
                self.renders += 1
                # What leaving the edit out undoes is what it does: its effect, seen from the base's side.
                left_out = _effect(head, _objects(rendition, env.name), (edit.source,))
                effects.append(Effect(left_out.sources, {k: (base.get(k), head.get(k)) for k in left_out.changed}))
        else:
            together = stuck
        if together:
            loaded = env.load(together)
            if loaded is not None:
                effects.append(self._render(env.name, base_render, base, loaded, tuple(e.source for e in together)))
        return effects

    def sources(self, key: ObjectKey, path: FieldPath | None, old: object, new: object) -> tuple[Source, ...]:
        """The sources of one reported change: a field (path), or a whole object added or removed (None)."""
        found: list[Source] = []
        for effect in self.effects.get(key.scope, []):
            if key not in effect.changed:
                continue
            before, after = effect.changed[key]
            if path is None or _differs(before, after, path):
                found += [s for s in effect.sources if s not in found]
        rendered = self.rendered.get(key.scope)
        if rendered is not None:
            if path is None:
                by_code = (key in rendered) != (old is not MISSING)
            else:
                by_code = not fields.equal(_at(rendered.get(key), path), old)
            if by_code or not found:
                found += [s for s in self.code if s not in found]
        elif not found:
            found += list(self.code)
        return tuple(found)

    def attach(self, report: Report) -> None:
        """Every changed field and every added or removed object of report, with its sources."""
        for index, diff in enumerate(report.diffs):
            if diff.key.scope in self.rendered:
                report.diffs[index] = self._attach(diff)

    def _attach(self, diff: ObjectDiff) -> ObjectDiff:
        if diff.status is Status.CHANGED:
            changes = tuple(
                replace(c, sources=self.sources(diff.key, c.path, _at(diff.old, c.path), c.new)) for c in diff.changes
            )
            return replace(diff, changes=changes)
        if diff.status is Status.ADDED:
            return replace(diff, sources=self.sources(diff.key, None, MISSING, diff.new))
        if diff.status is Status.REMOVED:
            return replace(diff, sources=self.sources(diff.key, None, diff.old, MISSING))
        return diff


def code_changes(repo: Path, commit: str) -> tuple[Source, ...]:
    """The charts/ modules that differ between commit and the working tree."""
    try:
        done = subprocess.run(
            ["git", "-C", str(repo), "diff", "--name-only", commit, "--", CODE],
            capture_output=True,
            text=True,
            check=True,
        )
    except (OSError, subprocess.CalledProcessError):
        return ()
    return tuple(Source(name) for name in sorted(done.stdout.split()) if name.endswith(".py"))


def _layer(directory: Path, shown: str, name: str, parsed: dict[tuple[str, str], Layer]) -> Layer | None:
    """A config file as a layer (None when absent); a file unchanged between the two sides is parsed once."""
    path = directory / name
    if not path.is_file():
        return None
    text = read_text(path, shown)
    if (shown, text) not in parsed:
        parsed[(shown, text)] = parse_layer_fast(shown, text)
    return parsed[(shown, text)]


def environments(
    base_dir: Path, head_dir: Path, shown_dir: str, names: list[str]
) -> tuple[list[EnvironmentEdits], list[str]]:
    """Each named environment's edits between two config directories; notes for those that cannot be compared."""
    found, notes = [], []
    parsed: dict[tuple[str, str], Layer] = {}
    base_shown = f"{shown_dir}/{BASE_FILE}"
    try:
        base_before = _layer(base_dir, base_shown, BASE_FILE, parsed)
        base_after = _layer(head_dir, base_shown, BASE_FILE, parsed)
    except ConfigError:
        return [], [f"sources: {base_shown} does not parse at the base; fields name no config line"]
    base_edits = file_edits(base_shown, base_before, base_after)
    for name in names:
        shown = f"{shown_dir}/{name}.yaml"
        try:
            before = _layer(base_dir, shown, f"{name}.yaml", parsed)
            after = _layer(head_dir, shown, f"{name}.yaml", parsed)
        except ConfigError:
            notes.append(f"sources: {shown} does not parse at the base; its fields name no config line")
            continue
        if base_before is None or base_after is None:
            notes.append(f"sources: {base_shown} is new or gone: every object comes from it")
            break
        if before is None or after is None:
            what = "is new" if before is None else "is gone"
            notes.append(f"sources: {shown} {what}: every object of {name} comes from it")
            continue
        edits = [*base_edits, *file_edits(shown, before, after)]
        found.append(EnvironmentEdits(name, head_dir / f"{name}.yaml", [base_before, before], edits))
    return found, notes


def attribute(report: Report, repo: Path, commit: str, config_dir: Path, names: list[str]) -> Attribution | None:
    """Name the sources of report's changes: config edits between commit and the working tree, or code."""
    try:
        relative = config_dir.resolve().relative_to(repo.resolve()).as_posix()
    except ValueError:
        report.notes.append(f"sources: {config_dir} is outside the repository; fields name no config line")
        return None
    with tempfile.TemporaryDirectory(prefix="honeydue-provenance-") as tmp:
        extract(repo, commit, [relative], Path(tmp))
        envs, notes = environments(Path(tmp) / relative, config_dir, relative, names)
    report.notes += notes
    attribution = Attribution(code_changes(repo, commit))
    for env in envs:
        attribution.environment(env)
    attribution.attach(report)
    return attribution
