"""`main.py diff`: what a change does to the cluster, with risk flags, for review.

  python main.py diff [--base REF] [--env ENV ...] [--format text|md|json] [--fail-on high|medium]
  python main.py diff --from DIR --to DIR [--env ENV ...] [...]

With --base (or by default), the old side is dist/ as committed at REF (by
default the merge-base of HEAD with main, else origin/main) and the new side
is a fresh synth of the working tree's config into a temporary directory;
neither dist/ nor config/schema.json is touched. Each change then names its
source, the config line or charts/ module behind it (provenance.py; --no-sources
skips it). A change that gives an environment the build another one ran first
is a promotion: the report leads with its parity verdict (gitops/ship/parity.py).
--from/--to compare any two directories or files of manifests.

Exit codes: 0 compared, 1 a risk at or above --fail-on, 2 bad usage or input.
"""

from __future__ import annotations

import argparse
import re
import sys
import tempfile
from pathlib import Path

from gitops.cli.options import add_config_dir, add_env
from gitops.config import environment_names
from gitops.errors import EXIT_FAILED, EXIT_OK, UsageError
from gitops.layout import CLUSTERS, DIST, PROJECT, environment_dirs
from gitops.review.diff import provenance, render_json, render_md, render_text, report
from gitops.review.diff.gitref import default_base, extract, resolve
from gitops.review.diff.load import DiffInputError, Loader, is_dist_root
from gitops.review.diff.model import Report
from gitops.review.findings import Severity
from gitops.ship import detect, parity

RENDERERS = {"text": render_text.render, "md": render_md.render, "json": render_json.render}
_ENV_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--base",
        metavar="REF",
        help="compare dist/ as committed at REF with a fresh synth of the working tree "
        "(default: the merge-base of HEAD with main, else origin/main)",
    )
    add_env(parser, "only dist/ENV/ and dist/clusters/ENV/", "all of dist/")
    parser.add_argument(
        "--from",
        dest="from_path",
        type=Path,
        metavar="DIR",
        help="old side: a directory or file of manifests (use with --to instead of --base)",
    )
    parser.add_argument(
        "--to", dest="to_path", type=Path, metavar="DIR", help="new side: a directory or file of manifests"
    )
    parser.add_argument(
        "--format",
        choices=("text", "md", "json"),
        default="text",
        help="text for a terminal, md for a pull-request comment, json for tools (default: text)",
    )
    parser.add_argument(
        "--fail-on",
        choices=("high", "medium"),
        metavar="LEVEL",
        help="exit 1 when a risk of LEVEL (high|medium) or higher is found",
    )
    parser.add_argument(
        "--no-sources",
        dest="sources",
        action="store_false",
        help="do not name the config line (or charts/ module) behind each change; with --base only",
    )
    add_config_dir(parser)
    parser.add_argument("--repo", type=Path, default=PROJECT, help=argparse.SUPPRESS)


def _env_paths(envs: list[str] | None) -> list[str] | None:
    """Paths under a dist root that --env selects; None for all of it."""
    if not envs:
        return None
    for env in envs:
        if not _ENV_NAME.match(env):
            raise UsageError(f"--env {env!r}: not an environment name")
    names = list(dict.fromkeys(envs))
    return [directory for position in (0, 1) for directory in (environment_dirs(env)[position] for env in names)]


def _existing(root: Path, env_paths: list[str] | None) -> list[Path]:
    if env_paths is None:
        return [root] if root.exists() else []
    return [root / sub for sub in env_paths if (root / sub).exists()]


def _directories(args: argparse.Namespace, loader: Loader) -> Report:
    if args.base is not None:
        raise UsageError("--base compares git with the working tree; --from/--to compare two directories: pick one")
    if args.from_path is None or args.to_path is None:
        raise UsageError("--from and --to go together")
    for path in (args.from_path, args.to_path):
        if not path.exists():
            raise DiffInputError(f"{path}: no such file or directory")
    env_paths = _env_paths(args.envs)
    old, new = _existing(args.from_path, env_paths), _existing(args.to_path, env_paths)
    if env_paths is not None and not old and not new:
        raise DiffInputError(f"no {', '.join(args.envs)} under {args.from_path} or {args.to_path}")
    # Two dist/ trees hold several environments, i.e. several clusters: keep their objects apart.
    by_environment = env_paths is not None or is_dist_root(args.from_path) or is_dist_root(args.to_path)
    result = report.build(
        loader.load(str(args.from_path), old, args.from_path if by_environment else None),
        loader.load(str(args.to_path), new, args.to_path if by_environment else None),
    )
    if args.sources and result.counts.any_change:
        result.notes.append(provenance.NO_CONFIG_NOTE)
    return result


def _new_side(
    synthesized: Path, working: Path, env_paths: list[str] | None
) -> tuple[list[Path], list[Path], list[str]]:
    """Synthesized paths, working-tree paths standing in for what synth does not write, and notes.

    The engines' own objects (dist/clusters/<env>/) are compared too; should synth not
    write them, they are maintained by hand, and the working tree's copy is the new side.
    """
    from_working, notes = [], []
    clusters = [p for p in env_paths if p.startswith(f"{CLUSTERS}/")] if env_paths is not None else [CLUSTERS]
    for sub in clusters:
        if not (synthesized / sub).exists() and (working / sub).exists():
            from_working.append(working / sub)
            notes.append(f"{DIST}/{sub} is not synthesized; its working-tree copy is the new side")
    return _existing(synthesized, env_paths), from_working, notes


def _git_base(args: argparse.Namespace, loader: Loader) -> Report:
    from gitops.render.synth import synth

    root = args.repo
    if args.base is not None:
        where, commit = args.base, resolve(root, args.base)
    else:
        where, commit = default_base(root)
    base_label = f"{DIST}/ at {where} ({commit[:10]})"
    env_paths = _env_paths(args.envs)
    with tempfile.TemporaryDirectory(prefix="honeydue-diff-") as tmp:
        base_root, new_root = Path(tmp) / "base", Path(tmp) / "new" / DIST
        git_paths = [DIST] if env_paths is None else [f"{DIST}/{sub}" for sub in env_paths]
        notes = (
            []
            if extract(root, commit, git_paths, base_root)
            else [f"{', '.join(git_paths)}: nothing committed at {where}; every object is new"]
        )
        synth(args.config_dir, new_root, args.envs, write_schema=False)
        synthesized, working, new_notes = _new_side(new_root, root / DIST, env_paths)
        old_side = loader.load(base_label, _existing(base_root / DIST, env_paths), base_root / DIST)
        new_side = loader.load("working tree, synthesized", synthesized, new_root)
        loader.load(new_side.label, working, root / DIST, new_side)
        promotions = detect.promotions(parity.Request(root, commit, DIST, base_root / DIST, new_root), args.config_dir)
    result = report.build(old_side, new_side)
    result.promotions = promotions
    result.notes = notes + new_notes + result.notes
    if args.sources and result.counts.any_change:
        names = list(dict.fromkeys(args.envs)) if args.envs else environment_names(args.config_dir)
        provenance.attribute(result, root, commit, args.config_dir, names)
    return result


def build_report(args: argparse.Namespace) -> Report:
    loader = Loader()
    if args.from_path is not None or args.to_path is not None:
        return _directories(args, loader)
    return _git_base(args, loader)


def run(args: argparse.Namespace) -> int:
    result = build_report(args)
    sys.stdout.write(RENDERERS[args.format](result))
    worst = result.worst()
    if args.fail_on and worst is not None and worst >= Severity.parse(args.fail_on):
        return EXIT_FAILED
    return EXIT_OK
