"""Bad input that once crashed, hung or passed: each class gets its exact message, exit 2, dist/ untouched."""

from __future__ import annotations

from pathlib import Path

import pytest

from gitops.tools.bench.bounds import largest_config
from tests.config.runs import assert_rejected, edit_config, synth_here, synth_in

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


def test_a_config_nested_ten_thousand_levels_is_refused_at_its_line_at_once(tmp_path, config_copy, dist):
    line = _append(config_copy, "settings:\n  DEEP: " + "[" * 10_000 + "]" * 10_000 + "\n")
    assert_rejected(  # once after 51-136 s, pointing at line 1; `make bench` times it (gitops/tools/bench/bounds.py)
        tmp_path,
        dist,
        (
            f"config/prod.yaml:{line + 1}: (file): lists and mappings are nested more than 32 levels deep here, the "
            "most a config file may nest.\n  fix: flatten the structure; nothing read here nests that deep.\n"
        ),
    )


def test_sixty_thousand_levels_end_in_a_message_not_a_crash(tmp_path, config_copy):
    """The C parser's composer recursed once per level and overflowed the C stack: SIGSEGV, no message at all."""
    _append(config_copy, "a: " + "[" * 60_000 + "]" * 60_000 + "\n")
    done = synth_in(tmp_path)
    assert (done.returncode, done.stdout) == (2, "")
    assert "(file): lists and mappings are nested more than 32 levels deep here" in done.stderr


def test_a_fifty_megabyte_config_is_refused_before_it_is_read(tmp_path, config_copy, dist):
    with (config_copy / "prod.yaml").open("a") as handle:
        handle.write("bigUnknown:\n" + "  KEY: value-of-a-setting-nobody-asked-for\n" * (50 * 2**20 // 42))
    assert_rejected(  # once no answer within 150 s; `make bench` times it (gitops/tools/bench/bounds.py)
        tmp_path,
        dist,
        (
            "config/prod.yaml:0: (file): the file is larger than 128 KiB, the most a config file may hold.\n"
            "  fix: config holds a few KB of intent; remove what made it this large (a pasted file, a generated "
            "block).\n"
        ),
    )


def test_a_config_at_its_bounds_is_read_to_its_one_problem(tmp_path, config_copy, dist):
    """The largest config the bounds let through, 128 KiB of settings merged over base's, with one unknown key: no
    bound is passed, and the key is found at its line (`make bench` times it: gitops/tools/bench/bounds.py)."""
    path = config_copy / "prod.yaml"
    text = largest_config(path.read_text())
    path.write_text(text)
    assert 0.95 * 128 * 2**10 < path.stat().st_size <= 128 * 2**10
    last_line = text.count("\n")  # where largest_config puts the unknown key
    code, out, err = synth_here(tmp_path)
    assert (code, out) == (2, "")
    assert err.startswith(f"config/prod.yaml:{last_line}: unknownKey: unknown key 'unknownKey'.\n")
    assert err.endswith("1 problem(s) in config; nothing was written.\n")


KUBERNETES_SERVICE = (
    "  kubernetes:\n    component: backend\n    image: gitea.treytartt.com/treytartt/honeydue-api\n"
    "    health: {kind: none, reason: a test}\n    resources: {cpu: 10m, memory: 32Mi, memoryLimit: 64Mi}\n"
)
NAMESPACE_FIX = "  fix: use a namespace of the application's own, e.g. honeydue.\n"
BLOCK_FIX = (
    "  fix: remove it; a value written as a block scalar (| or >) ends in a line break: write the value on the key's "
    "own line, quoted if it must be.\n"
)
STORAGE = "      node: ubuntu-8gb-nbg1-2    # hetzner1\n"


# (file, old, new, the text whose line the problem names, message after "<file>:<line>: ")
VALUES_THE_CLUSTER_REFUSES = {
    "kube-system": (
        "prod.yaml",
        "cluster:\n",
        "namespace: kube-system\ncluster:\n",
        "namespace: kube-system",
        "namespace: namespace 'kube-system' is reserved for the cluster's own components (every kube- name is): the "
        "environment's default-deny network policy would cut their traffic.\n" + NAMESPACE_FIX,
    ),
    "kube-anything": (
        "prod.yaml",
        "cluster:\n",
        "namespace: kube-apps\ncluster:\n",
        "namespace: kube-apps",
        "namespace: namespace 'kube-apps' is reserved for the cluster's own components (every kube- name is): the "
        "environment's default-deny network policy would cut their traffic.\n" + NAMESPACE_FIX,
    ),
    "the engine's namespace": (
        "prod.yaml",
        "cluster:\n",
        "namespace: flux-system\ncluster:\n",
        "namespace: flux-system",
        "namespace: namespace 'flux-system' is where flux itself runs: the environment's default-deny network policy "
        "would cut flux's own traffic and stop every delivery.\n" + NAMESPACE_FIX,
    ),
    "the API server's Service": (
        "prod.yaml",
        "  worker:\n",
        KUBERNETES_SERVICE + "  worker:\n",
        "  kubernetes:\n    component",
        "services.kubernetes: in namespace default the Service kubernetes is the API server's own: a service of that "
        "name would replace it and cut every pod off the API.\n"
        "  fix: rename the service, or use a namespace of the application's own.\n",
    ),
    "a trusted proxy that is no network": (
        "base.yaml",
        "    - 173.245.48.0/20\n",
        "    - cloudflare\n",
        "    - cloudflare",
        "traefik.trustedProxies[0]: 'cloudflare' is not a network in CIDR notation.\n  fix: write e.g. 10.42.0.0/16.\n",
    ),
    "a trusted proxy with host bits": (
        "base.yaml",
        "    - 173.245.48.0/20\n",
        "    - 173.245.48.1/20\n",
        "    - 173.245.48.1/20",
        "traefik.trustedProxies[0]: '173.245.48.1/20' has host bits set: a network starts at its first address.\n"
        "  fix: write 173.245.48.0/20.\n",
    ),
    "a relative mount path": (
        "prod.yaml",
        STORAGE,
        STORAGE + "      mountPath: data\n",
        "      mountPath: data",
        "services.redis.storage.mountPath: mount path 'data' is relative; a container mounts volumes at absolute "
        "paths.\n  fix: write it from the root: /data.\n",
    ),
    "a mount path in two spellings": (
        "prod.yaml",
        STORAGE,
        STORAGE + "      mountPath: /data/\n",
        "      mountPath: /data/",
        "services.redis.storage.mountPath: mount path '/data/' is not written in its plain form.\n"
        "  fix: write /data.\n",
    ),
    "a mount path a writable path mounts too": (
        "prod.yaml",
        STORAGE,
        STORAGE + "      mountPath: /tmp\n",
        "      mountPath: /tmp",
        "services.redis.storage.mountPath: /tmp is mounted twice (services.redis.writablePaths[0] mounts it too).\n"
        "  fix: keep one of them: the storage volume is writable itself.\n",
    ),
    "two writable paths of one volume name": (
        "prod.yaml",
        "  worker:\n",
        "  worker:\n    writablePaths: [/var/cache, /var-cache]\n",
        "    writablePaths: [/var/cache",
        "services.worker.writablePaths[1]: /var-cache and /var/cache would both be the volume 'var-cache' (a volume "
        "is named after its path).\n  fix: keep one of them, or choose a path whose name differs from /var/cache's.\n",
    ),
    "a storage class that is no name": (
        "prod.yaml",
        STORAGE,
        STORAGE + "      storageClass: Local_Path\n",
        "      storageClass:",
        "services.redis.storage.storageClass: 'Local_Path' is not a valid StorageClass name.\n"
        "  fix: use lowercase letters, digits, '-' and '.', starting and ending with a letter or digit, e.g. "
        "local-path.\n",
    ),
    "a branch with a space": (
        "prod.yaml",
        "    secretRef: honeydue-gitops-auth",
        "    branch: release candidate\n    secretRef: honeydue-gitops-auth",
        "    branch:",
        "delivery.repository.branch: the branch 'release candidate' holds a space.\n" + BLOCK_FIX,
    ),
    "a branch git refuses": (
        "prod.yaml",
        "    secretRef: honeydue-gitops-auth",
        "    branch: release..2\n    secretRef: honeydue-gitops-auth",
        "    branch:",
        "delivery.repository.branch: 'release..2' is not a branch name git accepts (git check-ref-format).\n"
        "  fix: use letters, digits, '-', '_' and '.' in words separated by '/', e.g. main or release/2026-06.\n",
    ),
    "a setting with NUL": (
        "prod.yaml",
        "  B2_BUCKET: honeyDueProd\n",
        '  B2_BUCKET: "honey\\0Prod"\n',
        "  B2_BUCKET:",
        "settings.B2_BUCKET: the value 'honey\\0Prod' holds a NUL character, which no program reads as text (a NUL "
        "ends it at exec).\n  fix: remove it; escapes such as \\e in a double-quoted YAML value are control "
        "characters.\n",
    ),
    "a setting with ESC": (
        "prod.yaml",
        "  B2_BUCKET: honeyDueProd\n",
        '  B2_BUCKET: "honey\\e[2JProd"\n',
        "  B2_BUCKET:",
        "settings.B2_BUCKET: the value 'honey\\u001b[2JProd' holds an escape character (ESC), which no program reads "
        "as text (a NUL ends it at exec).\n  fix: remove it; escapes such as \\e in a double-quoted YAML value are "
        "control characters.\n",
    ),
    "a host written as a block scalar": (
        "prod.yaml",
        "      - api.myhoneydue.com\n",
        "      - |\n        api.myhoneydue.com\n",
        "      - |",
        "services.api.hosts[0]: the hostname 'api.myhoneydue.com\\n' holds a line break at its end.\n" + BLOCK_FIX,
    ),
    "a status hostname written as a block scalar": (
        "prod.yaml",
        "  statusHostname: myhoneydue.com\n",
        "  statusHostname: >\n    myhoneydue.com\n",
        "  statusHostname:",
        "edge.statusHostname: the hostname 'myhoneydue.com\\n' holds a line break at its end.\n" + BLOCK_FIX,
    ),
    "a repository URL with a line break": (
        "prod.yaml",
        "    secretRef: honeydue-gitops-auth",
        '    url: "https://gitea.treytartt.com/treytartt/honeydue-gitops.git\\n"\n    secretRef: honeydue-gitops-auth',
        "    url:",
        "delivery.repository.url: the repository URL 'https://gitea.treytartt.com/treytartt/honeydue-gitops.git\\n' "
        "holds a line break at its end.\n" + BLOCK_FIX,
    ),
    "a digit of another script": (
        "prod.yaml",
        "cpu: 250m, memory: 512Mi",
        'cpu: "\u0662\u0665\u0660m", memory: 512Mi',
        'cpu: "\u0662',
        "services.api.resources.cpu: '\u0662\u0665\u0660m' is not a CPU quantity.\n"
        "  fix: write millicores such as 250m, or whole cores such as 1.\n",
    ),
    "a description on two lines": (
        "base.yaml",
        "    description: Neon Postgres connection string\n",
        '    description: "Neon Postgres\\nconnection string"\n',
        '    description: "Neon',
        "secrets.honeydue-database.description: the text 'Neon Postgres\\nconnection string' holds a line break.\n"
        "  fix: write it on one line, without control characters.\n",
    ),
    "an entry point with a space": (
        "base.yaml",
        "  entryPoint: web\n",
        "  entryPoint: web secure\n",
        "  entryPoint:",
        "edge.entryPoint: the entry point 'web secure' holds a space.\n" + BLOCK_FIX,
    ),
}


@pytest.mark.parametrize("case", VALUES_THE_CLUSTER_REFUSES, ids=list(VALUES_THE_CLUSTER_REFUSES))
def test_values_the_cluster_would_refuse_are_refused_in_config(tmp_path, config_copy, dist, case):
    file, old, new, at, message = VALUES_THE_CLUSTER_REFUSES[case]
    edit_config(config_copy, old, new, file=file)
    if case == "the API server's Service":
        edit_config(config_copy, "cluster:\n", "namespace: default\ncluster:\n")
        edit_config(config_copy, "images:\n", "images:\n  kubernetes: 6f303dbbaa\n")
    text = (config_copy / file).read_text()
    line = text[: text.index(at)].count("\n") + 1
    assert_rejected(tmp_path, dist, f"config/{file}:{line}: {message}")


def test_argo_cds_own_project_is_not_replaced(tmp_path, config_copy, dist):
    line = edit_config(config_copy, "delivery:\n", "partOf: default\ndelivery:\n", file="staging.yaml")
    assert_rejected(
        tmp_path,
        dist,
        f"config/staging.yaml:{line}: partOf: partOf 'default' names the environment's Argo CD AppProject, and Argo "
        "CD's built-in project is called default: it would be replaced, with every Application of other teams in it.\n"
        "  fix: use the application's own name, e.g. honeydue.\n",
    )


def test_an_environment_file_whose_name_ends_in_a_line_break(tmp_path, config_copy, dist):
    (config_copy / "qa\n.yaml").write_text((config_copy / "staging.yaml").read_text())
    assert_rejected(
        tmp_path,
        dist,
        "config/qa\\n.yaml:0: (file): 'qa\\n' cannot name an environment (it holds a line break at its end): it "
        "becomes a label value, a directory of dist/ and part of object names.\n"
        "  fix: rename the file to config/qa.yaml (lowercase letters, digits and '-', starting with a letter).\n",
    )
