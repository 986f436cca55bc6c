"""jsii's Node.js runtime (gitops/render/runtime.py): out of the terminal's reach, ended with us."""

from __future__ import annotations

import os
import subprocess
import sys

from tests.conftest import PROJECT

STARTED = (
    "import os, sys, time; from gitops.render import runtime; runtime.start(); "
    "print(os.getpgrp(), flush=True); time.sleep(60)"
)


def test_node_runs_in_a_process_group_of_its_own():
    # A Ctrl-C at the terminal goes to the foreground process group: only Python may get it, and stop Node.js
    # with its output silenced; a Node.js killed by it too prints its broken jsii channel to our stderr.
    run = subprocess.Popen(
        [sys.executable, "-c", STARTED], cwd=PROJECT, stdout=subprocess.PIPE, text=True, start_new_session=True
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
