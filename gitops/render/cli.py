"""`main.py synth`: config/<env>.yaml -> dist/<env>/, every environment in its own worker process.

  python main.py synth [--env ENV ...] [--out DIR]   once
  python main.py synth --watch                      on every change, with a review of it against HEAD
  python main.py synth --serial                     all environments in this process (debugging charts/)

This module imports nothing heavy: where workers are spawned (not forked)
they start first, and their start-up overlaps loading config here.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from gitops.errors import EXIT_OK
from gitops.layout import CONFIG_DIR, DIST_DIR
from gitops.render.pool import WorkerPool


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--env",
        action="append",
        dest="envs",
        metavar="ENV",
        help="only this environment (repeatable); default: every config/*.yaml",
    )
    parser.add_argument("--config-dir", type=Path, default=CONFIG_DIR, help=argparse.SUPPRESS)
    parser.add_argument("--out", type=Path, default=DIST_DIR, help="output directory (default: dist/)")
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument(
        "--watch",
        action="store_true",
        help="keep running: synthesize again on every change under config/ or charts/ and print "
        "what the change does against HEAD (Ctrl-C stops)",
    )
    mode.add_argument(
        "--serial",
        action="store_true",
        help="every environment in this one process and jsii runtime (slower; for a debugger)",
    )


def _expected_environments(args: argparse.Namespace) -> int:
    """How many workers to start before config is read: a guess (config/*.yaml but the base), corrected later."""
    if args.envs:
        return len(set(args.envs))
    return sum(1 for p in args.config_dir.glob("*.yaml") if p.name != "base.yaml")


def run(args: argparse.Namespace) -> int:
    if args.watch:
        from gitops.watch.loop import watch

        with WorkerPool(_expected_environments(args)) as pool:
            changed = watch(args.config_dir, args.out, args.envs, pool)
        # The workers are gone (the pool is closed); this process is replaced by one running the new code.
        print(f"{os.path.relpath(changed)} changed: starting again with the new code", flush=True)
        sys.stderr.flush()
        os.execv(sys.executable, [sys.executable, *sys.orig_argv[1:]])
    if args.serial:
        from gitops.render.synth import synth

        result = synth(args.config_dir, args.out, args.envs)
    else:
        with WorkerPool(_expected_environments(args), once=True) as pool:
            from gitops.render.synth import synth

            result = synth(args.config_dir, args.out, args.envs, render=pool.render)
    # Under `cdk8s synth` the CLI lists (and may validate) the files in its own
    # output directory, which it empties first; dist/ stays ours to swap atomically.
    cli_outdir = os.environ.get("CDK8S_OUTDIR")
    if cli_outdir and Path(cli_outdir).resolve() != args.out.resolve():
        from gitops.render.synth import mirror

        mirror(args.out, Path(cli_outdir))
    print(f"synthesized {', '.join(result.environments)}: {result.files} objects in {args.out}")
    return EXIT_OK
