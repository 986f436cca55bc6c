"""config/ -> dist/: load every environment, synthesize, write, swap in.

Nothing under dist/ changes unless every requested environment loaded and
synthesized: output is built in a staging directory and moved into place
only at the end. Synthesizing all environments replaces dist/ as a whole, so
an environment or object removed from config disappears from dist/ too.

Config is loaded and checked here, in the calling process, before any
environment is rendered: a config error is reported without starting jsii.
Rendering (constructs -> files in the staging directory) is a function of
one environment's loaded config, so it can run in this process
(render_in_process, one jsii runtime for all environments) or in one worker
process per environment (gitops/render/pool.py); both write the same bytes.
"""

from __future__ import annotations

import functools
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from gitops.config import ConfigError, LoadedEnvironment, Problem, load_environments
from gitops.config.loader import SCHEMA_FILE
from gitops.config.schema import schema_text
from gitops.layout import CLUSTERS, INVENTORY_FILE, repository_path
from gitops.render import inventory, output, secrets
from gitops.render.lock import locked


@dataclass(frozen=True)
class SynthResult:
    environments: list[str]
    files: int


@dataclass(frozen=True)
class Job:
    """One environment to render: its checked config and the encrypted Secrets it ships."""

    loaded: LoadedEnvironment
    encrypted: list[secrets.EncryptedSecret]


@dataclass(frozen=True)
class Outcome:
    """What rendering one environment into the staging tree gave: files written, or why not."""

    environment: str
    files: int = 0
    leaked: tuple[Problem, ...] = ()
    refused: str = ""


# Renders jobs into a staging root, one Outcome per job in the same order.
Renderer = Callable[[list[Job], Path], list[Outcome]]


def jobs_for(config_dir: Path, loaded: list[LoadedEnvironment]) -> list[Job]:
    """Each environment with its encrypted Secrets; a plaintext Secret anywhere under config/ is a ConfigError."""
    problems = secrets.scan_for_plaintext(config_dir)
    jobs = []
    for env in loaded:
        found, env_problems = secrets.load_encrypted(config_dir, env)
        problems += env_problems
        jobs.append(Job(env, found))
    if problems:
        raise ConfigError(problems)
    return jobs


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


def write_rendered(root: Path, job: Job, directories: dict[str, list[dict]]) -> Outcome:
    """One environment's synthesized objects into root, unless one of them is a plaintext Secret."""
    name = job.loaded.name
    leaked = tuple(
        problem
        for directory, objects in directories.items()
        for obj in objects
        for problem in secrets.plaintext_problems(obj, f"{directory}/", 0)
    )
    if leaked:
        return Outcome(name, leaked=leaked)
    try:
        return Outcome(name, files=_write_environment(root, job.loaded, directories, job.encrypted))
    except output.OutputError as err:
        return Outcome(name, refused=str(err))


def render_in_process(jobs: list[Job], root: Path) -> list[Outcome]:
    """Synthesize the jobs in this process (one cdk8s App, one jsii runtime) and write them into root."""
    # Imported here: starting the jsii runtime costs about a second, and config
    # errors should be reported without paying it.
    from charts.stack import synthesize

    encrypted_units = {job.loaded.name: {secrets.UNIT} for job in jobs if job.encrypted}
    rendered = synthesize([job.loaded for job in jobs], encrypted_units)
    return [write_rendered(root, job, rendered[job.loaded.name]) for job in jobs]


def accept(outcomes: list[Outcome]) -> int:
    """The number of files written, or one OutputError naming every environment's problem."""
    leaked = [problem for outcome in outcomes for problem in outcome.leaked]
    if leaked:
        raise output.OutputError("generated output holds plaintext Secret values:\n" + "\n".join(map(str, leaked)))
    refused = [outcome.refused for outcome in outcomes if outcome.refused]
    if refused:
        raise output.OutputError("\n".join(refused))
    return sum(outcome.files for outcome in outcomes)


def _own_directories(name: str) -> list[str]:
    return [name, f"{CLUSTERS}/{name}"]


# The schema depends only on the models' code, which cannot change under a running process.
_schema_text = functools.cache(schema_text)


def synth(
    config_dir: Path,
    out_dir: Path,
    names: list[str] | None = None,
    *,
    write_schema: bool = True,
    environments: list[LoadedEnvironment] | None = None,
    render: Renderer = render_in_process,
) -> SynthResult:
    """Synthesize the named environments (all when None) into out_dir.

    environments, when given, are used as loaded (tests vary them) and
    replace only their own directories. write_schema also refreshes
    config_dir/schema.json from the models. render turns the checked jobs
    into files: in this process by default, or a WorkerPool's render.
    """
    whole_tree = names is None and environments is None
    loaded = environments if environments is not None else load_environments(config_dir, names)
    jobs = jobs_for(config_dir, loaded)
    with locked(out_dir):
        output.remove_stale_staging(out_dir)
        staging = output.staging_dir(out_dir)
        try:
            new = staging / "new"
            new.mkdir()
            files = accept(render(jobs, new))
            if whole_tree:
                output.swap_in(new, out_dir, staging)
            else:
                for env in loaded:
                    for directory in _own_directories(env.name):
                        if (new / directory).exists():
                            output.swap_in(new / directory, out_dir / directory, staging)
            if write_schema:
                output.write_text_atomically(config_dir / SCHEMA_FILE, _schema_text())
        finally:
            shutil.rmtree(staging, ignore_errors=True)
    return SynthResult(environments=[env.name for env in loaded], files=files)


def mirror(out_dir: Path, target: Path) -> None:
    """Copy dist/ into the cdk8s CLI's output directory, which it lists after the app runs."""
    shutil.rmtree(target, ignore_errors=True)
    shutil.copytree(out_dir, target)
