"""Manifests a pull request could hold, into `main.py check` and `main.py diff`: a verdict or a message, never a crash.

The review gate reads whatever dist/ holds in a pull request, so the fuzz starts from the real rendered
objects and breaks them the way hand edits, bad merges and hostile changes do: any value replaced by a
value of another type (at any depth, inside the JSON and YAML the objects embed too: the declarations
ConfigMap, Traefik's valuesContent), keys removed, keys every reader looks up added where they are
missing (the vocabulary is harvested from the readers' own string literals, so a field a rule starts
reading is fuzzed from then on), kinds swapped for other workload kinds, whole documents replaced by
random YAML. Every run ends in one of three ways: 0 or 1 with a report, or 2 with a message that names
the command; any other exception fails the example with its traceback, and each example has a deadline.
"""

from __future__ import annotations

import ast
import contextlib
import copy
import io
import json
import shutil
from datetime import timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

import main
from gitops.errors import EXIT_BAD_INPUT
from gitops.formats.yamlio import dumps
from gitops.k8s.manifests import files_under, load_documents
from tests.conftest import PROJECT

# No shrinking: a failing example is reported as found, with its traceback, instead of after minutes of shrinking
# whole trees of manifests.
FUZZ = settings(
    max_examples=40,
    deadline=timedelta(seconds=10),
    database=None,
    derandomize=True,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.function_scoped_fixture],
)

READERS = [PROJECT / "gitops" / "k8s", PROJECT / "gitops" / "review"]
KINDS = ["Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job", "CronJob", "Pod", "Service", "Ingress",
         "PodDisruptionBudget", "ConfigMap", "Secret", "NetworkPolicy", "PersistentVolumeClaim", "Namespace",
         "HelmChartConfig", "Kustomization", "GitRepository", "Application", "AppProject", "List"]  # fmt: skip


def _vocabulary() -> list[str]:
    """Every string literal of the readers that could be a field name (camelCase, dotted label keys, ...)."""
    words: set[str] = set()
    for root in READERS:
        for path in root.rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text())):
                if isinstance(node, ast.Constant) and isinstance(node.value, str):
                    text = node.value
                    if 0 < len(text) <= 60 and " " not in text and text.isprintable():
                        words.add(text)
    return sorted(words)


VOCABULARY = _vocabulary()
SPECIAL_TEXT = ["", "yes", "no", "on", "1", "-1", "0", "10%", "150%", "-5%", "2Gi", "250m", "1e9", "null", "~",
                "*", "/", "RollingUpdate", "Recreate", "Always", "local-path", "TCP", "{", "[[[", "a: [", "x" * 300,
                "ENC[AES256_GCM,data:YQ==,iv:YQ==,tag:YQ==,type:str]", '{"nodes": 5}', "nodes: [1, {name: 2}]",
                "\t", "\x00", "é", "kube-system", "honeydue"]  # fmt: skip


def _values(depth: int = 2) -> st.SearchStrategy:
    scalars = st.one_of(
        st.none(),
        st.booleans(),
        st.integers(-(2**70), 2**70),
        st.floats(allow_nan=True, allow_infinity=True),
        st.sampled_from(SPECIAL_TEXT),
        st.sampled_from(VOCABULARY),
        st.text(max_size=12),
    )
    return st.recursive(
        scalars,
        lambda inner: st.one_of(
            st.lists(inner, max_size=3), st.dictionaries(st.sampled_from(VOCABULARY), inner, max_size=3)
        ),
        max_leaves=8,
    )


def _paths(node: object, here: tuple = ()) -> list[tuple]:
    """Every path into node: mapping keys and list indexes, containers and leaves alike."""
    found = [here]
    if isinstance(node, dict):
        for key, value in node.items():
            found += _paths(value, (*here, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            found += _paths(value, (*here, index))
    return found


def _embedded(text: str) -> tuple[object, str] | None:
    """A mapping written as JSON or YAML inside a string (cluster.json, valuesContent), and which it was."""
    try:
        value = json.loads(text)
        return (value, "json") if isinstance(value, dict) else None
    except ValueError:
        pass
    try:
        documents = load_documents(text)
    except ValueError:
        return None
    return (documents[0], "yaml") if len(documents) == 1 and isinstance(documents[0], dict) else None


def _mutate(data, obj: dict) -> object:
    """One change to obj, in place where it can be; returns the (possibly replaced) document."""
    paths = _paths(obj)
    path = data.draw(st.sampled_from(paths))
    parent, target = None, obj
    for part in path:
        parent, target = target, target[part]
    action = data.draw(st.sampled_from(["replace", "replace", "delete", "add", "add", "kind", "embedded"]))
    if action == "kind" and isinstance(obj, dict):
        obj["kind"] = data.draw(st.sampled_from(KINDS))
    elif action == "embedded" and isinstance(target, str) and (inner := _embedded(target)) is not None:
        value, form = inner
        _mutate(data, value)
        text = json.dumps(value) if form == "json" else dumps(value)
        if parent is None:
            return text
        parent[path[-1]] = text
    elif action == "add" and isinstance(target, dict):
        target[data.draw(st.sampled_from(VOCABULARY))] = data.draw(_values())
    elif action == "delete" and parent is not None:
        del parent[path[-1]]
    elif parent is None:
        return data.draw(_values())
    else:
        parent[path[-1]] = data.draw(_values())
    return obj


class Original:
    """A copy of dist/prod and every file's documents: the base every example breaks."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.documents = {path: load_documents(path.read_text()) for path in files_under([root])}

    def __repr__(self) -> str:
        return f"Original({self.root})"


@pytest.fixture(scope="module")
def original(synthesized: Path, tmp_path_factory) -> Original:
    root = tmp_path_factory.mktemp("fuzz-manifests") / "before"
    shutil.copytree(synthesized / "prod", root)
    return Original(root)


def _run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main.main(list(argv))
    return code, out.getvalue(), err.getvalue()


def _write(documents: dict[Path, list], before: Path, after: Path) -> None:
    shutil.rmtree(after, ignore_errors=True)
    for path, docs in documents.items():
        target = after / path.relative_to(before)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text("---\n".join(doc if isinstance(doc, str) else dumps(doc) for doc in docs))


def _judged(argv: list[str]) -> None:
    code, out, err = _run(*argv)
    assert code in (0, 1, EXIT_BAD_INPUT), err
    assert "Traceback" not in out + err
    if code == EXIT_BAD_INPUT:
        assert err.startswith(f"{argv[0]}: ") and out == "", err


@FUZZ
@given(data=st.data())
def test_check_and_diff_judge_or_refuse_broken_objects(original, data):
    before, broken = original.root, copy.deepcopy(original.documents)
    files = sorted(broken)
    for _ in range(data.draw(st.integers(1, 4))):
        path = data.draw(st.sampled_from(files))
        index = data.draw(st.integers(0, len(broken[path]) - 1))
        broken[path][index] = _mutate(data, broken[path][index])
    after = before.parent / "after"
    _write(broken, before, after)
    _judged(["check", str(after)])
    _judged(
        [
            "diff",
            "--from",
            str(before),
            "--to",
            str(after),
            "--format",
            data.draw(st.sampled_from(["text", "md", "json"])),
        ]
    )


@FUZZ
@given(data=st.data())
def test_whole_documents_of_any_type_are_judged_or_refused(original, data):
    before, broken = original.root, copy.deepcopy(original.documents)
    path = data.draw(st.sampled_from(sorted(broken)))
    identity = {
        "apiVersion": data.draw(st.one_of(st.sampled_from(["v1", "apps/v1", "a/b/c", ""]), _values())),
        "kind": data.draw(st.one_of(st.sampled_from(KINDS), _values())),
        "metadata": data.draw(
            st.one_of(
                _values(),
                st.fixed_dictionaries(
                    {"name": st.one_of(st.just("x"), _values())},
                    optional={"namespace": _values(), "labels": _values(), "annotations": _values()},
                ),
            )
        ),
    }
    document = {**identity, **data.draw(st.dictionaries(st.sampled_from(VOCABULARY), _values(), max_size=4))}
    broken[path] = [*broken[path], data.draw(st.one_of(st.just(document), _values()))]
    after = before.parent / "after-whole"
    _write(broken, before, after)
    _judged(["check", str(after)])
    _judged(["diff", "--from", str(before), "--to", str(after)])
