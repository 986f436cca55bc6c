"""Image references by the distribution grammar: what config accepts, what any manifest may hold, how diffs show
them."""

from __future__ import annotations

import pytest

from gitops.k8s import images
from gitops.k8s.images import ImageError, ImageRef, name_and_version, parse_image, short_digest, split

DIGEST = "sha256:" + "0123456789abcdef" * 4


@pytest.mark.parametrize(
    "text, expected",
    [
        (
            "gitea.treytartt.com/treytartt/honeydue-api:6f303dbbaa",
            ImageRef("gitea.treytartt.com", "treytartt/honeydue-api", "6f303dbbaa", None),
        ),
        (
            f"docker.io/library/redis:7.4.2-alpine@{DIGEST}",
            ImageRef("docker.io", "library/redis", "7.4.2-alpine", DIGEST),
        ),
        (f"docker.io/library/redis@{DIGEST}", ImageRef("docker.io", "library/redis", None, DIGEST)),
        ("localhost:5000/ops/agent:2.1", ImageRef("localhost:5000", "ops/agent", "2.1", None)),
        ("[::1]:5000/agent:2.1", ImageRef("[::1]:5000", "agent", "2.1", None)),
        ("redis:7", ImageRef("", "redis", "7", None)),  # the grammar allows no host; config does not
        ("library/redis", ImageRef("", "library/redis", None, None)),  # 'library' is no host: no '.', ':' or localhost
        ("a.io/x__y/z--w.v:T_1", ImageRef("a.io", "x__y/z--w.v", "T_1", None)),
    ],
)
def test_the_grammar_splits_registry_path_tag_and_digest(text: str, expected: ImageRef):
    assert split(text) == expected
    assert split(text).text == text  # rendered exactly as written


@pytest.mark.parametrize(
    "text, problem, fix",
    [
        (
            "gitea.treytartt.com/Treytartt/API:1",
            "image 'gitea.treytartt.com/Treytartt/API:1' has upper case in its repository path 'Treytartt/API', "
            "which no registry serves",
            "write the path in lower case: treytartt/api",
        ),
        (
            "a.io/x_-y:1",
            "image 'a.io/x_-y:1' has an invalid repository path 'x_-y'",
            "use lower-case letters and digits separated by '/', '.', '_' or '-'",
        ),
        (
            "a.io/x:-1",
            "image 'a.io/x:-1' has an invalid tag '-1'",
            "use at most 128 letters, digits, '_', '.' and '-', not starting with '.' or '-'",
        ),
        (
            "a.io/x:" + "t" * 129,
            f"image 'a.io/x:{'t' * 129}' has an invalid tag '{'t' * 129}'",
            "use at most 128 letters, digits, '_', '.' and '-', not starting with '.' or '-'",
        ),
        (
            "a.io/x@sha256:abc",
            "image 'a.io/x@sha256:abc' has an invalid digest 'sha256:abc'",
            "write the digest the registry reports, sha256: followed by 64 lower-case hex digits",
        ),
        (
            "a.io/x@" + DIGEST.upper(),
            f"image 'a.io/x@{DIGEST.upper()}' has an invalid digest '{DIGEST.upper()}'",
            "write the digest the registry reports, sha256: followed by 64 lower-case hex digits",
        ),
        (
            "a.io/x@md5:" + "0" * 32,
            f"image 'a.io/x@md5:{'0' * 32}' has an invalid digest 'md5:{'0' * 32}'",
            "write the digest the registry reports, sha256: followed by 64 lower-case hex digits",
        ),
        ("a-.io/x:1", "image 'a-.io/x:1' has an invalid registry host 'a-.io'", "write a host name such as ghcr.io"),
        ("", "image '' names no repository", "write registry/owner/name:tag"),
        (
            "a.io/" + "x" * 256 + ":1",
            f"image 'a.io/{'x' * 256}:1' has a repository path longer than 255 characters",
            "shorten it",
        ),
    ],
)
def test_references_no_runtime_accepts(text: str, problem: str, fix: str):
    with pytest.raises(ImageError) as raised:
        split(text)
    assert (raised.value.problem, raised.value.fix) == (problem, fix)


def test_digest_algorithms_have_their_own_lengths():
    assert split("a.io/x@sha512:" + "a" * 128).digest == "sha512:" + "a" * 128
    with pytest.raises(ImageError):
        split("a.io/x@sha256:" + "a" * 128)
    assert images.DIGEST_HEX_LENGTH == {"sha256": 64, "sha384": 96, "sha512": 128}


@pytest.mark.parametrize(
    "text",
    [
        "gitea.treytartt.com/treytartt/honeydue-api:6f303dbbaa",
        f"gitea.treytartt.com/treytartt/honeydue-api:6f303dbbaa@{DIGEST}",
        f"docker.io/library/redis@{DIGEST}",
    ],
)
def test_config_accepts_tags_digests_and_both(text: str):
    assert parse_image(text).text == text


@pytest.mark.parametrize(
    "text, problem",
    [
        ("docker.io/library/redis:latest", "image 'docker.io/library/redis:latest' uses the floating tag 'latest'"),
        (
            f"docker.io/library/redis:latest@{DIGEST}",
            f"image 'docker.io/library/redis:latest@{DIGEST}' uses the floating tag 'latest'",
        ),
        ("docker.io/library/redis", "image 'docker.io/library/redis' has no tag"),
        ("redis:7.4.2", "image 'redis:7.4.2' does not name its registry"),
    ],
)
def test_config_refuses_latest_a_missing_tag_and_a_missing_registry(text: str, problem: str):
    with pytest.raises(ImageError) as raised:
        parse_image(text)
    assert raised.value.problem == problem


def test_the_version_label_is_the_tag_or_the_start_of_the_digest():
    assert parse_image(f"a.io/x:1.2@{DIGEST}").version_label == "1.2"
    assert parse_image(f"a.io/x@{DIGEST}").version_label == "0123456789ab"


def test_any_string_splits_for_display():
    assert name_and_version("registry.example:5000/ops/agent:2.1") == ("registry.example:5000/ops/agent", "2.1")
    assert name_and_version("registry.example:5000/ops/agent") == ("registry.example:5000/ops/agent", "(no tag)")
    assert name_and_version("Not An Image:x@y") == ("Not An Image", "x@y")


def test_digests_shorten_to_twelve_hex_digits():
    assert short_digest(f"7@{DIGEST}") == "7@sha256:0123456789ab…"
    assert short_digest(f"@{DIGEST}") == "@sha256:0123456789ab…"
    assert short_digest("7") == "7"
    assert short_digest("7@sha256:ab12") == "7@sha256:ab12"


def test_a_tag_longer_than_a_label_value_makes_a_valid_version_label():
    # A registry takes 128 characters of tag; the API server refuses a label value over 63 (the
    # rehearsal found the Deployment refused whole). The image keeps its tag, the label a valid cut.
    tag = "6f303dbbaa-" + "0123456789abcdef" * 4
    image = parse_image(f"gitea.treytartt.com/treytartt/honeydue-worker:{tag}")
    assert image.tag == tag
    assert image.version_label == tag[:63]
    assert parse_image("a.io/x:_build.7-").version_label == "build.7"


@pytest.mark.parametrize(
    "text, registry",
    [
        ("gitea.treytartt.com/treytartt/honeydue-api:6f303dbbaa", "gitea.treytartt.com"),
        ("localhost:5000/api:1", "localhost:5000"),
        ("localhost/api:1", "localhost"),
        ("library/redis:7", ""),  # a Docker Hub path, not a host
        ("redis", ""),
        ("Not A Reference", ""),
    ],
)
def test_registry_of_any_image_string(text, registry):
    assert images.registry_of(text) == registry


@pytest.mark.parametrize(
    "text, tag, digest",
    [
        ("6f303dbbaa", "6f303dbbaa", None),
        (f"6f303dbbaa@{DIGEST}", "6f303dbbaa", DIGEST),
        (DIGEST, None, DIGEST),
        (f"@{DIGEST}", None, DIGEST),
        ("7.4.2-alpine", "7.4.2-alpine", None),
    ],
)
def test_a_version_is_a_tag_a_digest_or_both(text: str, tag: str | None, digest: str | None):
    assert images.parse_version(text) == (tag, digest)
    assert images.version_text(tag, digest) == text.removeprefix("@")


@pytest.mark.parametrize(
    "text, what",
    [
        ("latest", "uses the floating tag 'latest'"),
        ("-1", "has an invalid tag '-1'"),
        ("sha256:abc", "has an invalid digest 'sha256:abc'"),
        ("1@sha256:" + "AB" * 32, "has an invalid digest 'sha256:" + "AB" * 32 + "'"),
        ("", "names no build"),
    ],
)
def test_a_version_is_checked_by_the_grammar_of_a_whole_reference(text: str, what: str):
    with pytest.raises(ImageError) as caught:
        images.parse_version(text)
    assert caught.value.what == what


def test_a_repository_pinned_to_a_version_is_the_reference_a_pod_pulls():
    repository = images.repository("gitea.treytartt.com/treytartt/honeydue-api")
    assert images.pin(repository, f"1a2b@{DIGEST}").text == f"gitea.treytartt.com/treytartt/honeydue-api:1a2b@{DIGEST}"
    assert images.pin(repository, "1a2b").version_label == "1a2b"
