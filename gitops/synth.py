"""config/ -> dist/: load every environment, synthesize, write, swap in.

Nothing under dist/ changes unless every requested environment loaded and
synthesized: output is built in a staging directory and moved into place
only at the end. Synthesizing all environments replaces dist/ as a whole, so
an environment or object removed from config disappears from dist/ too.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

from gitops import inventory, output
from gitops.config import ConfigError, LoadedEnvironment, Problem, environment_names, load
from gitops.config.loader import SCHEMA_FILE, display_path
from gitops.config.schema import schema_text

INVENTORY_FILE = "INVENTORY.md"


@dataclass(frozen=True)
class SynthResult:
    environments: list[str]
    files: int


def load_environments(config_dir: Path, names: list[str] | None) -> list[LoadedEnvironment]:
    """Load the named environments (all when names is None), reporting every problem at once."""
    names = names if names is not None else environment_names(config_dir)
    loaded, problems = [], []
    for name in names:
        try:
            loaded.append(load(name, config_dir))
        except ConfigError as err:
            problems.extend(err.problems)
    if problems:
        raise ConfigError(problems)
    if not loaded:
        raise ConfigError(
            [Problem(display_path(config_dir), 0, "(config)", "no environment files found", "add config/<env>.yaml")]
        )
    return loaded


def _render_environment(staging: Path, loaded: LoadedEnvironment, units: dict[str, list[dict]]) -> int:
    source = display_path(loaded.source)
    root = staging / loaded.name
    files = 0
    for unit, objects in units.items():
        files += len(output.write_unit(root / unit, objects, source, loaded.config.namespace))
    (root / INVENTORY_FILE).write_text(inventory.render(loaded.name, source, units, loaded.config))
    return files


def synth(
    config_dir: Path, out_dir: Path, names: list[str] | None = None, *, write_schema: bool = True
) -> SynthResult:
    """Synthesize the named environments (all when None) into out_dir.

    write_schema also refreshes config_dir/schema.json from the models.
    """
    loaded = load_environments(config_dir, names)
    # Imported here: starting the jsii runtime costs about a second, and config
    # errors should be reported without paying it.
    from charts.stack import synthesize

    rendered = synthesize(loaded)
    staging = output.staging_dir(out_dir)
    try:
        files = 0
        for env in loaded:
            files += _render_environment(staging / "new", env, rendered[env.name])
        if names is None:
            output.swap_in(staging / "new", out_dir, staging)
        else:
            for env in loaded:
                output.swap_in(staging / "new" / env.name, out_dir / env.name, staging)
        if write_schema:
            output.write_text_atomically(config_dir / SCHEMA_FILE, schema_text())
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return SynthResult(environments=[env.name for env in loaded], files=files)


def mirror(out_dir: Path, target: Path) -> None:
    """Copy dist/ into the cdk8s CLI's output directory, which it lists after the app runs."""
    shutil.rmtree(target, ignore_errors=True)
    shutil.copytree(out_dir, target)
