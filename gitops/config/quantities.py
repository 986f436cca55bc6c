"""Value types shared by the config models: quantities, hostnames, image references.

Each type validates the text an operator writes and explains the fix when it
is wrong; the models use them through ``Annotated`` aliases.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Annotated

from pydantic import AfterValidator, WithJsonSchema


class Invalid(ValueError):
    """A value the operator wrote that cannot be used, with what to do about it."""

    def __init__(self, problem: str, fix: str):
        super().__init__(problem)
        self.problem = problem
        self.fix = fix


_CPU = re.compile(r"^(?:(\d+)m|(\d+)(?:\.(\d{1,3}))?)$")
_MEMORY = re.compile(r"^(\d+)(Mi|Gi)$")
_GIBIBYTES = re.compile(r"^([1-9]\d*)Gi$")
_DNS_LABEL = r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?"
_HOSTNAME = re.compile(rf"^(?=.{{1,253}}$){_DNS_LABEL}(?:\.{_DNS_LABEL})+$")
_NAME = re.compile(r"^[a-z](?:[a-z0-9-]{0,61}[a-z0-9])?$")
_ENV_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_SECRET_KEY = re.compile(r"^[-._a-zA-Z0-9]+$")
_TAG = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$")


def cpu_millis(text: str) -> int:
    """'250m' -> 250, '2' -> 2000, '0.5' -> 500."""
    match = _CPU.match(text)
    if not match:
        raise Invalid(
            f"'{text}' is not a CPU quantity",
            "write millicores such as 250m, or whole cores such as 1",
        )
    millis, whole, fraction = match.groups()
    if millis is not None:
        return int(millis)
    return int(whole) * 1000 + int((fraction or "0").ljust(3, "0"))


def memory_mebibytes(text: str) -> int:
    """'384Mi' -> 384, '2Gi' -> 2048."""
    match = _MEMORY.match(text)
    if not match:
        raise Invalid(
            f"'{text}' is not a memory quantity in Mi or Gi",
            "write mebibytes such as 512Mi, or gibibytes such as 2Gi",
        )
    number, unit = match.groups()
    return int(number) * (1024 if unit == "Gi" else 1)


def gibibytes(text: str) -> int:
    """'2Gi' -> 2. Volumes are sized in whole gibibytes."""
    match = _GIBIBYTES.match(text)
    if not match:
        raise Invalid(f"'{text}' is not a whole number of gibibytes", "write the size in Gi, e.g. 2Gi")
    return int(match.group(1))


def _check_gibibytes(text: str) -> str:
    gibibytes(text)
    return text


def _check_cpu(text: str) -> str:
    if cpu_millis(text) <= 0:
        raise Invalid(f"'{text}' is no CPU at all", "request at least 1m")
    return text


def _check_memory(text: str) -> str:
    if memory_mebibytes(text) <= 0:
        raise Invalid(f"'{text}' is no memory at all", "request at least 1Mi")
    return text


def _check_hostname(text: str) -> str:
    if not _HOSTNAME.match(text):
        raise Invalid(
            f"'{text}' is not a valid DNS hostname",
            "use lowercase letters, digits, '-' and at least one '.', e.g. api.myhoneydue.com",
        )
    return text


def _check_name(text: str) -> str:
    if not _NAME.match(text):
        raise Invalid(
            f"'{text}' cannot name a Kubernetes object",
            "use at most 63 lowercase letters, digits and '-', starting with a letter, e.g. api",
        )
    return text


def _check_env_name(text: str) -> str:
    if not _ENV_NAME.match(text):
        raise Invalid(
            f"'{text}' is not an environment variable name",
            "use letters, digits and '_', not starting with a digit, e.g. DATABASE_URL",
        )
    return text


def _check_secret_key(text: str) -> str:
    if not _SECRET_KEY.match(text):
        raise Invalid(
            f"'{text}' is not a valid Secret key",
            "use letters, digits, '-', '_' and '.', e.g. DATABASE_URL",
        )
    return text


@dataclass(frozen=True)
class ImageRef:
    """A container image reference split into the parts the constructs need."""

    registry: str
    repository: str
    tag: str

    @property
    def text(self) -> str:
        return f"{self.registry}/{self.repository}:{self.tag}"


def parse_image(text: str) -> ImageRef:
    """Split 'registry/owner/name:tag'; the registry host is required so pulls are explicit."""
    if "@" in text:
        raise Invalid(
            f"image '{text}' uses a digest",
            "pin a tag instead (digests are not supported by this generator yet)",
        )
    head, _, tag = text.rpartition(":")
    if not head or "/" in tag:
        raise Invalid(
            f"image '{text}' has no tag",
            "append ':<tag>' naming a released build, e.g. ':6f303dbbaa' (never 'latest')",
        )
    if tag == "latest":
        raise Invalid(
            f"image '{text}' uses the floating tag 'latest'",
            "pin the tag of a released build, e.g. the git commit the image was built from",
        )
    if not _TAG.match(tag):
        raise Invalid(f"image '{text}' has an invalid tag '{tag}'", "use letters, digits, '_', '.' and '-'")
    registry, _, repository = head.partition("/")
    if "." not in registry and ":" not in registry and registry != "localhost":
        raise Invalid(
            f"image '{text}' does not name its registry",
            f"write the registry host first, e.g. docker.io/library/{head} or gitea.treytartt.com/{head}",
        )
    if not repository:
        raise Invalid(f"image '{text}' has no repository after the registry", "write registry/owner/name:tag")
    return ImageRef(registry=registry, repository=repository, tag=tag)


def _check_image(text: str) -> str:
    parse_image(text)
    return text


def _string(pattern: str, description: str) -> WithJsonSchema:
    return WithJsonSchema({"type": "string", "pattern": pattern, "description": description})


Cpu = Annotated[str, AfterValidator(_check_cpu), _string(_CPU.pattern, "CPU quantity, e.g. 250m or 1")]
Memory = Annotated[str, AfterValidator(_check_memory), _string(_MEMORY.pattern, "memory quantity, e.g. 512Mi or 2Gi")]
VolumeSize = Annotated[str, AfterValidator(_check_gibibytes), _string(_GIBIBYTES.pattern, "volume size, e.g. 2Gi")]
Hostname = Annotated[str, AfterValidator(_check_hostname), _string(_HOSTNAME.pattern, "DNS hostname")]
Name = Annotated[str, AfterValidator(_check_name), _string(_NAME.pattern, "Kubernetes object name (RFC 1035 label)")]
EnvName = Annotated[str, AfterValidator(_check_env_name), _string(_ENV_NAME.pattern, "environment variable name")]
SecretKey = Annotated[str, AfterValidator(_check_secret_key), _string(_SECRET_KEY.pattern, "key inside a Secret")]
Image = Annotated[
    str,
    AfterValidator(_check_image),
    WithJsonSchema({"type": "string", "description": "registry/owner/name:tag with a pinned tag (never latest)"}),
]
