"""Config edited in place: one value, one line; every comment, blank line, order and quote of the real files kept."""

from __future__ import annotations

import pytest
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap

from gitops.ship.edit import EditError, edit_text
from tests.conftest import CONFIG


def _scalars(node: object, path: tuple[str, ...] = ()) -> list[tuple[tuple[str, ...], object]]:
    """Every scalar held by a mapping key of a round-trip tree (list items are not edited in place)."""
    found: list[tuple[tuple[str, ...], object]] = []
    if isinstance(node, CommentedMap):
        for key, value in node.items():
            if isinstance(value, (dict, list)):
                found += _scalars(value, (*path, str(key)))
            else:
                found.append(((*path, str(key)), value))
    return found


REAL = sorted(CONFIG.glob("*.yaml"))


@pytest.mark.parametrize("path", REAL, ids=[p.name for p in REAL])
def test_each_value_of_the_real_config_files_changes_one_line_and_nothing_else(path):
    text = path.read_text()
    scalars = _scalars(YAML(typ="rt").load(text))
    assert len(scalars) > 10
    for key, value in scalars:
        new = "0a1b2c3d4e" if str(value) != "0a1b2c3d4e" else "1a2b3c4d5e"
        edit = edit_text(text, {key: new}, path.name)
        before, after = text.splitlines(), edit.after.splitlines()
        assert len(after) == len(before), key
        changed = [n for n, (a, b) in enumerate(zip(before, after, strict=True), 1) if a != b]
        assert changed == list(edit.lines) and len(changed) == 1, key
        assert YAML(typ="safe").load(edit.after) == _with(YAML(typ="safe").load(text), key, new)


def _with(data: dict, key: tuple[str, ...], value: str) -> dict:
    node = data
    for part in key[:-1]:
        node = node[part]
    node[key[-1]] = value
    return data


def test_comments_quotes_and_alignment_beside_the_value_stay():
    text = 'images:\n  api: "6f303dbbaa"     # built from the release branch\n  admin: 6f303dbbaa\n'
    edit = edit_text(text, {("images", "api"): "1a2b3c4d5e", ("images", "admin"): "1234567"}, "x.yaml")
    assert edit.after == "images:\n  api: \"1a2b3c4d5e\"     # built from the release branch\n  admin: '1234567'\n"
    assert edit.lines == (2, 3)


def test_a_file_the_round_trip_would_reformat_is_edited_where_the_value_is():
    # ruamel respaces this flow mapping and the double space after a key; the value is replaced in place instead.
    text = "cluster:\n  nodes:\n    - { name: a,  cpu: '2' }\nimages:\n  api:   6f303dbbaa   # pinned\n"
    edit = edit_text(text, {("images", "api"): "1a2b3c4d5e"}, "x.yaml")
    assert edit.after == text.replace("6f303dbbaa", "1a2b3c4d5e")


def test_a_value_set_as_it_is_changes_nothing():
    text = "images:\n  api: 6f303dbbaa\n"
    assert not edit_text(text, {("images", "api"): "6f303dbbaa"}, "x.yaml").changed


@pytest.mark.parametrize(
    "key, message",
    [
        (("images", "apii"), "x.yaml: has no images.apii"),
        (("images",), "x.yaml: images is not a single value"),
    ],
)
def test_a_key_that_is_not_one_value_of_the_file_is_refused(key, message):
    with pytest.raises(EditError) as caught:
        edit_text("images:\n  api: 6f303dbbaa\n", {key: "1"}, "x.yaml")
    assert str(caught.value) == message
