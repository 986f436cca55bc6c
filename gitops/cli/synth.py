"""`main.py synth`: config/<env>.yaml -> dist/<env>/, every environment in one jsii runtime.

python main.py synth [--env ENV ...] [--out DIR]   once
python main.py synth --watch                      on every change, with a review of it against HEAD
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from gitops.cli.options import add_config_dir, add_env
from gitops.errors import EXIT_OK
from gitops.layout import DIST_DIR


def configure(parser: argparse.ArgumentParser) -> None:
    add_env(parser, "only this environment")
    add_config_dir(parser)
    parser.add_argument("--out", type=Path, default=DIST_DIR, help="output directory (default: dist/)")
    parser.add_argument(
        "--watch",
        action="store_true",
        help="keep running: synthesize again on every change under config/ or charts/ and print "
        "what the change does against HEAD (Ctrl-C stops)",
    )


def run(args: argparse.Namespace) -> int:
    if args.watch:
        from gitops.cli.watch import watch

        changed = watch(args.config_dir, args.out, args.envs)
        # The code under charts/ or gitops/ changed: this process is replaced by one running the new code.
        print(f"{os.path.relpath(changed)} changed: starting again with the new code", flush=True)
        sys.stderr.flush()
        from gitops.render import runtime

        runtime.stop()  # exec skips every exit handler: Node.js and jsii's temporary files would outlive us
        os.execv(sys.executable, [sys.executable, *sys.orig_argv[1:]])
    from gitops.render import runtime

    runtime.spawn()  # Node.js boots while the imports below and the config load run
    from gitops.render import outdir
    from gitops.render.synth import mirror, synth

    # Under `cdk8s synth` the CLI lists (and may validate) the files in its own output directory, which
    # it empties before the app starts; dist/ stays ours to swap atomically, and is copied there.
    # CDK8S_OUTDIR may also be left over in a shell: it gets the same guard as --out, before anything is written.
    cli_outdir = os.environ.get("CDK8S_OUTDIR")
    mirrored = Path(cli_outdir).resolve() if cli_outdir else None
    if mirrored == args.out.resolve():
        mirrored = None
    if mirrored is not None:
        around = outdir.Protected(args.out, "synth's own output directory")
        outdir.claim(mirrored, None, [*outdir.protected(args.config_dir), around])
    result = synth(args.config_dir, args.out, args.envs)
    if mirrored is not None:
        mirror(args.out, mirrored)
    print(f"synthesized {', '.join(result.environments)}: {result.files} objects in {args.out}")
    return EXIT_OK
