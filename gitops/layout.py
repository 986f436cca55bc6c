"""Where things are: the project's own directories and the layout of dist/.

Every module that needs the repository root or a directory name of dist/
takes it from here, so moving a module never changes what it writes or reads.
"""

from __future__ import annotations

from pathlib import Path

PROJECT = Path(__file__).resolve().parents[1]
CONFIG_DIR = PROJECT / "config"
DIST_DIR = PROJECT / "dist"
TOOLS_DIR = PROJECT / ".tools"

# dist/<env>/<unit>/... for each environment; dist/clusters/<env>/ for its GitOps engine's own objects.
DIST = "dist"
CLUSTERS = "clusters"
INVENTORY_FILE = "INVENTORY.md"
