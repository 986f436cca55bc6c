"""honeydue-gitops command line.

  python main.py synth [--env ENV ...]     config/<env>.yaml -> dist/<env>/ (gitops/render/cli.py; --watch)
  python main.py validate [--env ENV ...]  kubeconform on dist/<env>/
  python main.py check ...                 integrity, policy and capacity rules (gitops/review/check/cli.py)
  python main.py diff ...                  risk-flagged review of a change (gitops/review/diff/cli.py)
  python main.py rehearse ...              a real control plane, Flux and drills (gitops/rehearse/cli.py)

Exit codes (gitops/errors.py): 0 ok, 1 a check failed, 2 bad input or usage, 130 interrupted.
"""

from __future__ import annotations

import os
import signal
import sys


class _SigintFlag:
    """Remembers that Ctrl-C was pressed. Once main() has armed it, raises KeyboardInterrupt as Python's own
    handler does; before that (main.py's imports) it only remembers, and main() stops as soon as it starts:
    a KeyboardInterrupt in the middle of an import would reach the user as a traceback."""

    received = False
    armed = False

    def __call__(self, signum, frame) -> None:
        type(self).received = True
        if type(self).armed:
            raise KeyboardInterrupt

    def arm(self) -> None:
        type(self).armed = True
        if type(self).received:
            raise KeyboardInterrupt


_SIGINT = _SigintFlag()

if __name__ == "__main__":
    # A Ctrl-C waits, blocked, until the handler is in place; the mask and a pending signal survive
    # optimize()'s exec, so one pressed while synth starts again under -O is not lost either.
    signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    if sys.argv[1:2] == ["synth"]:
        from gitops.render.flags import optimize

        optimize()  # before the imports below, which the new process would do again
    signal.signal(signal.SIGINT, _SIGINT)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})

import argparse  # noqa: E402
import importlib  # noqa: E402
from pathlib import Path  # noqa: E402

from gitops.errors import EXIT_FAILED, EXIT_INTERRUPTED, EXIT_OK, GitopsError  # noqa: E402
from gitops.layout import CLUSTERS, CONFIG_DIR, DIST_DIR  # noqa: E402

# jsii prints a screen-long banner on every run under Node 20 without this.
os.environ.setdefault("JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION", "20")
# Compiling cdk8s-plus's 4 MB of generated bindings on every run (PYTHONDONTWRITEBYTECODE
# is set on some machines) costs more than the synth itself; keep the compiled files.
sys.dont_write_bytecode = False

# Commands that live in their own module: each has configure(parser) and run(args) -> exit code.
MODULE_COMMANDS = {
    "synth": ("gitops.render.cli", "synthesize config/<env>.yaml into dist/<env>/"),
    "check": ("gitops.review.check.cli", "check rendered manifests: integrity, security policy, capacity"),
    "diff": ("gitops.review.diff.cli", "summarize what a change does to the cluster, with risk flags"),
    "rehearse": ("gitops.rehearse.cli", "deliver the commit to a throwaway Kubernetes cluster and drill it"),
}


def _parser(argv: list[str]) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="main.py", description="honeyDue manifests: config in, dist/ out.")
    commands = parser.add_subparsers(dest="command", required=True)

    # Only the command being run imports its module: synth should not pay for loading diff's rules.
    chosen = next((arg for arg in argv if not arg.startswith("-")), None)
    for name, (module, summary) in MODULE_COMMANDS.items():
        sub = commands.add_parser(name, help=summary, description=summary)
        if name == chosen:
            importlib.import_module(module).configure(sub)

    validate = commands.add_parser("validate", help="validate dist/<env>/ with kubeconform")
    validate.add_argument(
        "--env",
        action="append",
        dest="envs",
        metavar="ENV",
        help="only this environment (repeatable); default: every config/*.yaml",
    )
    validate.add_argument("--config-dir", type=Path, default=CONFIG_DIR, help=argparse.SUPPRESS)
    validate.add_argument("--dist", type=Path, default=DIST_DIR, help="rendered manifests (default: dist/)")
    return parser


# What each command leaves alone when it stops on an error ("nothing was <this>").
UNTOUCHED = {
    "synth": "written",
    "validate": "validated",
    "check": "checked",
    "diff": "compared",
    "rehearse": "rehearsed",
}
# What each command can promise after a Ctrl-C, after "<command>: interrupted".
AFTER_INTERRUPT = {
    "synth": "; dist/ is as it was or fully new",  # one atomic swap, gitops/render/output.py
    "rehearse": "; everything it started was stopped",
}  # gitops/rehearse/session.py


def cmd_validate(args: argparse.Namespace) -> int:
    from gitops.config import load_environments
    from gitops.review import kubeconform

    environments = load_environments(args.config_dir, args.envs)
    failed = False
    for env in environments:
        targets = [args.dist / env.name, args.dist / CLUSTERS / env.name]
        missing = [t for t in targets if not t.is_dir()]
        if missing:
            print(f"{missing[0]}: not synthesized; run `make synth`", file=sys.stderr)
            failed = True
            continue
        result = kubeconform.validate(targets, env.config.cluster.kubernetes_patch_version)
        print(f"{env.name}: {result.output}", file=sys.stdout if result.ok else sys.stderr)
        failed = failed or not result.ok
    return EXIT_FAILED if failed else EXIT_OK


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    command = argv[:1] or ["main.py"]
    try:
        _SIGINT.arm()
        # Inside the try: building the parser imports the check and diff modules, and a
        # Ctrl-C during imports or jsii's start-up is as much an interruption as one later.
        args = _parser(argv).parse_args(argv)
        command = [args.command]
        if args.command in MODULE_COMMANDS:
            return importlib.import_module(MODULE_COMMANDS[args.command][0]).run(args)
        return cmd_validate(args)
    except GitopsError as err:
        # The one place errors become messages: every command only raises.
        print(err.report(command[0], UNTOUCHED.get(command[0], "done")), file=sys.stderr)
        return err.exit_code
    except KeyboardInterrupt:
        return _interrupted(command[0])
    except Exception:
        # Ctrl-C reaches jsii's Node.js process too; the call in flight then fails with
        # whatever error the broken pipe gives. After a SIGINT that is the interruption.
        if _SIGINT.received:
            return _interrupted(command[0])
        raise


def _interrupted(command: str) -> int:
    print(f"{command}: interrupted{AFTER_INTERRUPT.get(command, '')}", file=sys.stderr)
    return EXIT_INTERRUPTED


def _quiet_interrupts(hook):
    """A Ctrl-C that lands in a callback Python cannot raise from (a weakref or import-lock callback)
    is already remembered by _SIGINT; printing it as an "Exception ignored" traceback says nothing."""

    def unraisable(info) -> None:
        if not (info.exc_type and issubclass(info.exc_type, KeyboardInterrupt)):
            hook(info)

    return unraisable


if __name__ == "__main__":
    sys.unraisablehook = _quiet_interrupts(sys.unraisablehook)
    code = main()
    # The command has finished or stopped: a Ctrl-C now must not turn into a traceback at shutdown.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if _SIGINT.received:
        # Skip interpreter shutdown: jsii's exit hook would talk to its Node.js process,
        # which the same Ctrl-C ended, and print a traceback after our one line.
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)
    sys.exit(code)
