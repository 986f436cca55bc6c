"""Dispatch: the parser of every command, and the one place errors become messages and exit codes.

  python main.py synth [--env ENV ...]     config/<env>.yaml -> dist/<env>/ (gitops/cli/synth.py; --watch)
  python main.py validate [--env ENV ...]  kubeconform on dist/<env>/ (gitops/cli/validate.py)
  python main.py check ...                 integrity, policy and capacity rules (gitops/cli/check.py)
  python main.py diff ...                  risk-flagged review of a change (gitops/cli/diff.py)
  python main.py rehearse ...              a real control plane, Flux and drills (gitops/cli/rehearse.py)
  python main.py comment ...               the review as one pull-request comment (gitops/cli/comment.py)
  python main.py set-image SERVICE REF --env ENV   an environment runs a new build (gitops/cli/set_image.py)
  python main.py promote --from ENV --to ENV       the builds one runs, to another, with parity (gitops/cli/promote.py)
  python main.py adopt --live PATH ...     the cutover plan from hand-written manifests (gitops/cli/adopt.py)

Exit codes (gitops/errors.py): 0 ok, 1 a check failed, 2 bad input or usage, 130 interrupted.
"""

from __future__ import annotations

import argparse
import errno
import importlib
import os
import signal
import sys
from pathlib import Path

from gitops.cli.interrupts import SIGINT_FLAG, quiet_interrupts
from gitops.errors import EXIT_INTERRUPTED, EnvironmentProblem, GitopsError

# Each command's module has configure(parser) and run(args) -> exit code.
COMMANDS = {
    "synth": ("gitops.cli.synth", "synthesize config/<env>.yaml into dist/<env>/"),
    "validate": ("gitops.cli.validate", "validate dist/<env>/ with kubeconform"),
    "check": ("gitops.cli.check", "check rendered manifests: integrity, security policy, capacity"),
    "diff": ("gitops.cli.diff", "summarize what a change does to the cluster, with risk flags"),
    "rehearse": ("gitops.cli.rehearse", "deliver the commit to a throwaway Kubernetes cluster and drill it"),
    "comment": ("gitops.cli.comment", "post the review on the pull request, or edit the one posted before"),
    "set-image": ("gitops.cli.set_image", "an environment runs a new build of a service (the app's CI calls this)"),
    "promote": ("gitops.cli.promote", "give an environment the builds another one runs, and prove parity"),
    "adopt": ("gitops.cli.adopt", "plan the takeover of a running cluster from its hand-written manifests or export"),
}
# What each command leaves alone when it stops on an error ("nothing was <this>").
UNTOUCHED = {
    "synth": "written",
    "validate": "validated",
    "check": "checked",
    "diff": "compared",
    "rehearse": "rehearsed",
    "comment": "posted",
    "set-image": "changed",
    "promote": "changed",
    "adopt": "planned",
}
# What each command can promise after a Ctrl-C, after "<command>: interrupted".
AFTER_INTERRUPT = {
    "synth": "; dist/ is as it was or fully new",  # one atomic swap, gitops/render/output.py
    "rehearse": "; everything it started was stopped",  # gitops/rehearse/session.py
    # The config edit is undone unless the synth after it finished (gitops/ship/change.py).
    "set-image": "; config/ and dist/ are as they were, or both hold the whole change",
    "promote": "; config/ and dist/ are as they were, or both hold the whole change",
}


def _parser(argv: list[str]) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="main.py", description="honeyDue manifests: config in, dist/ out.")
    commands = parser.add_subparsers(dest="command", required=True)
    # Only the command being run imports its module: synth should not pay for loading diff's rules.
    chosen = next((arg for arg in argv if not arg.startswith("-")), None)
    for name, (module, summary) in COMMANDS.items():
        sub = commands.add_parser(name, help=summary, description=summary)
        if name == chosen:
            importlib.import_module(module).configure(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    command = argv[:1] or ["main.py"]
    try:
        SIGINT_FLAG.arm()
        _working_directory()
        # Inside the try: building the parser imports the command's modules, and a
        # Ctrl-C during imports or jsii's start-up is as much an interruption as one later.
        args = _parser(argv).parse_args(argv)
        command = [args.command]
        code: int = importlib.import_module(COMMANDS[args.command][0]).run(args)
        return code
    except OSError as err:
        if SIGINT_FLAG.received:
            return _interrupted(command[0])
        # What the machine refused (a full disk, a directory gone or read-only): one sentence, never a traceback.
        problem = machine_problem(err)
        print(problem.report(command[0], UNTOUCHED.get(command[0], "done")), file=sys.stderr)
        return problem.exit_code
    except GitopsError as err:
        if SIGINT_FLAG.received:  # what a Ctrl-C broke (jsii's pipe, a child process) says no more than that
            return _interrupted(command[0])
        # The one place errors become messages: every command only raises.
        print(err.report(command[0], UNTOUCHED.get(command[0], "done")), file=sys.stderr)
        return err.exit_code
    except KeyboardInterrupt:
        return _interrupted(command[0])
    except BaseException:
        # Ctrl-C reaches jsii's Node.js process too; the call in flight then fails with
        # whatever error the broken pipe gives (an extension module's may not even be an
        # Exception). After a SIGINT that is the interruption.
        if SIGINT_FLAG.received:
            return _interrupted(command[0])
        raise


def _working_directory() -> None:
    try:
        Path.cwd()
    except FileNotFoundError:
        raise EnvironmentProblem(
            "the working directory no longer exists (it was deleted or moved away)",
            "cd to a directory that exists and run the command again",
        ) from None


def machine_problem(err: OSError) -> EnvironmentProblem:
    """An OSError as the one sentence naming what the machine refused, and the fix."""
    where = f" {err.filename}" if err.filename else ""
    if err.errno == errno.ENOSPC:
        return EnvironmentProblem(f"no space left on the device of{where or ' a file it writes'}", "free some space")
    if err.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return EnvironmentProblem(
            f"cannot write or read{where}: {err.strerror}",
            "run it where that directory can be written, or fix its permissions",
        )
    if isinstance(err, FileNotFoundError) and not err.filename:
        try:
            Path.cwd()
        except FileNotFoundError:
            return EnvironmentProblem(
                "the working directory was deleted while the command ran",
                "cd to a directory that exists and run the command again",
            )
    return EnvironmentProblem(
        f"{err.strerror or err}{':' + where if where else ''}", "check that path, then run it again"
    )


def _interrupted(command: str) -> int:
    print(f"{command}: interrupted{AFTER_INTERRUPT.get(command, '')}", file=sys.stderr)
    return EXIT_INTERRUPTED


def run_and_exit() -> None:
    """main.py's last step: run the command, then leave without a traceback whatever Ctrl-C does."""
    sys.unraisablehook = quiet_interrupts(sys.unraisablehook)
    code = main()
    # The command has finished or stopped: a Ctrl-C or SIGTERM now must not turn into a traceback at shutdown.
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, signal.SIG_IGN)
    if SIGINT_FLAG.received:
        # An interrupted command says one line, on stderr. What else waits in stdout's buffer (Node.js's log of
        # a call cut short, relayed there by jsii) is not the command's output: it goes nowhere.
        silent = os.open(os.devnull, os.O_WRONLY)
        os.dup2(silent, 1)
        os.close(silent)
    sys.stdout.flush()
    sys.stderr.flush()
    runtime = sys.modules.get("gitops.render.runtime")
    if runtime is not None:
        # jsii's own exit hook would talk to a Node.js process a Ctrl-C may have ended, print a traceback after
        # our one line and leave its temporary directories; stop() does the same work without failing, also when
        # the interrupt came while jsii was starting.
        runtime.stop(quiet=SIGINT_FLAG.received)
    if SIGINT_FLAG.received:
        os._exit(code)  # skip interpreter shutdown: nothing of the interrupted run is left to finish
    sys.exit(code)
