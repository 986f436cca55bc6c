"""`main.py adopt`: the cutover plan from a live cluster's objects to this project's. Offline, writes nothing.

  python main.py adopt --live PATH [--env ENV] [--format text|md|json]

PATH is the hand-written manifest directory the cluster was made from, or an export of it
(`kubectl -n <namespace> get ... -o yaml --show-managed-fields`). Exit codes: 0 the plan is safe,
1 it has a blocking item (data loss, a multi-replica service at 0 Ready, a drain that cannot complete,
two managers), 2 bad input (the file and line), 130 interrupted.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from gitops.cli.options import add_config_dir
from gitops.errors import EXIT_FAILED, EXIT_OK, UsageError
from gitops.layout import DIST_DIR, repository_path


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--live",
        type=Path,
        required=True,
        metavar="PATH",
        help="the hand-written manifest directory, or an export of the live cluster (a List or several documents)",
    )
    parser.add_argument("--env", default="prod", metavar="ENV", help="the environment taking over (default: prod)")
    parser.add_argument("--format", choices=("text", "md", "json"), default="text", help="output (default: text)")
    parser.add_argument("--dist", type=Path, default=DIST_DIR, help=argparse.SUPPRESS)
    add_config_dir(parser)


def make_plan(live: Path, env: str, dist: Path, config_dir: Path):
    """The plan for env from the live objects under live; raises InputError on anything it cannot read."""
    from gitops.adopt.planner import plan_for

    config_file = config_dir / f"{env}.yaml"
    if not config_file.is_file():
        raise UsageError(f"--env {env}: no {config_file}")
    return plan_for(live, dist, env, repository_path(config_file))


def run(args: argparse.Namespace) -> int:
    from gitops.adopt import render

    plan = make_plan(args.live, args.env, args.dist, args.config_dir)
    out = {"text": render.text, "md": render.markdown, "json": render.as_json}[args.format](plan)
    sys.stdout.write(out)
    return EXIT_OK if plan.safe else EXIT_FAILED
