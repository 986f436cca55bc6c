"""Random bytes and random YAML into the config loader and `main.py check`: a message or a result, never a crash.

Every input ends in one of two ways: the command's result (a loaded config;
check's verdict, 0 or 1) or exit 2 with a message. Any other exception fails
the example with its traceback. Nothing may be written: dist/ and the checked
files are compared before and after. Each example has a deadline, which an
alias bomb or a parser that backtracks would miss.
"""

from __future__ import annotations

import contextlib
import io
import shutil
from datetime import timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import main
from gitops.config import ConfigError, load
from gitops.errors import EXIT_BAD_INPUT
from tests.config.runs import snapshot
from tests.conftest import CONFIG, PROJECT

FUZZ = settings(
    max_examples=60,
    deadline=timedelta(seconds=2),
    database=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow],
)

# Fragments that steer the parser into its corners: tags, anchors, aliases, merge keys,
# directives, document markers, flow collections, block scalars, tabs, odd characters.
TRICKS = [
    "!!python/object/apply:os.system ['true']",
    "!!binary aGk=",
    "!local",
    "&a",
    "*a",
    "<<: *a",
    "%YAML 1.1",
    "---",
    "...",
    "? ",
    "[",
    "]",
    "{",
    "}",
    "|",
    ">-",
    "\t",
    "'",
    '"',
    "#",
    ": ",
    "- ",
    "\x00",
    "\ufeff",
    "\u2028",
    "0x1F",
    "1e9",
    "yes",
    "~",
    "null",
    "true",
    "-1",
    "3.0",
    "2Gi",
    "250m",
    "@sha256:",
]
PROD_LINES = (CONFIG / "prod.yaml").read_text().splitlines(keepends=True)


@st.composite
def mutated_prod(draw) -> bytes:
    """config/prod.yaml with a few lines replaced, fragments inserted, or lines dropped."""
    lines = list(PROD_LINES)
    for _ in range(draw(st.integers(1, 4))):
        at = draw(st.integers(0, len(lines) - 1))
        action = draw(st.sampled_from(["insert", "replace", "drop", "indent"]))
        piece = draw(st.sampled_from(TRICKS)) + draw(st.text(max_size=8))
        if action == "insert":
            column = draw(st.integers(0, len(lines[at])))
            lines[at] = lines[at][:column] + piece + lines[at][column:]
        elif action == "replace":
            lines[at] = piece + "\n"
        elif action == "drop":
            del lines[at]
        else:
            lines[at] = " " * draw(st.integers(1, 5)) + lines[at]
    return "".join(lines).encode("utf-8", errors="surrogatepass")


def _yaml_values():
    scalars = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), st.text(max_size=20))
    return st.recursive(
        scalars,
        lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=10), inner, max_size=4)),
        max_leaves=20,
    )


@st.composite
def random_yaml(draw) -> bytes:
    from ruamel.yaml import YAML

    stream = io.StringIO()
    YAML(typ="safe", pure=True).dump(draw(_yaml_values()), stream)
    return stream.getvalue().encode()


INPUTS = st.one_of(st.binary(max_size=400), random_yaml(), mutated_prod())


@pytest.fixture(scope="module")
def workspace(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("fuzz")
    shutil.copytree(CONFIG, root / "config")
    (root / "manifests").mkdir()
    return root


@FUZZ
@given(data=INPUTS)
def test_the_loader_reports_or_loads(workspace: Path, data: bytes):
    (workspace / "config" / "prod.yaml").write_bytes(data)
    before = snapshot(PROJECT / "dist")
    try:
        loaded = load("prod", workspace / "config")
    except ConfigError as err:
        assert err.exit_code == EXIT_BAD_INPUT
        assert err.problems and all(p.fix for p in err.problems)
    else:
        assert loaded.name == "prod"
    assert snapshot(PROJECT / "dist") == before


@FUZZ
@given(data=INPUTS)
def test_check_reports_or_judges(workspace: Path, data: bytes):
    manifests = workspace / "manifests"
    (manifests / "object.yaml").write_bytes(data)
    before, dist_before = snapshot(manifests), snapshot(PROJECT / "dist")
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main.main(["check", str(manifests)])
    assert code in (0, 1, EXIT_BAD_INPUT), err.getvalue()
    assert "Traceback" not in err.getvalue() + out.getvalue()
    if code == EXIT_BAD_INPUT:
        assert err.getvalue().startswith("check: ")
    assert snapshot(manifests) == before
    assert snapshot(PROJECT / "dist") == dist_before


SOPS_LINES = (PROJECT / "tests" / "render" / "test_secrets.py").read_text().split('SOPS_SHAPED = """\\\n')[1]
SOPS_LINES = SOPS_LINES.split('"""')[0].splitlines(keepends=True)


@st.composite
def mutated_secret(draw) -> bytes:
    """A SOPS-shaped Secret manifest with a few lines replaced, fragments inserted, or lines dropped."""
    lines = list(SOPS_LINES)
    for _ in range(draw(st.integers(1, 4))):
        at = draw(st.integers(0, len(lines) - 1))
        piece = draw(st.sampled_from([*TRICKS, "[a]", "{}", "- x", "name: [x]", "metadata: []", "\xe9"]))
        piece += draw(st.text(max_size=8))
        action = draw(st.sampled_from(["insert", "replace", "drop"]))
        if action == "insert":
            lines[at] = lines[at][: len(lines[at]) // 2] + piece + lines[at][len(lines[at]) // 2 :]
        elif action == "replace":
            lines[at] = lines[at][: len(lines[at]) - len(lines[at].lstrip())] + piece + "\n"
        else:
            del lines[at]
    return "".join(lines).encode("utf-8", errors="surrogatepass")


@pytest.fixture(scope="module")
def environments(workspace: Path):
    from gitops.config import load_environments

    return load_environments(CONFIG)


@FUZZ
@given(data=st.one_of(INPUTS, mutated_secret()), name=st.sampled_from(["database.yaml", "x.yml", "notes.txt"]))
def test_the_secrets_directory_reports_or_loads(workspace: Path, environments, data: bytes, name: str):
    """What the loader promises for config, the secrets directory keeps: every file a problem with a fix, or read."""
    from gitops.render.synth import jobs_for

    directory = workspace / "config" / "secrets" / "prod"
    shutil.rmtree(directory.parent, ignore_errors=True)
    directory.mkdir(parents=True)
    (directory / name).write_bytes(data)
    try:
        jobs = jobs_for(workspace / "config", environments)
    except ConfigError as err:
        assert err.exit_code == EXIT_BAD_INPUT
        assert err.problems and all(p.fix for p in err.problems)
    else:
        assert [job.loaded.name for job in jobs] == ["prod", "staging"]
    shutil.rmtree(directory.parent)
