"""config/ -> dist/: load every environment, synthesize, write, swap in.

Nothing under dist/ changes unless every requested environment loaded and
synthesized: output is built in a staging directory and moved into place
only at the end. Synthesizing all environments replaces dist/ as a whole, so
an environment or object removed from config disappears from dist/ too.

Config is loaded and checked before any environment is rendered: a config
error is reported without starting jsii. Every environment is then rendered
in this process's one jsii runtime (a worker process per environment was
measured no faster on two cores, at twice the memory: BENCHMARKS.md).
"""

from __future__ import annotations

import errno
import functools
import shutil
import traceback
from dataclasses import dataclass
from pathlib import Path

from gitops.config import ConfigError, LoadedEnvironment, Problem, environment_names, load_environments
from gitops.config.loader import SCHEMA_FILE
from gitops.config.schema import schema_text
from gitops.errors import EnvironmentProblem, GeneratorError, GitopsError
from gitops.layout import INVENTORY_FILE, environment_dirs, repository_path
from gitops.render import inventory, outdir, output, runtime, secrets
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
class Rendered:
    """What rendering one environment into the staging tree gave: files written, or why not."""

    environment: str
    files: int = 0
    leaked: tuple[Problem, ...] = ()
    refused: str = ""


class RenderingFailed(GeneratorError):
    """charts/ or gitops/ raised while rendering: a bug, reported with its traceback, never with dist/ touched."""

    def report(self, command: str, untouched: str) -> str:
        return f"{command}: rendering failed, nothing was {untouched}:\n{self}"


def jobs_for(config_dir: Path, loaded: list[LoadedEnvironment]) -> list[Job]:
    """Each environment with its encrypted Secrets; a plaintext Secret anywhere under config/ is a ConfigError."""
    problems = secrets.scan_for_plaintext(config_dir)
    problems += secrets.unknown_directories(config_dir, environment_names(config_dir))
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


def write_rendered(root: Path, job: Job, directories: dict[str, list[dict]]) -> Rendered:
    """One environment's synthesized objects into root, unless one of them is a plaintext Secret."""
    name = job.loaded.name
    leaked = tuple(
        problem
        for directory, objects in directories.items()
        for obj in objects
        for problem in secrets.plaintext_problems(obj, f"{directory}/", 0)
    )
    if leaked:
        return Rendered(name, leaked=leaked)
    try:
        return Rendered(name, files=_write_environment(root, job.loaded, directories, job.encrypted))
    except output.OutputError as err:
        return Rendered(name, refused=str(err))


def render(jobs: list[Job], root: Path) -> list[Rendered]:
    """Synthesize the jobs (one cdk8s App, one jsii runtime) and write them into root; a bug in charts/ or
    gitops/ is RenderingFailed."""
    encrypted_units = {job.loaded.name: {secrets.UNIT} for job in jobs if job.encrypted}
    # Loaded here, once the config is accepted: loading cdk8s into Node.js costs most of a second, which a
    # refused config does not pay (`main.py synth` has only started Node.js booting; gitops/render/runtime.py).
    runtime.start()
    try:
        from charts.stack import synthesize

        rendered = synthesize([job.loaded for job in jobs], encrypted_units)
        return [write_rendered(root, job, rendered[job.loaded.name]) for job in jobs]
    except (GitopsError, OSError):
        raise  # an OSError is the machine's (a full disk, a directory it cannot write): gitops/cli/app.py says so
    except Exception:  # noqa: BLE001 - anything else is a bug in charts/ or gitops/, shown whole
        raise RenderingFailed(traceback.format_exc().rstrip()) from None


def accept(outcomes: list[Rendered]) -> int:
    """The number of files written, or one OutputError naming every environment's problem."""
    leaked = [problem for outcome in outcomes for problem in outcome.leaked]
    if leaked:
        raise output.OutputError("generated output holds plaintext Secret values:\n" + "\n".join(map(str, leaked)))
    refused = [outcome.refused for outcome in outcomes if outcome.refused]
    if refused:
        raise output.OutputError("\n".join(refused))
    return sum(outcome.files for outcome in outcomes)


# The schema depends only on the models' code, which cannot change under a running process.
_schema_text = functools.cache(schema_text)


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
    jobs = jobs_for(config_dir, loaded)
    out_dir = out_dir.resolve()
    replaced = None if whole_tree else [d for env in loaded for d in environment_dirs(env.name)]
    guarded = outdir.protected(config_dir)
    outdir.claim(out_dir, replaced, guarded)  # before the lock: a refused directory gets no lock file beside it
    try:
        return _write(config_dir, out_dir, loaded, jobs, replaced, guarded, write_schema)
    except OSError as err:
        raise _unwritable(err, out_dir) from None


def _unwritable(err: OSError, out_dir: Path) -> EnvironmentProblem:
    """An OSError while writing beside out_dir, as one sentence: the new tree never replaced the old one."""
    where = out_dir.parent
    if err.errno == errno.ENOSPC:
        return EnvironmentProblem(
            f"the device of {where} is full", "free some space there, or give --out another place"
        )
    if err.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return EnvironmentProblem(
            f"cannot write in {where} ({err.strerror})", "give --out a directory whose parent you can write to"
        )
    return EnvironmentProblem(f"cannot write beside {out_dir}: {err.strerror or err}", "check that directory")


def _write(
    config_dir: Path,
    out_dir: Path,
    loaded: list[LoadedEnvironment],
    jobs: list[Job],
    replaced: list[str] | None,
    guarded: list[outdir.Protected],
    write_schema: bool,
) -> SynthResult:
    """Render into a staging directory beside out_dir and swap it in, holding out_dir's lock."""
    with locked(out_dir):
        outdir.claim(out_dir, replaced, guarded)  # again: another synth may have written it while we waited
        output.remove_stale_staging(out_dir)
        staging = output.staging_dir(out_dir)
        try:
            new = staging / output.NEW_TREE
            new.mkdir()
            files = accept(render(jobs, new))
            written = outdir.files_in(new)
            if replaced is None:
                (new / outdir.MARKER).write_text(outdir.marker_text(written))
                output.swap_in(new, out_dir, staging)
            else:
                kept = {
                    name
                    for name in outdir.listed(out_dir) or set()
                    if not any(name == d or name.startswith(f"{d}/") for d in replaced)
                }
                for directory in replaced:
                    if (new / directory).exists():
                        output.swap_in(new / directory, out_dir / directory, staging)
                output.write_text_atomically(out_dir / outdir.MARKER, outdir.marker_text(kept | set(written)))
            if write_schema:
                output.write_text_atomically(config_dir / SCHEMA_FILE, _schema_text())
        finally:
            shutil.rmtree(staging, ignore_errors=True)
    return SynthResult(environments=[env.name for env in loaded], files=files)


def mirror(out_dir: Path, target: Path) -> None:
    """Copy dist/ into the cdk8s CLI's output directory, which it lists after the app runs.

    The caller has claimed target (outdir.claim): it is new, empty, or holds only what synth wrote.
    """
    if target.is_dir() and not target.is_symlink():
        shutil.rmtree(target)
    shutil.copytree(out_dir, target, dirs_exist_ok=True)
