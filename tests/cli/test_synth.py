"""`main.py synth`: the same bytes whichever way it runs (once, or on every save under --watch)."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

from gitops.cli.watch import WAITING
from gitops.k8s import manifests
from tests import sandbox
from tests.conftest import PROJECT
from tests.dist_copies import tree

ADMIN_TWO = "  admin:\n    replicas: 2\n"
ADMIN_THREE = "  admin:\n    replicas: 3\n"


def test_synth_and_watch_write_the_same_bytes(tmp_path: Path):
    work = sandbox.project(tmp_path)
    prod = work / "config" / "prod.yaml"
    original = prod.read_text()
    assert ADMIN_TWO in original
    watching = sandbox.watch(work)
    first = watching.until(WAITING, 60)[1]
    prod.write_text(original.replace(ADMIN_TWO, ADMIN_THREE))
    changed = watching.until(WAITING, 60)[1]
    by_watch = tree(work / "dist")
    prod.write_text(original.replace(ADMIN_TWO, "  admin:\n    replicas: many\n"))
    watching.until(WAITING, 60)
    running = sandbox.descendants(watching)
    code, stderr = watching.interrupt()

    assert f"no changes ({len(manifests.load([work / 'dist']))} objects compared)" in first
    assert "changed: config/prod.yaml\n" in changed
    assert "  [prod] Deployment honeydue/admin: replicas 2 → 3\n" in changed
    assert "      spec.replicas: 2 → 3\n" in changed
    assert code == 130
    assert stderr == (
        'config/prod.yaml:44: services.admin.replicas: got "many", expected a whole number such as 3.\n'
        "  fix: write replicas as a whole number such as 3 (Number of pods).\n"
        "1 problem(s) in config; nothing was written.\n"
        "synth: interrupted; dist/ is as it was or fully new\n"
    )
    assert tree(work / "dist") == by_watch, "a config error must leave dist/ as it was"
    assert len(running) >= 1  # its Node.js process
    assert [pid for pid in running if _alive(pid)] == []

    prod.write_text(original.replace(ADMIN_TWO, ADMIN_THREE))
    done = sandbox.synth(work, "--out", str(tmp_path / "dist"))
    assert done.returncode == 0, done.stderr
    assert tree(tmp_path / "dist") == by_watch
    assert by_watch != tree(PROJECT / "dist")


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def _node_that_leaves_a_mark(tmp_path: Path) -> tuple[dict[str, str], Path]:
    """JSII_NODE that writes its process id (the Node.js it becomes) into the mark."""
    mark = tmp_path / "jsii-started"
    node = tmp_path / "node"
    node.write_text(f'#!/bin/sh\necho $$ > "{mark}"\nexec node "$@"\n')
    node.chmod(node.stat().st_mode | stat.S_IEXEC)
    return {**os.environ, "JSII_NODE": str(node), "JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION": "20"}, mark


# The command line in-process, saying whether cdk8s (its load into Node.js is most of a synth's cost) was loaded.
LOADED_CDK8S = (
    "import sys\n"
    "from gitops.cli.app import main\n"
    "from gitops.render import runtime\n"
    "code = main(sys.argv[1:])\n"
    "print(code, 'cdk8s' in sys.modules)\n"
    "runtime.stop()\n"
)


def _loaded_cdk8s(work: Path, env: dict[str, str], arguments: list[str]) -> str:
    """The last line LOADED_CDK8S prints for `main.py <arguments>` run in work (its stderr if it printed none)."""
    probe = subprocess.run(
        [sys.executable, "-c", LOADED_CDK8S, *arguments],
        cwd=work,
        env={**env, "PYTHONPATH": str(PROJECT)},
        capture_output=True,
        text=True,
    )
    return (probe.stdout.splitlines() or [probe.stderr])[-1]


def test_a_config_error_is_reported_before_cdk8s_loads_and_leaves_no_node_behind(tmp_path: Path, config_copy: Path):
    env, mark = _node_that_leaves_a_mark(tmp_path)
    arguments = ["synth", "--config-dir", "config", "--out", "dist"]
    prod = config_copy / "prod.yaml"
    prod.write_text(prod.read_text().replace("replicas: 3", "replicas: -1"))
    done = subprocess.run(
        [sys.executable, str(PROJECT / "main.py"), *arguments], cwd=tmp_path, env=env, capture_output=True, text=True
    )
    assert done.returncode == 2
    assert done.stderr.endswith("1 problem(s) in config; nothing was written.\n")
    # Node.js was started to boot while the config loaded; refused, the config leaves it running nowhere.
    assert not _alive(int(mark.read_text()))
    assert _loaded_cdk8s(tmp_path, env, arguments) == "2 False"
    prod.write_text(prod.read_text().replace("replicas: -1", "replicas: 3"))
    assert _loaded_cdk8s(tmp_path, env, arguments) == "0 True"


def test_watch_starts_again_when_its_own_code_changes(tmp_path: Path):
    work = sandbox.project(tmp_path)
    watching = sandbox.watch(work)
    watching.until(WAITING, 60)
    code = work / "gitops" / "formats" / "yamlio.py"
    code.write_text(code.read_text() + "\n")
    again = watching.until(WAITING, 60)[1]
    exit_code, stderr = watching.interrupt()
    assert again.startswith(
        "gitops/formats/yamlio.py changed: starting again with the new code\nsynthesizing and comparing with HEAD\n"
    )
    assert (exit_code, stderr) == (130, "synth: interrupted; dist/ is as it was or fully new\n")
