"""Bad input that once crashed, hung or passed: each class gets its exact message, exit 2, dist/ untouched."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.config.runs import assert_rejected, edit_config, synth_in

DIGEST = "sha256:" + "0123456789abcdef" * 4


def _append(config: Path, text: str, file: str = "prod.yaml") -> int:
    """Append text to config/<file>; returns the 1-based line of its first line."""
    path = config / file
    before = path.read_text()
    path.write_text(before + text)
    return before.count("\n") + 1


def test_a_file_that_is_not_utf8(tmp_path, config_copy, dist):
    path = config_copy / "prod.yaml"
    lines = path.read_bytes().splitlines(keepends=True)
    path.write_bytes(b"".join(lines[:5]) + b"# caf\xe9 in Latin-1\n" + b"".join(lines[5:]))
    assert_rejected(
        tmp_path,
        dist,
        (
            "config/prod.yaml:6: (file): the file is not UTF-8 text (byte 0xe9 at column 6).\n"
            "  fix: save it as UTF-8; YAML config is UTF-8 text.\n"
        ),
    )


@pytest.mark.parametrize(
    "tag, shown",
    [
        ("!!python/object/apply:os.system ['touch pwned']", "!!python/object/apply:os.system"),
        ("!!int 3", "!!int"),
        ("!local 3", "!local"),
    ],
)
def test_a_yaml_tag_is_refused_before_anything_is_built(tmp_path, config_copy, dist, tag, shown):
    line = edit_config(config_copy, "    replicas: 3\n", f"    replicas: {tag}\n")
    assert_rejected(
        tmp_path,
        dist,
        (
            f"config/prod.yaml:{line}: (syntax): YAML tag {shown} is not allowed in config.\n"
            "  fix: remove the tag: config holds only text, numbers, true/false, lists and mappings "
            "(quote a value that starts with '!').\n"
        ),
    )
    assert not (tmp_path / "pwned").exists()


BOMB = 'lol0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]\n' + "".join(
    f"lol{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 9)}]\n" for i in range(1, 10)
)


@pytest.mark.parametrize("text, shown", [(BOMB, "&a0"), ("merged:\n  <<: *shared\n", "*shared")])
def test_anchors_and_aliases_are_refused_before_any_expansion(tmp_path, config_copy, dist, text, shown):
    line = _append(config_copy, text) + (0 if shown.startswith("&") else 1)
    assert_rejected(
        tmp_path,
        dist,
        (
            f"config/prod.yaml:{line}: (syntax): YAML anchors and aliases ({shown}) are not allowed in config.\n"
            "  fix: write the value out where it is used; to share it between environments, put it in "
            "config/base.yaml.\n"
        ),
    )


@pytest.mark.parametrize(
    "old, new, file, key, problem, fix",
    [
        (
            "    replicas: 3\n",
            "    replicas: true\n",
            "prod.yaml",
            "services.api.replicas",
            "got true, expected a whole number such as 3",
            "write replicas as a whole number such as 3 (Number of pods)",
        ),
        (
            "    replicas: 3\n",
            '    replicas: "3"\n',
            "prod.yaml",
            "services.api.replicas",
            'got "3" in quotes, which is text, expected a whole number such as 3',
            "remove the quotes: replicas: 3",
        ),
        (
            "{cpu: 250m, memory: 512Mi",
            "{cpu: 2, memory: 512Mi",
            "prod.yaml",
            "services.api.resources.cpu",
            "got the number 2, expected a CPU quantity such as 250m or 2",
            'quote it: cpu: "2"',
        ),
        (
            "    singleton: true ",
            '    singleton: "true"',
            "base.yaml",
            "services.worker.singleton",
            'got "true" in quotes, which is text, expected true or false',
            "remove the quotes: singleton: true",
        ),
        (
            "      - api.myhoneydue.com\n",
            "      - 12\n",
            "prod.yaml",
            "services.api.hosts[0]",
            "got the number 12, expected a DNS hostname such as api.myhoneydue.com",
            'quote it: "12"',
        ),
    ],
)
def test_types_are_strict_and_explained_in_words(tmp_path, config_copy, dist, old, new, file, key, problem, fix):
    line = edit_config(config_copy, old, new, file=file)
    assert_rejected(tmp_path, dist, f"config/{file}:{line}: {key}: {problem}.\n  fix: {fix}.\n")


@pytest.mark.parametrize(
    "file, fixed",
    [
        ("Prod Copy", "prod-copy"),
        ("Prod", "prod"),
        ("prod.old", "prod-old"),
        ("2024", "env-2024"),
    ],
)
def test_environment_file_names_are_validated_like_every_name(tmp_path, config_copy, dist, file, fixed):
    (config_copy / f"{file}.yaml").write_text((config_copy / "prod.yaml").read_text())
    assert_rejected(
        tmp_path,
        dist,
        (
            f"config/{file}.yaml:0: (file): '{file}' cannot name an environment: "
            "it becomes a label value, a directory of dist/ and part of object names.\n"
            f"  fix: rename the file to config/{fixed}.yaml "
            "(lowercase letters, digits and '-', starting with a letter).\n"
        ),
    )


def test_an_upper_case_repository_path_is_refused(tmp_path, config_copy, dist):
    line = edit_config(config_copy, "treytartt/honeydue-api\n", "Treytartt/honeydue-api\n", file="base.yaml")
    assert_rejected(
        tmp_path,
        dist,
        (
            f"config/base.yaml:{line}: services.api.image: "
            "image 'gitea.treytartt.com/Treytartt/honeydue-api' "
            "has upper case in its repository path 'Treytartt/honeydue-api', which no registry serves.\n"
            "  fix: write the path in lower case: treytartt/honeydue-api.\n"
        ),
    )


@pytest.mark.parametrize(
    "build, image",
    [
        (f"6f303dbbaa@{DIGEST}", f"gitea.treytartt.com/treytartt/honeydue-api:6f303dbbaa@{DIGEST}"),
        (DIGEST, f"gitea.treytartt.com/treytartt/honeydue-api@{DIGEST}"),
        (f'"@{DIGEST}"', f"gitea.treytartt.com/treytartt/honeydue-api@{DIGEST}"),
    ],
)
def test_digests_are_accepted_and_rendered_unchanged(tmp_path, config_copy, build, image):
    edit_config(config_copy, "  api: 6f303dbbaa", f"  api: {build}", file="prod.yaml")
    done = synth_in(tmp_path, "--env", "prod")
    assert done.returncode == 0, done.stderr
    text = (tmp_path / "dist" / "prod" / "apps" / "deployment-api.yaml").read_text()
    assert f"image: {image}\n" in text
    assert "app.kubernetes.io/version: " + ("6f303dbbaa" if "6f30" in build else "0123456789ab") in text


@pytest.mark.parametrize(
    "setting, reason",
    [
        ("SMTP_PASSWORD: hunter2", "its name contains PASSWORD"),
        ("STRIPE_API_KEY: x", "its name ends in KEY"),
        ("CACHE_URL: redis://default:s3cret@redis:6379/0", "its value is a URL with a password in it"),
        (
            "UPLOAD_SIGNING: 3q2+7w6wZJ1Yx0d8Qk4rTb5PzLmN9aVc",
            "its value looks like a generated key (32 or more random letters and digits)",
        ),
    ],
)
def test_a_credential_in_settings_is_refused_with_the_secret_fix(tmp_path, config_copy, dist, setting, reason):
    line = edit_config(config_copy, "  B2_BUCKET: honeyDueProd\n", f"  B2_BUCKET: honeyDueProd\n  {setting}\n") + 1
    key = setting.split(":")[0]
    assert_rejected(
        tmp_path,
        dist,
        (
            f"config/prod.yaml:{line}: settings.{key}: setting {key} looks like a credential ({reason}), and settings "
            "are published in plain text in git and in the settings ConfigMap.\n"
            f"  fix: declare a Secret for it under secrets: and read it through secretEnv: {{{key}: {{secret: <name>, "
            f"key: {key}}}}}, then remove it from settings; if it is not secret, say why under "
            f"notSecret: {{{key}: <reason>}}.\n"
        ),
    )


def test_a_setting_marked_not_secret_with_a_reason_passes(tmp_path, config_copy):
    edit_config(
        config_copy,
        "  B2_BUCKET: honeyDueProd\n",
        '  B2_BUCKET: honeyDueProd\n  TOKEN_TTL_SECONDS: "3600"\n'
        "notSecret:\n  TOKEN_TTL_SECONDS: a lifetime in seconds, not a token\n",
    )
    done = synth_in(tmp_path, "--env", "prod")
    assert done.returncode == 0, done.stderr
    text = (tmp_path / "dist" / "prod" / "apps" / "configmap-honeydue-settings.yaml").read_text()
    assert "TOKEN_TTL_SECONDS: '3600'\n" in text


def test_not_secret_must_name_a_setting(tmp_path, config_copy, dist):
    line = _append(config_copy, "notSecret:\n  TOKEN_TTL: stale\n") + 1
    assert_rejected(
        tmp_path,
        dist,
        (
            f"config/prod.yaml:{line}: notSecret.TOKEN_TTL: notSecret names TOKEN_TTL, which is not a setting.\n"
            "  fix: remove TOKEN_TTL from notSecret, or add it under settings.\n"
        ),
    )


def test_a_part_of_too_long_for_the_labels_built_from_it_is_refused(tmp_path, config_copy, dist):
    """The real cluster refused it: Flux labels every object with its Kustomization's name, <partOf>-<unit>."""
    part_of = "honeydue-household-maintenance-and-reminders-apps"  # 49: with -infrastructure, 64
    line = edit_config(config_copy, "partOf: honeydue\n", f"partOf: {part_of}\n", file="base.yaml")
    assert_rejected(
        tmp_path,
        dist,
        (
            f"config/base.yaml:{line}: partOf: partOf '{part_of}' makes its delivery unit infrastructure's "
            f"Kustomization name, which Flux writes as a label '{part_of}-infrastructure' 64 characters long; "
            "a label value holds at most 63.\n"
            "  fix: shorten partOf to at most 48 characters.\n"
        ),
    )


def test_an_ingress_class_that_cannot_name_an_object_is_refused(tmp_path, config_copy, dist):
    """The real cluster refused it: spec.ingressClassName is a lowercase RFC 1123 name."""
    line = edit_config(config_copy, "  className: traefik\n", "  className: Traefik\n", file="base.yaml")
    assert_rejected(
        tmp_path,
        dist,
        (
            f"config/base.yaml:{line}: edge.className: 'Traefik' cannot name a Kubernetes object.\n"
            "  fix: use at most 63 lowercase letters, digits and '-', starting with a letter, e.g. api.\n"
        ),
    )
