"""`main.py validate`: kubeconform on dist/<env>/ and dist/clusters/<env>/, offline.

Exit codes: 0 every environment valid, 1 a schema error, 2 bad input (an environment not synthesized
is reported and counts as a failure).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from gitops.cli.options import add_config_dir, add_env
from gitops.errors import EXIT_FAILED, EXIT_OK
from gitops.layout import DIST_DIR, environment_dirs


def configure(parser: argparse.ArgumentParser) -> None:
    add_env(parser, "only this environment")
    add_config_dir(parser)
    parser.add_argument("--dist", type=Path, default=DIST_DIR, help="rendered manifests (default: dist/)")


def run(args: argparse.Namespace) -> int:
    from gitops.config import load_environments
    from gitops.review import kubeconform

    environments = load_environments(args.config_dir, args.envs)
    failed = False
    for env in environments:
        targets = [args.dist / directory for directory in environment_dirs(env.name)]
        missing = [t for t in targets if not t.is_dir()]
        if missing:
            print(f"{missing[0]}: not synthesized; run `make synth`", file=sys.stderr)
            failed = True
            continue
        result = kubeconform.validate(targets, env.config.cluster.kubernetes_patch_version)
        print(f"{env.name}: {result.output}", file=sys.stdout if result.ok else sys.stderr)
        failed = failed or not result.ok
    return EXIT_FAILED if failed else EXIT_OK
