"""The options several commands share, spelled once: --env, and the hidden --config-dir, --out and --repo."""

from __future__ import annotations

import argparse
from pathlib import Path

from gitops.layout import CONFIG_DIR, DIST_DIR, PROJECT

EVERY_ENVIRONMENT = "every config/*.yaml environment"


def add_env(parser: argparse.ArgumentParser, what: str, default: str = EVERY_ENVIRONMENT) -> None:
    """--env ENV, repeatable, into args.envs (None when not given); what: what one --env selects."""
    parser.add_argument(
        "--env", action="append", dest="envs", metavar="ENV", help=f"{what} (repeatable); default: {default}"
    )


def add_config_dir(parser: argparse.ArgumentParser) -> None:
    """--config-dir DIR into args.config_dir: tests and tools point a command at another config/."""
    parser.add_argument("--config-dir", type=Path, default=CONFIG_DIR, help=argparse.SUPPRESS)


def add_tree(parser: argparse.ArgumentParser) -> None:
    """The hidden --config-dir, --out and --repo: tests point a command at a copy of the repository."""
    add_config_dir(parser)
    parser.add_argument("--out", type=Path, default=DIST_DIR, help=argparse.SUPPRESS)
    parser.add_argument("--repo", type=Path, default=PROJECT, help=argparse.SUPPRESS)


def add_shipping(parser: argparse.ArgumentParser, command: str) -> None:
    """--commit and --allow-dirty, for the commands that edit config (set-image, promote)."""
    parser.add_argument(
        "--commit",
        action="store_true",
        help=f"commit the change (config and dist/); {command} needs a clean work tree for it",
    )
    parser.add_argument(
        "--allow-dirty",
        action="store_true",
        help="edit a config file that holds changes not committed to git (by default that is refused)",
    )
