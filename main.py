"""honeydue-gitops command line: `python main.py <command> ...`; the commands are in gitops/cli/.

  synth     config/<env>.yaml -> dist/<env>/ (--watch: on every save, reviewed against HEAD)
  validate  kubeconform on dist/<env>/
  check     the review gate on rendered YAML
  diff      what a change does to the cluster, with risk flags
  rehearse  deliver the commit to a throwaway Kubernetes cluster and drill it

Exit codes (gitops/errors.py): 0 ok, 1 a check failed, 2 bad input or usage, 130 interrupted.
"""

from __future__ import annotations

import signal
import sys

if __name__ == "__main__":
    # A Ctrl-C or SIGTERM waits, blocked, until the handler is in place; the mask and a pending signal
    # survive optimize()'s exec, so one sent while synth starts again under -O is not lost either. SIGTERM
    # (a cancelled CI job, `kill`) stops every command as Ctrl-C does: one line, exit 130, cleanup run.
    signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT, signal.SIGTERM})
    if sys.argv[1:2] == ["synth"]:
        from gitops.cli.flags import optimize

        optimize()  # before the imports below, which the new process would do again
    from gitops.cli.interrupts import SIGINT_FLAG

    signal.signal(signal.SIGINT, SIGINT_FLAG)
    signal.signal(signal.SIGTERM, SIGINT_FLAG)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT, signal.SIGTERM})

# Imported after the handler: a Ctrl-C or SIGTERM from here on is remembered, not a traceback.
import os

from gitops.cli.app import main, run_and_exit

__all__ = ["main"]

# jsii prints a screen-long banner on every run under Node 20 without this.
os.environ.setdefault("JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION", "20")
# Compiling cdk8s-plus's 4 MB of generated bindings on every run (PYTHONDONTWRITEBYTECODE
# is set on some machines) costs more than the synth itself; keep the compiled files.
sys.dont_write_bytecode = False

if __name__ == "__main__":
    run_and_exit()
