"""Builds as the shipping commands take them: a reference or a version, checked by config's grammar.

`set-image` takes what the app's CI pushed: a whole reference
(`gitea.treytartt.com/treytartt/honeydue-api:1a2b3c4d5e@sha256:<hex>`), which must name the
service's repository, or only its version (`1a2b3c4d5e`, `sha256:<hex>`, `1a2b3c4d5e@sha256:<hex>`).
Both are checked by the distribution grammar in gitops/k8s/images.py, the one config itself is
checked by: upper case in a repository path, a digest of the wrong length or case, 'latest' and
anything else a runtime would refuse never reach a config file.
"""

from __future__ import annotations

from gitops.config import LoadedEnvironment
from gitops.config.loader import display_path
from gitops.errors import InputError
from gitops.k8s import images


class ShipError(InputError):
    """A shipping command that cannot do what it was asked; nothing was changed (exit 2)."""

    def __init__(self, problem: str, fix: str = ""):
        self.problem, self.fix = problem, fix
        super().__init__(problem + (f".\n  fix: {fix}" if fix else ""))

    def report(self, command: str, untouched: str) -> str:
        return f"{command}: {self}.\nnothing was changed: config/ and dist/ are as they were."


def services_of(env: LoadedEnvironment, names: list[str]) -> list[str]:
    """names checked against the environment's services (all of them when names is empty)."""
    known = list(env.config.services)
    for name in names:
        if name not in known:
            raise ShipError(f"no service '{name}' in config", f"use one of: {', '.join(sorted(known))}")
    return list(dict.fromkeys(names)) or known


def environment(loaded: dict[str, LoadedEnvironment], name: str, option: str) -> LoadedEnvironment:
    if name not in loaded:
        raise ShipError(
            f"{option} {name}: no environment '{name}' in config/", f"use one of: {', '.join(sorted(loaded))}"
        )
    return loaded[name]


def requested_version(ref: str, service: str, env: LoadedEnvironment, base_file: str) -> str:
    """The version REF names for service ('tag', 'tag@digest' or 'digest'), checked by the grammar."""
    repository = env.config.services[service].image.ref
    name = ref.partition("@")[0]
    if "/" in ref or (":" in name[1:] and name.partition(":")[0] not in images.DIGEST_HEX_LENGTH):
        try:
            image = images.parse_image(ref)
        except images.ImageError as err:
            raise ShipError(err.problem, err.fix) from None
        if image.name != repository.name:
            raise ShipError(
                f"'{ref}' is a build of {image.name}, but {service} runs {repository.name} "
                f"(services.{service}.image in {base_file})",
                f"pass a build of {repository.name}, or only its tag or digest",
            )
        return image.version
    try:
        tag, digest = images.parse_version(ref.removeprefix(":"))
    except images.ImageError as err:
        raise ShipError(f"build '{ref}' {err.what}", err.fix) from None
    return images.version_text(tag, digest)


def short(version: str) -> str:
    """A version in one short word, for a branch name: its tag, else its digest's first 12 hex digits."""
    tag, digest = images.parse_version(version)
    return tag or (digest or "").partition(":")[2][:12]


def inherited(env: LoadedEnvironment, service: str, loaded: dict[str, LoadedEnvironment]) -> ShipError | None:
    """Why env's build of service cannot be changed in env's own file (it follows another environment)."""
    origin = env.followed.get(service)
    if origin is None:
        return None
    shown = display_path(env.source)
    there = display_path(loaded[origin].source) if origin in loaded else f"config/{origin}.yaml"
    return ShipError(
        f"{env.name} takes {service}'s build from {origin} (shipping.follows in {shown}); {there} names it",
        f"change it there: main.py set-image {service} REF --env {origin}; or pin {service} under images: in {shown}",
    )
