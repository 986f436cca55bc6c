"""Value types shared by the config models: quantities, hostnames, image references.

Each type validates the text an operator writes and explains the fix when it
is wrong; the models use them through ``Annotated`` aliases. Quantities and
image references are parsed once, here: the model holds a Parsed value, text
exactly as written (it is a str, so it is rendered and dumped unchanged) that
also carries what the text means (millicores, bytes, the reference's parts),
so the constructs never parse a string again.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated, Any, Self, TypeVar

from pydantic import AfterValidator, GetCoreSchemaHandler, WithJsonSchema
from pydantic_core import CoreSchema

from gitops.k8s import images, labels, quantities


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


class Parsed(str):
    """Config text as written, with its meaning parsed once (attributes set by the type's validator)."""

    @classmethod
    def of(cls, text: str, **meaning: object) -> Self:
        value = cls(text)
        value.__dict__.update(meaning)
        return value

    @classmethod
    def __get_pydantic_core_schema__(cls, source: Any, handler: GetCoreSchemaHandler) -> CoreSchema:
        # Validated (and written back) as text; the type's check, an AfterValidator, returns this class.
        return handler.generate_schema(str)

    def __reduce__(self) -> tuple[Callable[[type[Parsed], str, dict[str, object]], Parsed], tuple[object, ...]]:
        # Workers receive the models pickled: keep the meaning with the text.
        return (_rebuild, (type(self), str(self), dict(self.__dict__)))


def _rebuild(cls: type[Parsed], text: str, meaning: dict[str, object]) -> Parsed:
    return cls.of(text, **meaning)


class ParsedCpu(Parsed):
    """A CPU quantity; millis as the scheduler counts it."""

    millis: int


class ParsedMemory(Parsed):
    """A memory quantity; bytes, and mebibytes (config's forms are whole Mi or Gi)."""

    bytes: int

    @property
    def mebibytes(self) -> int:
        return self.bytes // 2**20


class ParsedSize(Parsed):
    """A volume size in whole gibibytes."""

    gibibytes: int


class ParsedImage(Parsed):
    """An image reference; ref holds its parts (registry, repository, tag, digest)."""

    ref: images.ImageRef


class ParsedRepository(Parsed):
    """An image repository without a build; ref holds its registry and path (no tag, no digest)."""

    ref: images.ImageRef


class ParsedVersion(Parsed):
    """The build an environment runs: a tag, a digest or both."""

    tag: str | None
    digest: str | None


def _quantity_form(text: str, form: re.Pattern[str], problem: str, fix: str) -> None:
    """Config accepts fewer quantity forms than Kubernetes does; their values come from the one parser."""
    if not form.match(text):
        raise Invalid(problem, fix)


_P = TypeVar("_P", bound=Parsed)


def _positive_quantity(
    form: re.Pattern[str],
    parsed: type[_P],
    unit: str,
    amount: Callable[[str], int],
    kind: str,
    what: str,
    examples: str,
    least: str,
) -> Callable[[str], _P]:
    """A validator: one of config's forms, more than nothing, parsed into its amount once."""

    def check(text: str) -> _P:
        _quantity_form(text, form, f"'{text}' is not a {what}", f"write {examples}")
        value = amount(text)
        if value <= 0:
            raise Invalid(f"'{text}' is no {kind} at all", f"request at least {least}")
        return parsed.of(text, **{unit: value})

    return check


_check_cpu = _positive_quantity(
    _CPU,
    ParsedCpu,
    "millis",
    quantities.cpu_millis,
    "CPU",
    "CPU quantity",
    "millicores such as 250m, or whole cores such as 1",
    "1m",
)
_check_memory = _positive_quantity(
    _MEMORY,
    ParsedMemory,
    "bytes",
    quantities.memory_bytes,
    "memory",
    "memory quantity in Mi or Gi",
    "mebibytes such as 512Mi, or gibibytes such as 2Gi",
    "1Mi",
)


def cpu(text: str) -> ParsedCpu:
    """A CPU quantity parsed as config parses it, for a model's default."""
    return _check_cpu(text)


def memory(text: str) -> ParsedMemory:
    """A memory quantity parsed as config parses it, for a model's default."""
    return _check_memory(text)


def _check_gibibytes(text: str) -> ParsedSize:
    """'2Gi' -> 2: volumes are sized in whole gibibytes."""
    _quantity_form(text, _GIBIBYTES, f"'{text}' is not a whole number of gibibytes", "write the size in Gi, e.g. 2Gi")
    return ParsedSize.of(text, gibibytes=quantities.memory_bytes(text) // 2**30)


def _check_hostname(text: str) -> str:
    if not _HOSTNAME.match(text):
        raise Invalid(
            f"'{text}' is not a valid DNS hostname",
            "use lowercase letters, digits, '-' and at least one '.', e.g. api.myhoneydue.com",
        )
    return text


def is_name(text: str) -> bool:
    """A Kubernetes object name and label value: an RFC 1035 label, which is also a safe path segment."""
    return bool(_NAME.match(text))


def name_like(text: str) -> str:
    """The nearest valid name, for a fix: 'Prod Copy' -> 'prod-copy'."""
    words = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    return (words if words[:1].isalpha() else f"env-{words}".rstrip("-"))[:63].rstrip("-")


def _check_name(text: str) -> str:
    if not is_name(text):
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


def _check_label_key(text: str) -> str:
    problem = labels.key_problem(text)
    if problem:
        raise Invalid(f"'{text}' is not a label key: {problem}", "write a key such as app or app.kubernetes.io/name")
    return text


def _check_label_value(text: str) -> str:
    problem = labels.value_problem(text)
    if problem:
        raise Invalid(f"'{text}' is not a label value: it {problem}", "write a value such as api")
    return text


_DURATION = re.compile(r"^(?:\d+h)?(?:\d+m)?(?:\d+s)?$")
_GIT_URL = re.compile(r"^(?:https?|ssh)://[^\s/]+/\S+$")


def duration_seconds(text: str) -> int:
    """'1h30m' -> 5400: the Go duration subset GitOps engines accept for intervals."""
    match = _DURATION.match(text)
    if not text or not match:
        raise Invalid(f"'{text}' is not a duration", "write hours, minutes and seconds such as 10m, 1h or 1m30s")
    total = 0
    for amount, unit in re.findall(r"(\d+)([hms])", text):
        total += int(amount) * {"h": 3600, "m": 60, "s": 1}[unit]
    return total


def format_duration(seconds: int) -> str:
    """5400 -> '1h30m', 780 -> '13m', 90 -> '1m30s'."""
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    text = (f"{hours}h" if hours else "") + (f"{minutes}m" if minutes else "") + (f"{secs}s" if secs else "")
    return text or "0s"


def _check_duration(text: str) -> str:
    if duration_seconds(text) <= 0:
        raise Invalid(f"'{text}' is no time at all", "use a positive duration such as 1m")
    return text


def _check_git_url(text: str) -> str:
    if re.match(r"^[\w.-]+@[\w.-]+:", text):
        user_host, _, path = text.partition(":")
        raise Invalid(
            f"'{text}' is an scp-style address, which Flux rejects",
            f"write it as a URL: ssh://{user_host}/{path}",
        )
    if not _GIT_URL.match(text):
        raise Invalid(
            f"'{text}' is not an http(s):// or ssh:// repository URL",
            "write e.g. https://gitea.treytartt.com/owner/repo.git or ssh://git@gitea.treytartt.com/owner/repo.git",
        )
    return text


def _check_cidr(text: str) -> str:
    import ipaddress

    try:
        ipaddress.ip_network(text, strict=True)
    except ValueError:
        raise Invalid(f"'{text}' is not a network in CIDR notation", "write e.g. 10.42.0.0/16") from None
    return text


def _check_ip(text: str) -> str:
    import ipaddress

    try:
        ipaddress.ip_address(text)
    except ValueError:
        raise Invalid(f"'{text}' is not an IP address", "write e.g. 178.104.247.152") from None
    return text


def _check_image(text: str) -> ParsedImage:
    try:
        return ParsedImage.of(text, ref=images.parse_image(text))
    except images.ImageError as err:
        raise Invalid(err.problem, err.fix) from None


def image(text: str) -> ParsedImage:
    """A whole reference as config would accept it (a repository pinned by an environment's version)."""
    return _check_image(text)


def _check_repository(text: str) -> ParsedRepository:
    try:
        ref = images.repository(text)
    except images.ImageError as err:
        raise Invalid(err.problem, err.fix) from None
    if ref.tag is not None or ref.digest is not None:
        raise Invalid(
            f"image '{text}' pins the build '{ref.version}' in config every environment shares, so a new build "
            "would reach every environment in one change",
            f"write the repository alone here ({ref.name}) and the build in each config/<env>.yaml under "
            f"images: (<service>: {ref.version})",
        )
    return ParsedRepository.of(text, ref=ref)


def _check_version(text: str) -> ParsedVersion:
    try:
        tag, digest = images.parse_version(text)
    except images.ImageError as err:
        raise Invalid(f"build '{text}' {err.what}", err.fix) from None
    return ParsedVersion.of(text, tag=tag, digest=digest)


def version(text: str) -> ParsedVersion:
    """A version checked as config checks it, for code that writes one."""
    return _check_version(text)


@dataclass(frozen=True)
class Expect:
    """What a value type holds, in the words an error message uses ("a CPU quantity such as 250m or 2")."""

    words: str


def _string(pattern: str | None, description: str) -> WithJsonSchema:
    schema = {"type": "string", "description": description}
    return WithJsonSchema(schema | ({"pattern": pattern} if pattern else {}))


Cpu = Annotated[
    ParsedCpu,
    AfterValidator(_check_cpu),
    _string(_CPU.pattern, "CPU quantity, e.g. 250m or 1"),
    Expect("a CPU quantity such as 250m or 2"),
]
Memory = Annotated[
    ParsedMemory,
    AfterValidator(_check_memory),
    _string(_MEMORY.pattern, "memory quantity, e.g. 512Mi or 2Gi"),
    Expect("a memory quantity such as 512Mi or 2Gi"),
]
VolumeSize = Annotated[
    ParsedSize,
    AfterValidator(_check_gibibytes),
    _string(_GIBIBYTES.pattern, "volume size, e.g. 2Gi"),
    Expect("a size in whole Gi such as 2Gi"),
]
Hostname = Annotated[
    str,
    AfterValidator(_check_hostname),
    _string(_HOSTNAME.pattern, "DNS hostname"),
    Expect("a DNS hostname such as api.myhoneydue.com"),
]
Name = Annotated[
    str,
    AfterValidator(_check_name),
    _string(_NAME.pattern, "Kubernetes object name (RFC 1035 label)"),
    Expect("a name of lowercase letters, digits and '-' such as api"),
]
EnvName = Annotated[
    str,
    AfterValidator(_check_env_name),
    _string(_ENV_NAME.pattern, "environment variable name"),
    Expect("a variable name such as SMTP_HOST"),
]
LabelKey = Annotated[
    str,
    AfterValidator(_check_label_key),
    _string(None, "label key, e.g. app"),
    Expect("a label key such as app"),
]
LabelValue = Annotated[
    str,
    AfterValidator(_check_label_value),
    _string(None, "label value, e.g. api"),
    Expect("a label value such as api"),
]
SecretKey = Annotated[
    str,
    AfterValidator(_check_secret_key),
    _string(_SECRET_KEY.pattern, "key inside a Secret"),
    Expect("a Secret key such as DATABASE_URL"),
]
Duration = Annotated[
    str,
    AfterValidator(_check_duration),
    _string(_DURATION.pattern, "duration, e.g. 10m or 1h30m"),
    Expect("a duration such as 10m or 1h30m"),
]
GitUrl = Annotated[
    str,
    AfterValidator(_check_git_url),
    _string(_GIT_URL.pattern, "http(s):// or ssh:// git URL"),
    Expect("a repository URL such as https://gitea.treytartt.com/owner/repo.git"),
]
Cidr = Annotated[
    str, AfterValidator(_check_cidr), _string(None, "CIDR, e.g. 10.42.0.0/16"), Expect("a network such as 10.42.0.0/16")
]
IpAddress = Annotated[
    str, AfterValidator(_check_ip), _string(None, "IP address"), Expect("an IP address such as 178.104.247.152")
]
Image = Annotated[
    ParsedImage,
    AfterValidator(_check_image),
    _string(None, "registry/owner/name:tag, registry/owner/name@sha256:<digest> or both; never latest"),
    Expect("an image reference such as gitea.treytartt.com/owner/name:tag"),
]
ImageRepository = Annotated[
    ParsedRepository,
    AfterValidator(_check_repository),
    _string(None, "registry/owner/name, without a tag or digest (each environment names its build under images:)"),
    Expect("an image repository such as gitea.treytartt.com/owner/name"),
]
ImageVersion = Annotated[
    ParsedVersion,
    AfterValidator(_check_version),
    _string(None, "a tag, a digest (sha256:<hex>) or tag@sha256:<hex>; never latest"),
    Expect("a build such as 6f303dbbaa, sha256:<64 hex digits> or 6f303dbbaa@sha256:<64 hex digits>"),
]
