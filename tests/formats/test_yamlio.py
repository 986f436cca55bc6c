"""The YAML writer: one style, quoting that Kubernetes' parsers (YAML 1.1) and 1.2 parsers read back alike."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap

from gitops.formats import yamlio
from gitops.k8s import manifests
from gitops.render.output import canonical

TRICKY = [
    "yes",
    "no",
    "on",
    "off",
    "y",
    "N",
    "true",
    "False",
    "null",
    "~",
    "  lead",
    "trail ",
    "a: b",
    "a #b",
    "a#b",
    "#x",
    "-",
    "- x",
    "-x",
    "--appendonly",
    "?",
    "?x",
    ":x",
    "x:",
    "a:b",
    "https://x:80/y",
    "0",
    "007",
    "089",
    "0o17",
    "0x1F",
    "0b101",
    "1_000",
    "1e3",
    "1E-3",
    ".5",
    "1.",
    "1.0",
    "-1",
    "+1",
    ".inf",
    ".nan",
    "12:30",
    "1:20:30",
    "2024-01-01",
    "2024-1-1 10:00:00",
    "<<",
    "=",
    "[a]",
    "{a}",
    "a,b",
    "*x",
    "&x",
    "!x",
    "|x",
    ">x",
    "'x",
    '"x',
    "%x",
    "@x",
    "`x",
    "it's",
    "tab\there",
    "ünïcode",
    "a  b",
    "6f303dbbaa",
    "7.4.2-alpine",
    "384mb",
    "10.42.0.0/16",
    "2400:cb00::/32",
    "::1",
    "v1",
    "1h30m",
    "${VAR}",
    "multi\nline\n",
    "multi\nline",
    "multi\n\n",
    "\nlead",
    " indented\nx\n",
    "a\n  b\n",
]


def _parsers() -> list[YAML]:
    parsers = []
    for version in ((1, 1), (1, 2)):
        parser = YAML(typ="safe", pure=True)
        parser.version = version
        parsers.append(parser)
    return parsers


@pytest.mark.parametrize("text", TRICKY, ids=repr)
def test_every_string_reads_back_as_itself_under_yaml_1_1_and_1_2(text: str):
    for doc in ({"k": text}, {"k": [text]}, {"k": {"n": text}}, {text.strip() or "x": 1}):
        out = yamlio.dumps(copy.deepcopy(doc))
        for parser in _parsers():
            assert parser.load(out) == doc, out


def test_a_number_with_a_leading_zero_is_quoted_by_the_writer_and_the_diff_alike():
    # "089" is no YAML 1.1 integer, but YAML 1.2 and go-yaml read it as a number; the writer wrote it plain.
    from gitops.review.diff import present

    for text in ("089", "-0900", "2024-01-01", "12:30"):
        assert yamlio.dumps({"k": text}) == f"k: '{text}'\n"
        assert present.inline(text) == f'"{text}"'
    assert yamlio.dumps({"k": "6f303dbbaa"}) == "k: 6f303dbbaa\n"
    assert present.inline("6f303dbbaa") == "6f303dbbaa"


def test_the_fast_writer_matches_ruamel_on_every_real_object(synthesized: Path):
    objects = manifests.load([synthesized])
    assert objects
    for resource in objects:
        obj = canonical(resource.obj)
        assert yamlio.dumps(obj) == yamlio.ruamel_dumps(copy.deepcopy(obj)), str(resource)


def test_layout():
    assert yamlio.dumps({"a": {"b": [1, {"c": "x", "d": []}], "e": {}}, "f": "line\nnext\n"}) == (
        "a:\n  b:\n    - 1\n    - c: x\n      d: []\n  e: {}\nf: |\n  line\n  next\n"
    )


def test_comments_are_kept_through_ruamel():
    commented = CommentedMap(a=1)
    commented.yaml_add_eol_comment("why", "a", column=0)
    assert yamlio.dumps(commented) == "a: 1 # why\n"
