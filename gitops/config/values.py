"""Value types shared by the config models: quantities, hostnames, image references.

Each type validates the text an operator writes and explains the fix when it
is wrong; the models use them through ``Annotated`` aliases. Quantities and
image references are parsed once, here: the model holds a Parsed value, text
exactly as written (it is a str, so it is rendered and dumped unchanged) that
also carries what the text means (millicores, bytes, the reference's parts),
so the constructs never parse a string again.
"""

from __future__ import annotations

import posixpath
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


# Every pattern is matched against the whole value (fullmatch): a value read from a block scalar (`|`) ends in
# "\n", which `$` lets through. ASCII only: `\d` alone also takes the digits of every other script.
_CPU = re.compile(r"^(?:(\d+)m|(\d+)(?:\.(\d{1,3}))?)$", re.ASCII)
_MEMORY = re.compile(r"^(\d+)(Mi|Gi)$", re.ASCII)
_GIBIBYTES = re.compile(r"^([1-9]\d*)Gi$", re.ASCII)
_DNS_LABEL = r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?"
_HOSTNAME = re.compile(rf"^(?=.{{1,253}}$){_DNS_LABEL}(?:\.{_DNS_LABEL})+$", re.ASCII)
_NAME = re.compile(r"^[a-z](?:[a-z0-9-]{0,61}[a-z0-9])?$", re.ASCII)
_ENV_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$", re.ASCII)
_SECRET_KEY = re.compile(r"^[-._a-zA-Z0-9]+$", re.ASCII)
# A DNS subdomain (RFC 1123): what a StorageClass name is (IsDNS1123Subdomain, k8s.io/apimachinery).
_SUBDOMAIN = re.compile(rf"^(?=.{{1,253}}$){_DNS_LABEL}(?:\.{_DNS_LABEL})*$", re.ASCII)
# A Traefik entry point's name, as the router.entrypoints annotation lists them (comma-separated).
_ENTRY_POINT = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,62}$", re.ASCII)
# A URL scheme (RFC 3986 section 3.1).
_SCHEME = re.compile(r"^[a-z][a-z0-9+.-]*$", re.ASCII)


_ESCAPES = {"\n": "\\n", "\r": "\\r", "\t": "\\t", "\x00": "\\0"}
_NAMED = {
    "\n": "a line break",
    "\r": "a carriage return",
    "\t": "a tab",
    " ": "a space",
    "\x00": "a NUL character",
    "\x1b": "an escape character (ESC)",
    "\x7f": "a DEL character",
}


def shown(text: str) -> str:
    """text as a message shows it: an invisible character escaped, so a trailing line break can be seen."""
    return "".join(c if c.isprintable() else _ESCAPES.get(c, f"\\u{ord(c):04x}") for c in text)


def hidden(text: str, *, spaces: bool = False, lines: bool = False) -> str | None:
    """The first character text must not hold, in words ("a line break at its end"); None when there is none.

    Names, hosts, paths and URLs hold only visible characters; free text may also hold spaces (spaces), and
    settings and arguments line breaks and tabs too (lines). Control characters (NUL, ESC, DEL, C1) and the
    invisible format characters (zero-width spaces, bidirectional overrides) are never allowed: a NUL ends an
    argument or variable at exec, an ESC rewrites the terminal that prints it.
    """
    for index, char in enumerate(text):
        if (spaces and char == " ") or (lines and char in "\n\t") or (char.isprintable() and not char.isspace()):
            continue
        where = " at its end" if index == len(text) - 1 and index > 0 else ""
        return (_NAMED.get(char) or f"the invisible character U+{ord(char):04X}") + where
    return None


BLOCK_SCALAR_FIX = (
    "remove it; a value written as a block scalar (| or >) ends in a line break: write the value on the key's "
    "own line, quoted if it must be"
)


def visible(text: str, what: str) -> str:
    """text, unless it holds a character a name, host, path or URL must not hold (Invalid then)."""
    found = hidden(text)
    if found:
        raise Invalid(f"{what} '{shown(text)}' holds {found}", BLOCK_SCALAR_FIX)
    return text


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
    if not form.fullmatch(text):
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
        visible(text, f"the {kind} quantity")
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


_check_disk = _positive_quantity(
    _MEMORY,
    ParsedMemory,
    "bytes",
    quantities.memory_bytes,
    "disk space",
    "disk size in Mi or Gi",
    "mebibytes such as 64Mi, or gibibytes such as 1Gi",
    "1Mi",
)


def cpu(text: str) -> ParsedCpu:
    """A CPU quantity parsed as config parses it, for a model's default."""
    return _check_cpu(text)


def memory(text: str) -> ParsedMemory:
    """A memory quantity parsed as config parses it, for a model's default."""
    return _check_memory(text)


def disk(text: str) -> ParsedMemory:
    """A disk size (node-local scratch space) parsed as config parses it, for a model's default."""
    return _check_disk(text)


def _check_gibibytes(text: str) -> ParsedSize:
    """'2Gi' -> 2: volumes are sized in whole gibibytes."""
    visible(text, "the size")
    _quantity_form(text, _GIBIBYTES, f"'{text}' is not a whole number of gibibytes", "write the size in Gi, e.g. 2Gi")
    return ParsedSize.of(text, gibibytes=quantities.memory_bytes(text) // 2**30)


def _check_hostname(text: str) -> str:
    visible(text, "the hostname")
    if not _HOSTNAME.fullmatch(text):
        raise Invalid(
            f"'{text}' is not a valid DNS hostname",
            "use lowercase letters, digits, '-' and at least one '.', e.g. api.myhoneydue.com",
        )
    return text


def is_name(text: str) -> bool:
    """A Kubernetes object name and label value: an RFC 1035 label, which is also a safe path segment."""
    return bool(_NAME.fullmatch(text))


def name_like(text: str) -> str:
    """The nearest valid name, for a fix: 'Prod Copy' -> 'prod-copy'."""
    words = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    return (words if words[:1].isalpha() else f"env-{words}".rstrip("-"))[:63].rstrip("-")


def _check_name(text: str) -> str:
    visible(text, "the name")
    if not is_name(text):
        raise Invalid(
            f"'{text}' cannot name a Kubernetes object",
            "use at most 63 lowercase letters, digits and '-', starting with a letter, e.g. api",
        )
    return text


def _check_env_name(text: str) -> str:
    visible(text, "the variable name")
    if not _ENV_NAME.fullmatch(text):
        raise Invalid(
            f"'{text}' is not an environment variable name",
            "use letters, digits and '_', not starting with a digit, e.g. DATABASE_URL",
        )
    return text


def _check_secret_key(text: str) -> str:
    visible(text, "the key")
    if not _SECRET_KEY.fullmatch(text):
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


_DURATION = re.compile(r"^(?:\d+h)?(?:\d+m)?(?:\d+s)?$", re.ASCII)
_GIT_URL = re.compile(r"^(?:https?|ssh)://[^\s/]+/\S+$", re.ASCII)


def duration_seconds(text: str) -> int:
    """'1h30m' -> 5400: the Go duration subset GitOps engines accept for intervals."""
    match = _DURATION.fullmatch(text)
    if not text or not match:
        raise Invalid(f"'{text}' is not a duration", "write hours, minutes and seconds such as 10m, 1h or 1m30s")
    total = 0
    for amount, unit in re.findall(r"(\d+)([hms])", text, re.ASCII):
        total += int(amount) * {"h": 3600, "m": 60, "s": 1}[unit]
    return total


def format_duration(seconds: int) -> str:
    """5400 -> '1h30m', 780 -> '13m', 90 -> '1m30s'."""
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    text = (f"{hours}h" if hours else "") + (f"{minutes}m" if minutes else "") + (f"{secs}s" if secs else "")
    return text or "0s"


def _check_duration(text: str) -> str:
    visible(text, "the duration")
    if duration_seconds(text) <= 0:
        raise Invalid(f"'{text}' is no time at all", "use a positive duration such as 1m")
    return text


def _check_git_url(text: str) -> str:
    visible(text, "the repository URL")
    if re.match(r"^[\w.-]+@[\w.-]+:", text, re.ASCII):
        user_host, _, path = text.partition(":")
        raise Invalid(
            f"'{text}' is an scp-style address, which Flux rejects",
            f"write it as a URL: ssh://{user_host}/{path}",
        )
    if not _GIT_URL.fullmatch(text):
        raise Invalid(
            f"'{text}' is not an http(s):// or ssh:// repository URL",
            "write e.g. https://gitea.treytartt.com/owner/repo.git or ssh://git@gitea.treytartt.com/owner/repo.git",
        )
    return text


def _check_cidr(text: str) -> str:
    import ipaddress

    visible(text, "the network")
    try:
        ipaddress.ip_network(text, strict=True)
    except ValueError:
        try:
            network = ipaddress.ip_network(text, strict=False)
        except ValueError:
            raise Invalid(f"'{text}' is not a network in CIDR notation", "write e.g. 10.42.0.0/16") from None
        raise Invalid(
            f"'{text}' has host bits set: a network starts at its first address",
            f"write {network}",
        ) from None
    return text


def _check_ip(text: str) -> str:
    import ipaddress

    visible(text, "the IP address")
    try:
        ipaddress.ip_address(text)
    except ValueError:
        raise Invalid(f"'{text}' is not an IP address", "write e.g. 178.104.247.152") from None
    return text


def _check_image(text: str) -> ParsedImage:
    visible(text, "the image")
    try:
        return ParsedImage.of(text, ref=images.parse_image(text))
    except images.ImageError as err:
        raise Invalid(err.problem, err.fix) from None


def image(text: str) -> ParsedImage:
    """A whole reference as config would accept it (a repository pinned by an environment's version)."""
    return _check_image(text)


def _check_repository(text: str) -> ParsedRepository:
    visible(text, "the image repository")
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
    visible(text, "the build")
    try:
        tag, digest = images.parse_version(text)
    except images.ImageError as err:
        raise Invalid(f"build '{text}' {err.what}", err.fix) from None
    return ParsedVersion.of(text, tag=tag, digest=digest)


def version(text: str) -> ParsedVersion:
    """A version checked as config checks it, for code that writes one."""
    return _check_version(text)


def _check_subdomain(text: str) -> str:
    visible(text, "the StorageClass name")
    if not _SUBDOMAIN.fullmatch(text):
        raise Invalid(
            f"'{text}' is not a valid StorageClass name",
            "use lowercase letters, digits, '-' and '.', starting and ending with a letter or digit, e.g. local-path",
        )
    return text


def _check_entry_point(text: str) -> str:
    visible(text, "the entry point")
    if not _ENTRY_POINT.fullmatch(text):
        raise Invalid(
            f"'{text}' cannot name a Traefik entry point",
            "use letters, digits, '-' and '_', as the entry point is named in Traefik's configuration, e.g. web",
        )
    return text


def _check_scheme(text: str) -> str:
    visible(text, "the scheme")
    if not _SCHEME.fullmatch(text):
        raise Invalid(f"'{text}' is not a URL scheme", "use lowercase letters, digits, '+', '-' and '.', e.g. redis")
    return text


def _check_branch(text: str) -> str:
    """A branch name git accepts (git check-ref-format --branch), short: without refs/heads/."""
    visible(text, "the branch")
    parts = text.split("/")
    if text.startswith("refs/"):
        raise Invalid(f"'{text}' is a full ref name", f"name the branch alone: {text.removeprefix('refs/heads/')}")
    if (
        not text
        or text.startswith("-")
        or text.endswith((".", ".lock"))
        or text == "@"
        or ".." in text
        or "@{" in text
        or any(c in text for c in "~^:?*[\\")
        or any(not part or part.startswith(".") or part.endswith(".lock") for part in parts)
    ):
        raise Invalid(
            f"'{text}' is not a branch name git accepts (git check-ref-format)",
            "use letters, digits, '-', '_' and '.' in words separated by '/', e.g. main or release/2026-06",
        )
    return text


def _check_mount_path(text: str) -> str:
    """An absolute path in its plain form: the API server refuses a relative one, and two spellings of one path
    would mount twice."""
    visible(text, "the mount path")
    if not text.startswith("/"):
        raise Invalid(
            f"mount path '{text}' is relative; a container mounts volumes at absolute paths",
            f"write it from the root: {posixpath.normpath('/' + text)}",
        )
    plain = posixpath.normpath(text).replace("//", "/")
    if plain == "/":
        raise Invalid(f"mount path '{text}' is the container's root", "mount at a directory of its own, e.g. /data")
    if plain != text:
        raise Invalid(f"mount path '{text}' is not written in its plain form", f"write {plain}")
    return text


def _check_url_path(text: str) -> str:
    visible(text, "the path")
    if text and not text.startswith("/"):
        raise Invalid(f"path '{text}' does not start with '/'", f"write /{text}")
    return text


def _check_server(text: str) -> str:
    from urllib.parse import urlsplit

    visible(text, "the URL")
    parts = urlsplit(text)
    if parts.scheme not in ("https", "http") or not parts.hostname:
        raise Invalid(
            f"'{text}' is not an http(s):// URL of an API server", "write e.g. https://kubernetes.default.svc"
        )
    return text


def check_line(text: str) -> str:
    """Free text on one line (descriptions, reasons): spaces, but no line break or control character."""
    found = hidden(text, spaces=True)
    if found:
        raise Invalid(f"the text '{shown(text)}' holds {found}", "write it on one line, without control characters")
    return text


def check_text(text: str) -> str:
    """A setting's value or an argument: line breaks and tabs, but no control character such as NUL or ESC."""
    found = hidden(text, spaces=True, lines=True)
    if found:
        raise Invalid(
            f"the value '{shown(text)}' holds {found}, which no program reads as text (a NUL ends it at exec)",
            "remove it; escapes such as \\e in a double-quoted YAML value are control characters",
        )
    return text


# Where a service's volumes go: its writable paths each get an emptyDir named after the path (volume_name),
# its storage the claim's volume, STORAGE_VOLUME. charts/naming.py and charts/workload.py name them with these,
# so config refuses two mounts that would share a name (a pod the API server refuses).
STORAGE_VOLUME = "data"


def volume_name(mount_path: str) -> str:
    """The emptyDir volume of a writable path: the path as a DNS label ('/var/cache' -> 'var-cache')."""
    name = re.sub(r"[^a-z0-9]+", "-", mount_path.lower()).strip("-")
    return name[:63].rstrip("-") or "root"


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
DiskSize = Annotated[
    ParsedMemory,
    AfterValidator(_check_disk),
    _string(_MEMORY.pattern, "disk size, e.g. 64Mi or 1Gi"),
    Expect("a disk size such as 64Mi or 1Gi"),
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
StorageClassName = Annotated[
    str,
    AfterValidator(_check_subdomain),
    _string(_SUBDOMAIN.pattern, "StorageClass name (RFC 1123 subdomain)"),
    Expect("a StorageClass name such as local-path"),
]
EntryPoint = Annotated[
    str,
    AfterValidator(_check_entry_point),
    _string(_ENTRY_POINT.pattern, "Traefik entry point name"),
    Expect("an entry point name such as web"),
]
Scheme = Annotated[
    str, AfterValidator(_check_scheme), _string(_SCHEME.pattern, "URL scheme"), Expect("a URL scheme such as redis")
]
Branch = Annotated[
    str,
    AfterValidator(_check_branch),
    _string(None, "git branch name (git check-ref-format --branch)"),
    Expect("a branch name such as main"),
]
MountPath = Annotated[
    str,
    AfterValidator(_check_mount_path),
    _string("^/", "absolute path in a container, e.g. /data"),
    Expect("an absolute path such as /data"),
]
UrlPath = Annotated[
    str, AfterValidator(_check_url_path), _string(None, "URL path, e.g. /0"), Expect("a path such as /api/health/")
]
ServerUrl = Annotated[
    str,
    AfterValidator(_check_server),
    _string(None, "http(s):// URL of a Kubernetes API server"),
    Expect("a URL such as https://kubernetes.default.svc"),
]
Line = Annotated[str, AfterValidator(check_line), Expect("one line of text")]
Text = Annotated[str, AfterValidator(check_text), Expect("text")]
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
