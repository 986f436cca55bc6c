"""Property: for a random config change, every changed field names a source, and each config source named,
applied alone to the base config and synthesized whole (not construct by construct), changes that field."""

from __future__ import annotations

import shutil
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from charts.stack import synthesize
from gitops.config import load_environments
from gitops.config.loader import parse_layer
from gitops.review.diff import fields, provenance
from gitops.review.diff.model import MISSING, Embedded, Status
from gitops.review.findings import ObjectKey
from tests.builds import pinned_config
from tests.review.diff.provenance_kit import change

# Config edits that are valid alone and together, touching different lines: (file, old text, new texts).
CATALOGUE = [
    ("prod.yaml", "    replicas: 3\n", ["    replicas: 2\n", "    replicas: 5\n"]),
    ("base.yaml", "    startupSeconds: 120\n", ["    startupSeconds: 60\n", "    startupSeconds: 300\n"]),
    ("base.yaml", '  SMTP_PORT: "587"\n', ['  SMTP_PORT: "2525"\n']),
    ("prod.yaml", "    resources: {cpu: 200m, memory: 256Mi", ["    resources: {cpu: 300m, memory: 256Mi"]),
    ("staging.yaml", "  api: 6f303dbbaa\n", ["  api: 7a8b9c0d1e\n"]),
    ("prod.yaml", "    hosts: [admin.myhoneydue.com]\n", ["    hosts: [admin.myhoneydue.com, panel.myhoneydue.com]\n"]),
    (
        "staging.yaml",
        "  resources: {cpu: 50m, memory: 64Mi, memoryLimit: 128Mi}\n\nsettings:",
        ["  resources: {cpu: 75m, memory: 64Mi, memoryLimit: 128Mi}\n\nsettings:"],
    ),
    (
        "base.yaml",
        "    writablePaths: [/tmp, /app/.next/cache]\n",
        ["    writablePaths: [/tmp, /app/.next/cache, /var/cache]\n"],
    ),
    ("base.yaml", "      paths: {/app/.next/cache: 1Gi}\n", ["      paths: {/app/.next/cache: 2Gi}\n"]),
    ("prod.yaml", "  B2_BUCKET: honeyDueProd\n", ["  B2_BUCKET: honeyDueProd2\n"]),
]

edits = st.lists(
    st.tuples(st.integers(0, len(CATALOGUE) - 1), st.integers(0, 1)), min_size=1, max_size=3, unique_by=lambda e: e[0]
)


def _apply(config: Path, chosen: list[tuple[int, int]]) -> None:
    for index, variant in chosen:
        file, old, new = CATALOGUE[index]
        path = config / file
        path.write_text(path.read_text().replace(old, new[variant % len(new)], 1))


def _rendered(config: Path) -> dict[ObjectKey, dict]:
    """Every object of a whole synth (one App, no construct reused), by its key."""
    found = {}
    for env, directories in synthesize(load_environments(config)).items():
        for objects in directories.values():
            for obj in objects:
                meta = obj["metadata"]
                found[ObjectKey(obj["kind"], meta.get("namespace") or "", meta["name"], obj["apiVersion"], env)] = obj
    return found


def _at(obj: dict | None, path) -> object:
    """The value at path; inside a string's embedded document, the string itself (it changes with it)."""
    if obj is None:
        return MISSING
    cut = next((i for i, s in enumerate(path) if isinstance(s, Embedded)), len(path))
    return fields.get(obj, *path[:cut])


def _source_of(tmp_path: Path, one: tuple[int, int]) -> str:
    """The source the diff names for one catalogue edit (each keeps the file's line count, so lines agree)."""
    file = CATALOGUE[one[0]][0]
    scratch = tmp_path / f"scratch-{one[0]}" / "config"
    shutil.copytree(tmp_path / "base" / "config", scratch)
    _apply(scratch, [one])
    shown = f"config/{file}"
    before = parse_layer(shown, (tmp_path / "base" / "config" / file).read_text())
    after = parse_layer(shown, (scratch / file).read_text())
    (edit,) = provenance.file_edits(shown, before, after)
    return str(edit.source)


@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(chosen=edits)
def test_every_changed_field_names_a_source_that_alone_reproduces_its_change(tmp_path_factory, chosen):
    tmp_path = tmp_path_factory.mktemp("provenance")
    result, _, _ = change(tmp_path, lambda config: _apply(config, chosen))
    edit_of = {_source_of(tmp_path, one): one for one in chosen}
    base = _rendered(tmp_path / "base" / "config")
    alone: dict[str, dict[ObjectKey, dict]] = {}
    for d in result.changed_diffs:
        items = (
            [(c.path, c.sources, c.new) for c in d.changes]
            if d.status is Status.CHANGED
            else [(None, d.sources, d.new)]
        )
        for path, found, _ in items:
            assert found, f"{d.key} {path}: no source"
            assert all(s.line for s in found), f"{d.key} {path}: {found} names code, yet no code changed"
            for source in map(str, found):
                if source not in alone:
                    config = tmp_path / f"alone-{len(alone)}" / "config"
                    shutil.copytree(tmp_path / "base" / "config", config)
                    _apply(config, [edit_of[source]])
                    alone[source] = _rendered(config)
                after = alone[source]
                if path is None:
                    assert (d.key in after) != (d.key in base), f"{source} alone does not add or remove {d.key}"
                    continue
                assert not fields.equal(_at(base.get(d.key), path), _at(after.get(d.key), path)), (
                    f"{source} alone does not change {d.key} {path}"
                )
                if len(chosen) == 1:  # one edit: alone, it is the whole change
                    assert fields.equal(_at(after.get(d.key), path), _at(d.new, path))


def test_the_catalogue_is_the_projects_config():
    for file, old, _ in CATALOGUE:
        assert old in (pinned_config() / file).read_text(), (file, old)
