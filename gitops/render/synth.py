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

from gitops.config import ConfigError, LoadedEnvironment, Problem, environment_names, load
from gitops.config.loader import SCHEMA_FILE, display_path
from gitops.config.schema import schema_text
from gitops.layout import CLUSTERS, INVENTORY_FILE, repository_path
from gitops.render import inventory, output, secrets
from gitops.render.lock import locked



@dataclass(frozen=True)
class SynthResult:
    environments: list[str]
    files: int


def load_environments(config_dir: Path, names: list[str] | None) -> list[LoadedEnvironment]:
    """Load the named environments (all when names is None), reporting every problem at once."""
    names = names if names is not None else environment_names(config_dir)
    loaded, problems = [], []
    for name in names:
        if name == CLUSTERS:
            problems.append(Problem(display_path(config_dir / f"{name}.yaml"), 0, "(file)",
                                    f"'{name}' is reserved for dist/{CLUSTERS}/", "name the environment otherwise"))
            continue
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


def _encrypted_secrets(config_dir: Path, loaded: list[LoadedEnvironment]) -> dict[str, list[secrets.EncryptedSecret]]:
    problems = secrets.scan_for_plaintext(config_dir)
    found = {}
    for env in loaded:
        found[env.name], env_problems = secrets.load_encrypted(config_dir, env)
        problems += env_problems
    if problems:
        raise ConfigError(problems)
    return found


def _write_environment(
    root: Path, loaded: LoadedEnvironment, directories: dict[str, list[dict]], encrypted: list[secrets.EncryptedSecret]
) -> int:
    source = repository_path(loaded.source)
    files = 0
    for directory, objects in directories.items():
        files += len(output.write_unit(root / directory, objects, source, loaded.config.namespace))
    unit_dir = root / loaded.name / secrets.UNIT
    for secret in encrypted:
        # Copied byte for byte: the SOPS MAC covers the content, and Flux decrypts it as committed.
        path = unit_dir / secret.file_name
        if path.exists():
            raise output.OutputError(f"{path.name} would overwrite a generated object")
        path.write_text(secret.text)
        files += 1
    units = {d.split("/", 1)[1] if d.startswith(f"{loaded.name}/") else d: objs for d, objs in directories.items()}
    (root / loaded.name / INVENTORY_FILE).write_text(
        inventory.render(loaded.name, source, units, loaded.config, [s.name for s in encrypted])
    )
    return files


def _own_directories(name: str) -> list[str]:
    return [name, f"{CLUSTERS}/{name}"]


def synth(
    config_dir: Path,
    out_dir: Path,
    names: list[str] | None = None,
    *,
    write_schema: bool = True,
    environments: list[LoadedEnvironment] | None = None,
) -> SynthResult:
    """Synthesize the named environments (all when None) into out_dir.

    environments, when given, are used as loaded (tests vary them) and
    replace only their own directories. write_schema also refreshes
    config_dir/schema.json from the models.
    """
    whole_tree = names is None and environments is None
    loaded = environments if environments is not None else load_environments(config_dir, names)
    encrypted = _encrypted_secrets(config_dir, loaded)
    # Imported here: starting the jsii runtime costs about a second, and config
    # errors should be reported without paying it.
    from charts.stack import synthesize

    rendered = synthesize(loaded, {env: {secrets.UNIT} for env, found in encrypted.items() if found})
    leaked = [
        problem
        for env in loaded
        for directory, objects in rendered[env.name].items()
        for obj in objects
        for problem in secrets.plaintext_problems(obj, f"{directory}/", 0)
    ]
    if leaked:
        raise output.OutputError("generated output holds plaintext Secret values:\n" + "\n".join(map(str, leaked)))
    with locked(out_dir):
        output.remove_stale_staging(out_dir)
        staging = output.staging_dir(out_dir)
        try:
            new = staging / "new"
            new.mkdir()
            files = sum(_write_environment(new, env, rendered[env.name], encrypted[env.name]) for env in loaded)
            if whole_tree:
                output.swap_in(new, out_dir, staging)
            else:
                for env in loaded:
                    for directory in _own_directories(env.name):
                        if (new / directory).exists():
                            output.swap_in(new / directory, out_dir / directory, staging)
            if write_schema:
                output.write_text_atomically(config_dir / SCHEMA_FILE, schema_text())
        finally:
            shutil.rmtree(staging, ignore_errors=True)
    return SynthResult(environments=[env.name for env in loaded], files=files)


def mirror(out_dir: Path, target: Path) -> None:
    """Copy dist/ into the cdk8s CLI's output directory, which it lists after the app runs."""
    shutil.rmtree(target, ignore_errors=True)
    shutil.copytree(out_dir, target)
