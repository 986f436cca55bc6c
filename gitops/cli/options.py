"""The options several commands share, spelled once: --env and the hidden --config-dir."""

from __future__ import annotations

import argparse
from pathlib import Path

from gitops.layout import CONFIG_DIR

EVERY_ENVIRONMENT = "every config/*.yaml environment"


def add_env(parser: argparse.ArgumentParser, what: str, default: str = EVERY_ENVIRONMENT) -> None:
    """--env ENV, repeatable, into args.envs (None when not given); what: what one --env selects."""
    parser.add_argument(
        "--env", action="append", dest="envs", metavar="ENV", help=f"{what} (repeatable); default: {default}"
    )


def add_config_dir(parser: argparse.ArgumentParser) -> None:
    """--config-dir DIR into args.config_dir: tests and tools point a command at another config/."""
    parser.add_argument("--config-dir", type=Path, default=CONFIG_DIR, help=argparse.SUPPRESS)
