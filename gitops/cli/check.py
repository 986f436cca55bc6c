"""`main.py check`: the review gate on rendered YAML. Thin: arguments in, exit code out.

Exit codes: 0 no unwaived errors (warnings and waived findings do not fail),
1 at least one error, 2 usage or unreadable input (raised; main.py reports it).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from gitops.cli.options import EVERY_ENVIRONMENT, add_config_dir, add_env
from gitops.errors import EXIT_FAILED, EXIT_OK, UsageError
from gitops.layout import DIST_DIR, environment_dirs


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "paths",
        nargs="*",
        type=Path,
        metavar="PATH",
        help="a directory or file of Kubernetes YAML, checked as one set (repeatable; any YAML, not only ours)",
    )
    add_env(
        parser,
        "check dist/ENV/, and dist/clusters/ENV/ when present",
        f"{EVERY_ENVIRONMENT}, when no PATH is given",
    )
    parser.add_argument("--format", choices=("text", "json"), default="text", help="output format (default: text)")
    parser.add_argument("--list-rules", action="store_true", help="print every rule id with what it prevents, and exit")
    parser.add_argument("--dist", type=Path, default=DIST_DIR, help=argparse.SUPPRESS)
    add_config_dir(parser)


def _environment_sets(dist: Path, config_dir: Path, names: list[str] | None) -> list[tuple[str, list[Path]]]:
    from gitops.config.values import is_name, shown

    if names is None:
        # The environments are synth's, from config/; listing dist/ would miss one never synthesized.
        from gitops.config import environment_names

        names = environment_names(config_dir)
        if not names:
            raise UsageError(f"{config_dir}: no environment config files (*.yaml); give PATHs to check instead")
    sets = []
    for name in names:
        if not is_name(name):
            raise UsageError(f"--env {shown(name)!r}: not an environment name")
        if not (dist / name).is_dir():
            raise UsageError(f"{dist / name}: environment {name} is not synthesized; run `make synth`")
        # Flux/Argo CD objects of an environment live beside it and point at its directories.
        units, engine = (dist / directory for directory in environment_dirs(name))
        sets.append((name, [units, engine] if engine.is_dir() else [units]))
    return sets


def run(args: argparse.Namespace) -> int:
    from gitops.review.check import engine, report

    if args.list_rules:
        sys.stdout.write(report.rules_table(engine.rules()))
        return EXIT_OK
    if args.envs and args.paths:
        raise UsageError("give --env or PATHs, not both")
    if args.paths:
        sets = [(str(p), [p]) for p in args.paths]
        within = None  # each PATH is the tree its symlinks must stay in
    else:
        sets = _environment_sets(args.dist, args.config_dir, args.envs)
        within = args.dist
    outcomes = [engine.check_paths(name, roots, within) for name, roots in sets]
    sys.stdout.write(report.as_json(outcomes) if args.format == "json" else report.text(outcomes))
    return EXIT_OK if all(o.ok for o in outcomes) else EXIT_FAILED
