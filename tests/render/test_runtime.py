"""jsii's Node.js runtime (gitops/render/runtime.py): out of the terminal's reach, ended with us."""

from __future__ import annotations

import os
import select
import subprocess
import sys

from tests.conftest import PROJECT

STARTED = (
    "import os, sys, time; from gitops.render import runtime; runtime.start(); "
    "print(os.getpgrp(), flush=True); time.sleep(60)"
)


def test_node_runs_in_a_process_group_of_its_own(tmp_path):
    # A Ctrl-C at the terminal goes to the foreground process group: only Python may get it, and stop Node.js
    # with its output silenced; a Node.js killed by it too prints its broken jsii channel to our stderr.
    run = subprocess.Popen(
        [sys.executable, "-c", STARTED],
        cwd=PROJECT,
        env={**os.environ, "TMPDIR": str(tmp_path)},  # Python killed outright leaves its jsii files behind
        stdout=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    try:
        assert run.stdout is not None
        ours = int(run.stdout.readline())
        children = subprocess.run(["pgrep", "-P", str(run.pid)], capture_output=True, text=True).stdout.split()
        groups = {os.getpgid(int(pid)) for pid in children}
    finally:
        run.kill()
        run.wait()
    assert children, "no Node.js process started"
    assert ours not in groups
    # jsii's runtime exits when its stdin (our pipe) closes: nothing outlives a Python killed outright.
    for pid in children:
        for _ in range(100):
            if subprocess.run(["kill", "-0", pid], capture_output=True).returncode != 0:
                break
            subprocess.run(["sleep", "0.05"])
        else:
            raise AssertionError(f"Node.js {pid} outlived the Python that started it")


# spawn() and start() in a process whose Node.js cannot boot until the gate file exists; then the first call.
GATED = (
    "import sys, tempfile; from gitops.render import runtime; runtime.spawn(); runtime.start(); "
    "print('started', flush=True); import cdk8s; cdk8s.App(outdir=tempfile.mkdtemp()); print('called', flush=True); "
    "runtime.stop()"
)


def test_python_imports_cdk8s_while_node_boots(tmp_path):
    # Node.js boots and loads cdk8s on another core while Python imports it and loads the config: neither
    # start() nor the imports wait for it, only the first call that needs it.
    gate = tmp_path / "gate"
    node = tmp_path / "node"
    node.write_text(f'#!/bin/sh\nwhile [ ! -e "{gate}" ]; do sleep 0.05; done\nexec node "$@"\n')
    node.chmod(0o755)
    env = {
        **os.environ,
        "JSII_NODE": str(node),
        "JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION": "20",
        "TMPDIR": str(tmp_path),  # what a failed run leaves
    }
    run = subprocess.Popen(
        [sys.executable, "-c", GATED], cwd=PROJECT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    try:
        assert run.stdout is not None
        ready, _, _ = select.select([run.stdout], [], [], 120)
        assert ready, "start() waited for a Node.js that had not booted"
        assert run.stdout.readline() == "started\n"
        assert run.poll() is None
        gate.touch()
        out, err = run.communicate(timeout=120)
    finally:
        gate.touch()  # a wrapper still waiting becomes Node.js, which ends once the killed Python's pipe closes
        run.kill()
        run.wait()
    assert (run.returncode, out) == (0, "called\n"), err
