"""Container image references: the one place their grammar lives.

The grammar is the distribution reference grammar that container runtimes
parse image names with (github.com/distribution/reference, reference.go for
the productions, regexp.go for the expressions):

    reference        := name [ ":" tag ] [ "@" digest ]
    name             := [domain "/"] path-component ["/" path-component]*
    domain           := host [":" port-number]
    path-component   := [a-z0-9]+ (separator [a-z0-9]+)*     separator := [_.] | "__" | "-"+
    tag              := [\\w][\\w.-]{0,127}
    digest           := algorithm ":" hex (32 or more)

Repository paths are lower case only: the runtime refuses an upper-case one
("repository name must be lowercase", reference.go), so a pod with one never
starts. The first path component is a registry host only when it contains a
'.' or a ':' or is 'localhost' (splitDockerDomain in normalize.go); any other
first component is part of a Docker Hub path, which is why config requires a
host it can recognise. Digests are checked as go-digest does for the
algorithms registries use: sha256, sha384, sha512 with lower-case hex of their
length.

Config names a repository once (services.<name>.image, shared by every
environment) and the build each environment runs as a version, the part after
the name: a tag, a digest or both (parse_version, pin).

Config (gitops/config/values.py), the charts (version label, registry host),
`main.py check` (image-tag, image-digest) and `main.py diff` (image changes)
all read images through this module.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from gitops.k8s import labels

_ALPHANUMERIC = r"[a-z0-9]+"
_SEPARATOR = r"(?:[._]|__|[-]+)"
_PATH_COMPONENT = rf"{_ALPHANUMERIC}(?:{_SEPARATOR}{_ALPHANUMERIC})*"
_DOMAIN_COMPONENT = r"(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])"
_HOST = rf"(?:{_DOMAIN_COMPONENT}(?:\.{_DOMAIN_COMPONENT})*|\[[a-fA-F0-9:]+\])"
_DOMAIN = rf"{_HOST}(?::[0-9]+)?"
_TAG = r"[\w][\w.-]{0,127}"
_DIGEST = r"[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}"

_PATH = re.compile(rf"{_PATH_COMPONENT}(?:/{_PATH_COMPONENT})*", re.ASCII)
_DOMAIN_RE = re.compile(_DOMAIN, re.ASCII)
_TAG_RE = re.compile(_TAG, re.ASCII)
_DIGEST_RE = re.compile(_DIGEST, re.ASCII)

# go-digest's registered algorithms and the length of their hex encoding.
DIGEST_HEX_LENGTH = {"sha256": 64, "sha384": 96, "sha512": 128}
# reference.go: RepositoryNameTotalLengthMax.
PATH_MAX = 255
FLOATING_TAG = "latest"


class ImageError(ValueError):
    """A reference that is not an image a runtime can pull, with what to write instead."""

    def __init__(self, image: str, what: str, fix: str):
        self.what = what  # e.g. "has no tag"
        self.problem = f"image '{image}' {what}"
        self.fix = fix
        super().__init__(self.problem)


@dataclass(frozen=True)
class ImageRef:
    """A parsed reference; registry is '' when the name starts with no host."""

    registry: str
    repository: str
    tag: str | None = None
    digest: str | None = None

    @property
    def name(self) -> str:
        return f"{self.registry}/{self.repository}" if self.registry else self.repository

    @property
    def version(self) -> str:
        """The build: 'tag', 'tag@digest' or 'digest' ('' for a bare repository)."""
        return version_text(self.tag, self.digest)

    @property
    def text(self) -> str:
        """The reference as written: a digest is kept exactly, never resolved or reordered."""
        return self.name + (f":{self.tag}" if self.tag else "") + (f"@{self.digest}" if self.digest else "")

    @property
    def version_label(self) -> str:
        """A label value for app.kubernetes.io/version: the tag, else the digest's first 12 hex digits.

        A tag may hold 128 characters and start with '_', a label value 63 that start and end
        alphanumeric: a longer tag is cut to a valid value (labels.safe_value), because the API server
        refuses the whole Deployment for an invalid label, and an image a registry serves is no
        reason to refuse config. The image itself is unchanged.
        """
        if self.tag:
            return labels.safe_value(self.tag)
        return (self.digest or "").partition(":")[2][:12]


def _registry_and_path(name: str) -> tuple[str, str]:
    first, slash, rest = name.partition("/")
    if slash and ("." in first or ":" in first or first == "localhost"):
        return first, rest
    return "", name


def _parts(text: str) -> tuple[str, str | None, str | None]:
    """name, tag, digest: the tag follows the last ':' after the last '/', so a registry port is not a tag."""
    name, at, digest = text.partition("@")
    slash, colon = name.rfind("/"), name.rfind(":")
    name, tag = (name[:colon], name[colon + 1 :]) if colon > slash else (name, None)
    return name, tag, digest if at else None


def split(text: str) -> ImageRef:
    """Parse any reference by the grammar; raises ImageError for one no runtime accepts."""
    name, tag, digest = _parts(text)
    registry, path = _registry_and_path(name)
    if not path:
        raise ImageError(text, "names no repository", "write registry/owner/name:tag")
    if registry and not _DOMAIN_RE.fullmatch(registry):
        raise ImageError(text, f"has an invalid registry host '{registry}'", "write a host name such as ghcr.io")
    if not _PATH.fullmatch(path):
        if _PATH.fullmatch(path.lower()):
            raise ImageError(
                text,
                f"has upper case in its repository path '{path}', which no registry serves",
                f"write the path in lower case: {path.lower()}",
            )
        raise ImageError(
            text,
            f"has an invalid repository path '{path}'",
            "use lower-case letters and digits separated by '/', '.', '_' or '-'",
        )
    if len(path) > PATH_MAX:
        raise ImageError(text, f"has a repository path longer than {PATH_MAX} characters", "shorten it")
    if tag is not None and not _TAG_RE.fullmatch(tag):
        raise ImageError(
            text,
            f"has an invalid tag '{tag}'",
            "use at most 128 letters, digits, '_', '.' and '-', not starting with '.' or '-'",
        )
    if digest is not None:
        _check_digest(text, digest)
    return ImageRef(registry=registry, repository=path, tag=tag, digest=digest)


def _check_digest(text: str, digest: str) -> None:
    algorithm, _, encoded = digest.partition(":")
    length = DIGEST_HEX_LENGTH.get(algorithm)
    if not _DIGEST_RE.fullmatch(digest) or length is None or len(encoded) != length or encoded != encoded.lower():
        raise ImageError(
            text,
            f"has an invalid digest '{digest}'",
            "write the digest the registry reports, sha256: followed by 64 lower-case hex digits",
        )


def parse_image(text: str) -> ImageRef:
    """A reference config may deploy: by the grammar, from a named registry, pinned by a tag or a digest."""
    image = split(text)
    if image.tag == FLOATING_TAG:
        raise ImageError(
            text,
            "uses the floating tag 'latest'",
            "pin the tag of a released build, e.g. the git commit the image was built from",
        )
    if image.tag is None and image.digest is None:
        raise ImageError(
            text,
            "has no tag",
            "append ':<tag>' naming a released build, e.g. ':6f303dbbaa' (never 'latest'), or '@sha256:<digest>'",
        )
    if not image.registry:
        raise ImageError(
            text,
            "does not name its registry",
            f"write the registry host first, e.g. docker.io/library/{image.repository} or "
            f"gitea.treytartt.com/{image.repository}",
        )
    return image


def repository(text: str) -> ImageRef:
    """A repository config names without a build: registry host and path, no tag, no digest."""
    image = split(text)
    if not image.registry:
        raise ImageError(
            text,
            "does not name its registry",
            f"write the registry host first, e.g. docker.io/library/{image.repository} or "
            f"gitea.treytartt.com/{image.repository}",
        )
    return image


def parse_version(text: str) -> tuple[str | None, str | None]:
    """The build part of a reference, as an environment pins it: 'tag', 'tag@digest' or 'digest'.

    A version is what follows a repository's name: a tag, a digest (`sha256:<hex>`, also written
    `@sha256:<hex>`), or both. It is checked by the same grammar as a whole reference, and the
    floating tag 'latest' is refused as it is there. Raises ImageError, whose `image` is the text.
    """
    tag, at, digest = text.partition("@")
    if not at and ":" in text:
        tag, digest = "", text  # 'sha256:<hex>': a tag never holds ':'
    if not tag and not digest:
        raise ImageError(text, "names no build", "write a tag such as 6f303dbbaa, a digest sha256:<hex>, or tag@digest")
    if tag and not _TAG_RE.fullmatch(tag):
        raise ImageError(
            text,
            f"has an invalid tag '{tag}'",
            "use at most 128 letters, digits, '_', '.' and '-', not starting with '.' or '-'",
        )
    if tag == FLOATING_TAG:
        raise ImageError(
            text,
            "uses the floating tag 'latest'",
            "pin the tag of a released build, e.g. the git commit the image was built from",
        )
    if digest:
        _check_digest(text, digest)
    return tag or None, digest or None


def version_text(tag: str | None, digest: str | None) -> str:
    """A version as config writes it: 'tag', 'tag@digest' or 'digest' (no leading '@', which YAML would need quoted)."""
    return (tag or "") + (f"@{digest}" if tag and digest else digest or "")


def pin(repository_ref: ImageRef, version: str) -> ImageRef:
    """A repository with the build an environment runs: the reference a pod pulls."""
    tag, digest = parse_version(version)
    return ImageRef(registry=repository_ref.registry, repository=repository_ref.repository, tag=tag, digest=digest)


def registry_of(text: str) -> str:
    """The registry host of any image string, valid or not; '' when its first component is not a host."""
    return _registry_and_path(_parts(text)[0])[0]


def name_and_version(text: str) -> tuple[str, str]:
    """Name and version (tag, digest, or both) of any image string, valid or not, for display.

    A string the grammar refuses is split the same way, so a diff can show any change.
    """
    name, tag, digest = _parts(text)
    version = (tag or "") + (f"@{digest}" if digest is not None else "")
    return name, version or "(no tag)"


def short_digest(version: str, hex_digits: int = 12) -> str:
    """'7@sha256:<64 hex>' -> '7@sha256:<first 12>…': digests stay distinguishable in one line."""
    head, at, digest = version.partition("@")
    algorithm, colon, encoded = digest.partition(":")
    if not at or not colon or len(encoded) <= hex_digits:
        return version
    return f"{head}@{algorithm}:{encoded[:hex_digits]}…"


def short_version(version: str, hex_digits: int = 12) -> str:
    """A version ('tag', 'tag@digest' or 'digest') with its digest shortened, for one line of output."""
    if "@" not in version and ":" in version:
        return short_digest(f"@{version}", hex_digits)[1:]
    return short_digest(version, hex_digits)
