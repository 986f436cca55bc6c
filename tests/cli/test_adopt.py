"""`main.py adopt`: the plan on stdout, its exit code, bad input as one message with file and line, nothing written."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from gitops.cli.app import main
from tests.conftest import PROJECT
from tests.dist_copies import tree

FIXTURE = PROJECT / "tests" / "fixtures" / "live"


def run(capsys, *args: str) -> tuple[int, str, str]:
    code = main(["adopt", *args])
    out, err = capsys.readouterr()
    return code, out, err


def test_the_fixture_is_not_safe_as_the_project_stands(capsys):
    code, out, err = run(capsys, "--live", str(FIXTURE / "manifests"))
    assert (code, err) == (1, "")
    assert "NOT SAFE: 8 blocking item(s); the config lines below take them away" in out


@pytest.mark.parametrize("form", ["text", "md", "json"])
def test_every_format_of_an_export(capsys, form):
    code, out, _ = run(capsys, "--live", str(FIXTURE / "export.yaml"), "--format", form)
    assert code == 1
    if form == "json":
        assert json.loads(out)["blocking"] == 8


def test_a_live_set_identical_to_ours_exits_0(capsys, synthesized, tmp_path):
    live = tmp_path / "live"
    subprocess.run(["cp", "-R", str(synthesized / "prod"), str(live)], check=True)
    (live / "INVENTORY.md").unlink()
    code, out, _ = run(capsys, "--live", str(live), "--dist", str(synthesized))
    assert code == 0 and out.splitlines()[1].startswith("safe: no blocking item")


_CONFIGMAP = "- apiVersion: v1\n  kind: ConfigMap\n  metadata: {{name: c{i}, namespace: honeydue}}\n"
_ONE = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n  namespace: honeydue\n"


@pytest.mark.parametrize(
    ("text", "tail"),
    [
        ("a: [1\n", ":2: not valid YAML: did not find expected ',' or ']'"),
        ("- 1\n", ":1: document 1 is a list, not a Kubernetes object (apiVersion, kind, metadata.name)"),
        (
            "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: coredns\n  namespace: kube-system\n",
            ":1: ConfigMap kube-system/coredns is in namespace kube-system",
        ),
        (_ONE + "---\n" + _ONE, ":7: ConfigMap honeydue/a is also at "),
        (
            "apiVersion: v1\nkind: List\nitems:\n" + "".join(_CONFIGMAP.format(i=i) for i in range(10_000)),
            " objects: adopt plans one ",
        ),
    ],
    ids=["not-yaml", "not-kubernetes", "another-namespace", "duplicate", "ten-thousand"],
)
def test_bad_input_is_one_message_exit_2_and_nothing_written(capsys, tmp_path, text, tail):
    path = tmp_path / "live.yaml"
    path.write_text(text)
    before = tree(tmp_path)
    code, out, err = run(capsys, "--live", str(path))
    assert (code, out) == (2, "")
    assert err.startswith(f"adopt: {path}:") and tail in err and err.count("\n") == 1, err
    assert tree(tmp_path) == before


def test_a_secret_with_values_is_named_and_its_values_go_nowhere(capsys, tmp_path):
    secret = FIXTURE / "variations" / "secret-with-values" / "secret.yaml"
    before = tree(secret.parent)
    code, out, err = run(capsys, "--live", str(secret))
    assert (code, out) == (2, "")
    assert "Secret honeydue/honeydue-secrets holds values" in err and "PLACEHOLDER" not in err
    assert tree(secret.parent) == before


def test_an_environment_argo_cd_delivers_is_refused(capsys):
    code, _, err = run(capsys, "--live", str(FIXTURE / "manifests"), "--env", "staging")
    assert code == 2 and "adopt plans Flux's takeover" in err


def test_ctrl_c_exits_130_with_one_line(tmp_path: Path):
    press_then_start = (
        "import os, signal, sys; signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT}); "
        "os.kill(os.getpid(), signal.SIGINT); os.execv(sys.executable, [sys.executable, *sys.argv[1:]])"
    )
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            press_then_start,
            str(PROJECT / "main.py"),
            "adopt",
            "--live",
            str(FIXTURE / "export.yaml"),
        ],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert (done.returncode, done.stdout, done.stderr) == (130, "", "adopt: interrupted\n")
    assert list(tmp_path.iterdir()) == []
