"""Where things are: the project's own directories and the layout of dist/.

Every module that needs the repository root or a directory name of dist/
takes it from here, so moving a module never changes what it writes or reads.
"""

from __future__ import annotations

from pathlib import Path
from typing import Final, Literal, get_args

PROJECT = Path(__file__).resolve().parents[1]
CONFIG_DIR = PROJECT / "config"
DIST_DIR = PROJECT / "dist"
TOOLS_DIR = PROJECT / ".tools"
# The repository's own directories, which hold sources, history and installed tools: `synth --out` never
# writes into, over or around one of them (it replaces its output directory whole).
OWN_DIRECTORIES: Final = (
    ".ci",
    ".git",
    ".gitea",
    ".tools",
    ".venv",
    "charts",
    "config",
    "docs",
    "gitops",
    "node_modules",
    "tests",
)

# dist/<env>/<unit>/... for each environment; dist/clusters/<env>/ for its GitOps engine's own objects.
DIST = "dist"
CLUSTERS = "clusters"
INVENTORY_FILE = "INVENTORY.md"


# The delivery units: one directory each under dist/<env>/, which the engine syncs on its own.
# charts/delivery.py says in what order; config's services.<name>.unit puts a service in one.
Unit = Literal["infrastructure", "apps"]
UNITS: Final[tuple[Unit, ...]] = get_args(Unit)
INFRASTRUCTURE: Final[Unit] = "infrastructure"
APPS: Final[Unit] = "apps"


def engine_dir(env: str) -> str:
    """The directory under dist/ of an environment's GitOps engine objects: clusters/<env>."""
    return f"{CLUSTERS}/{env}"


def environment_dirs(env: str) -> tuple[str, str]:
    """Every directory under dist/ that belongs to one environment: its units, then its engine's objects."""
    return env, engine_dir(env)


def repository_path(path: Path) -> str:
    """path as the repository names it ('config/prod.yaml'), whatever the working directory.

    Output (file headers, INVENTORY.md) uses this, so `python /elsewhere/main.py synth`
    writes the same bytes as `make synth`. A path outside the project (a copy of
    config/ in a test) is named from its directory on: the layout a repository has.
    """
    resolved = path.resolve()
    try:
        return resolved.relative_to(PROJECT).as_posix()
    except ValueError:
        return f"{resolved.parent.name}/{resolved.name}"
