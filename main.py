"""honeydue-gitops command line.

  python main.py synth [--env ENV ...]     config/<env>.yaml -> dist/<env>/
  python main.py validate [--env ENV ...]  kubeconform on dist/<env>/
  python main.py check ...                 integrity, policy and capacity rules (gitops/check/cli.py)
  python main.py diff ...                  risk-flagged review of a change (gitops/diff/cli.py)
  python main.py rehearse ...              a real control plane, Flux and drills (gitops/rehearse/cli.py)

Exit codes: 0 ok, 1 a check failed, 2 bad input or usage.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from pathlib import Path

PROJECT = Path(__file__).resolve().parent
# jsii prints a screen-long banner on every run under Node 20 without this.
os.environ.setdefault("JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION", "20")
# Compiling cdk8s-plus's 4 MB of generated bindings on every run (PYTHONDONTWRITEBYTECODE
# is set on some machines) costs more than the synth itself; keep the compiled files.
sys.dont_write_bytecode = False

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2

# Commands that live in their own module: each has configure(parser) and run(args) -> exit code.
MODULE_COMMANDS = {
    "check": ("gitops.check.cli", "check rendered manifests: integrity, security policy, capacity"),
    "diff": ("gitops.diff.cli", "summarize what a change does to the cluster, with risk flags"),
    "rehearse": ("gitops.rehearse.cli", "deliver the commit to a throwaway Kubernetes cluster and drill it"),
}


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="main.py", description="honeyDue manifests: config in, dist/ out.")
    commands = parser.add_subparsers(dest="command", required=True)

    synth = commands.add_parser("synth", help="synthesize config/<env>.yaml into dist/<env>/")
    synth.add_argument("--env", action="append", dest="envs", metavar="ENV",
                       help="only this environment (repeatable); default: every config/*.yaml")
    synth.add_argument("--config-dir", type=Path, default=PROJECT / "config", help=argparse.SUPPRESS)
    synth.add_argument("--out", type=Path, default=PROJECT / "dist", help="output directory (default: dist/)")

    validate = commands.add_parser("validate", help="validate dist/<env>/ with kubeconform")
    validate.add_argument("--env", action="append", dest="envs", metavar="ENV",
                          help="only this environment (repeatable); default: every config/*.yaml")
    validate.add_argument("--config-dir", type=Path, default=PROJECT / "config", help=argparse.SUPPRESS)
    validate.add_argument("--dist", type=Path, default=PROJECT / "dist", help="rendered manifests (default: dist/)")

    for name, (module, summary) in MODULE_COMMANDS.items():
        sub = commands.add_parser(name, help=summary, description=summary)
        importlib.import_module(module).configure(sub)
    return parser


def _config_error(err: Exception) -> int:
    print(str(err), file=sys.stderr)
    print(f"{len(err.problems)} problem(s) in config; nothing was written.", file=sys.stderr)
    return EXIT_USAGE


def cmd_synth(args: argparse.Namespace) -> int:
    from gitops.config import ConfigError
    from gitops.synth import mirror, synth

    try:
        result = synth(args.config_dir, args.out, args.envs)
    except ConfigError as err:
        return _config_error(err)
    # Under `cdk8s synth` the CLI lists (and may validate) the files in its own
    # output directory, which it empties first; dist/ stays ours to swap atomically.
    cli_outdir = os.environ.get("CDK8S_OUTDIR")
    if cli_outdir and Path(cli_outdir).resolve() != args.out.resolve():
        mirror(args.out, Path(cli_outdir))
    print(f"synthesized {', '.join(result.environments)}: {result.files} objects in {args.out}")
    return EXIT_OK


def cmd_validate(args: argparse.Namespace) -> int:
    from gitops import kubeconform
    from gitops.config import ConfigError
    from gitops.synth import CLUSTERS, load_environments

    try:
        environments = load_environments(args.config_dir, args.envs)
    except ConfigError as err:
        return _config_error(err)
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
    args = _parser().parse_args(argv)
    if args.command in MODULE_COMMANDS:
        return importlib.import_module(MODULE_COMMANDS[args.command][0]).run(args)
    handlers = {"synth": cmd_synth, "validate": cmd_validate}
    return handlers[args.command](args)


def _optimized_synth(argv: list[str]) -> None:
    """Run synth under -O: jsii's generated bindings type-check every argument of every
    call while __debug__ is on, a third of synth's time at a thousand objects."""
    if argv[:1] == ["synth"] and sys.flags.optimize == 0 and not os.environ.get("HONEYDUE_GITOPS_DEBUG"):
        os.execv(sys.executable, [sys.executable, "-O", *sys.argv])


if __name__ == "__main__":
    _optimized_synth(sys.argv[1:])
    sys.exit(main())
