"""Builds per environment: the keys only environment files hold, and an environment that follows another.

Every environment names the build each service runs (`images:` in config/<env>.yaml); the
repository stays shared (`services.<name>.image` in config/base.yaml). A build in base.yaml
would reach every environment in one change, which is what staging exists to prevent, so
`images:` and `shipping:` are refused there. An environment may instead run what another runs
(`shipping: {follows: staging}`): each service it does not pin under its own `images:` takes
the build of the environment it follows, resolved here after both are loaded, so the models,
the charts and the review tools see one complete `images:` either way.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path as FsPath
from typing import Protocol

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap
from ruamel.yaml.error import YAMLError

from gitops.config.errors import ConfigError, Problem
from gitops.config.model import Environment

# Keys an environment file holds for itself and config/base.yaml must not.
ENVIRONMENT_ONLY = ("images", "shipping")


class Followed(Protocol):
    """What following needs of a loaded environment (gitops/config/loader.py's LoadedEnvironment)."""

    @property
    def config(self) -> Environment: ...

    @property
    def followed(self) -> dict[str, str]: ...


def environment_only(
    base: Mapping[str | int, object], where: Mapping[tuple[str | int, ...], tuple[str, int]], shown: str
) -> list[Problem]:
    """images: or shipping: in config/base.yaml, each a problem at its line (the loader's merge asks)."""
    problems = []
    for key in ENVIRONMENT_ONLY:
        if key in base:
            file, line = where.get((key,), (shown, 1))
            problems.append(
                Problem(
                    file,
                    line,
                    key,
                    f"{key}: belongs to each environment, not to the base every environment shares: a build named "
                    "here would reach every environment in one change",
                    "move it into each config/<env>.yaml (only the repository, services.<name>.image, stays in "
                    "the base)",
                )
            )
    return problems


def _line(source: FsPath, *keys: str) -> int:
    """The line of a nested key in a config file (1 when it cannot be found)."""
    try:
        node = YAML(typ="rt").load(source.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, YAMLError):
        return 1
    line = 1
    for key in keys:
        if not isinstance(node, CommentedMap) or key not in node:
            break
        line = node.lc.key(key)[0] + 1
        node = node[key]
    return line


def follow(
    name: str,
    source: FsPath,
    shown: str,
    config: Environment,
    load_other: Callable[[str], Followed],
    chain: tuple[str, ...],
) -> tuple[Environment, dict[str, str]]:
    """config with the builds it follows filled in, and which environment's file names each of those.

    chain: the environments whose loading led here (a follows b follows a is a cycle).
    """
    follows = config.shipping.follows
    if follows is None:
        return config, {}
    at = (shown, _line(source, "shipping", "follows"), "shipping.follows")
    if follows in (*chain, name):
        cycle = " -> ".join((*chain[chain.index(follows) :], name, follows)) if follows in chain else name
        raise ConfigError(
            [Problem(*at, f"environments follow each other in a circle ({cycle})", "pin the builds of one of them")]
        )
    other = load_other(follows)
    missing = [service for service in config.services if service not in config.images]
    absent = [service for service in missing if service not in other.config.images]
    if absent:
        raise ConfigError(
            [
                Problem(
                    *at,
                    f"{follows} runs no build of {', '.join(absent)} to follow",
                    f"pin {'it' if len(absent) == 1 else 'them'} under images: in this file",
                )
            ]
        )
    images = {
        service: config.images[service] if service in config.images else other.config.images[service]
        for service in config.services
    }
    followed = {service: other.followed.get(service, follows) for service in missing}
    return config.model_copy(update={"images": images}), followed
