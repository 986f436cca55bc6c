"""Bad config: the exact message (file, line, key, problem, fix), exit code 2, nothing written."""

from __future__ import annotations

from tests.config.runs import FOOTER, assert_rejected, edit_config, snapshot, synth_in


def test_unknown_key(tmp_path, config_copy, dist):
    line = edit_config(config_copy, "    replicas: 3\n", "    replcas: 3\n")
    assert_rejected(
        tmp_path,
        dist,
        (
            f"config/prod.yaml:{line}: services.api.replcas: unknown key 'replcas'.\n"
            "  fix: rename it to 'replicas' (keys allowed here: args, component, health, hosts, image, keepLive, port, "
            "replicas, resources, runAsUser, secretEnv, serviceAccountToken, settings, singleton, "
            "spreadAcrossNodes, startupSeconds, storage, unit, writablePaths).\n"
        ),
    )


def test_wrong_type(tmp_path, config_copy, dist):
    line = edit_config(config_copy, "    port: 8000\n", "    port: eight-thousand\n", file="base.yaml")
    assert_rejected(
        tmp_path,
        dist,
        (
            f'config/base.yaml:{line}: services.api.port: got "eight-thousand", expected a port number such as 8000.\n'
            "  fix: write port as a port number such as 8000 (Port the container serves on; omit if it serves "
            "nothing).\n"
        ),
    )


def test_invalid_hostname(tmp_path, config_copy, dist):
    line = edit_config(config_copy, "      - api.myhoneydue.com\n", "      - api_v2.myhoneydue.com\n")
    assert_rejected(
        tmp_path,
        dist,
        (
            f"config/prod.yaml:{line}: services.api.hosts[0]: 'api_v2.myhoneydue.com' is not a valid DNS hostname.\n"
            "  fix: use lowercase letters, digits, '-' and at least one '.', e.g. api.myhoneydue.com.\n"
        ),
    )


def test_replicas_below_one(tmp_path, config_copy, dist):
    line = edit_config(config_copy, "    replicas: 2\n", "    replicas: 0\n")
    assert_rejected(
        tmp_path,
        dist,
        (
            f"config/prod.yaml:{line}: services.admin.replicas: got 0, expected at least 1.\n"
            "  fix: set replicas to at least 1.\n"
        ),
    )


def test_singleton_with_more_than_one_replica(tmp_path, config_copy, dist):
    line = edit_config(config_copy, "  worker:\n", "  worker:\n    replicas: 2\n") + 1
    assert_rejected(
        tmp_path,
        dist,
        (
            f"config/prod.yaml:{line}: services.worker.replicas: singleton: true allows exactly 1 replica, got 2.\n"
            "  fix: set replicas: 1, or remove singleton if two copies may run at the same time.\n"
        ),
    )


def test_latest_tag(tmp_path, config_copy, dist):
    line = edit_config(config_copy, "honeydue-api:6f303dbbaa", "honeydue-api:latest", file="base.yaml")
    assert_rejected(
        tmp_path,
        dist,
        (
            f"config/base.yaml:{line}: services.api.image: "
            "image 'gitea.treytartt.com/treytartt/honeydue-api:latest' uses the floating tag 'latest'.\n"
            "  fix: pin the tag of a released build, e.g. the git commit the image was built from.\n"
        ),
    )


def test_missing_tag(tmp_path, config_copy, dist):
    line = edit_config(config_copy, "honeydue-admin:6f303dbbaa", "honeydue-admin", file="base.yaml")
    assert_rejected(
        tmp_path,
        dist,
        (
            f"config/base.yaml:{line}: services.admin.image: "
            "image 'gitea.treytartt.com/treytartt/honeydue-admin' has no tag.\n"
            "  fix: append ':<tag>' naming a released build, e.g. ':6f303dbbaa' (never 'latest'), "
            "or '@sha256:<digest>'.\n"
        ),
    )


def test_reference_to_undeclared_secret_key(tmp_path, config_copy, dist):
    line = edit_config(config_copy, "key: SMTP_PASSWORD}", "key: SMTP_PASS}", file="base.yaml")
    assert_rejected(
        tmp_path,
        dist,
        (
            f"config/base.yaml:{line}: services.api.secretEnv.SMTP_PASSWORD.key: "
            "secret 'honeydue-smtp' declares no key 'SMTP_PASS'.\n"
            "  fix: add 'SMTP_PASS' to secrets.honeydue-smtp.keys, or use one of: SMTP_USERNAME, SMTP_PASSWORD.\n"
        ),
    )


def test_reference_to_undeclared_secret(tmp_path, config_copy, dist):
    line = edit_config(
        config_copy, "DATABASE_URL: {secret: honeydue-database,", "DATABASE_URL: {secret: neon,", file="base.yaml"
    )
    assert_rejected(
        tmp_path,
        dist,
        (
            f"config/base.yaml:{line}: services.api.secretEnv.DATABASE_URL.secret: "
            "secret 'neon' is not declared under secrets.\n"
            "  fix: declare it under secrets with its keys, or use one of: gitea-registry, honeydue-app, "
            "honeydue-b2, honeydue-database, honeydue-smtp.\n"
        ),
    )


def test_reference_to_undefined_setting(tmp_path, config_copy, dist):
    line = edit_config(
        config_copy,
        "    settings: [API_PUBLIC_URL, ADMIN_PUBLIC_URL]",
        "    settings: [API_PUBLIC_URL, ADMIN_URL]",
        file="base.yaml",
    )
    assert_rejected(
        tmp_path,
        dist,
        (
            f"config/base.yaml:{line}: services.admin.settings[1]: "
            "setting 'ADMIN_URL' is defined neither under settings nor under serviceUrls.\n"
            "  fix: define ADMIN_URL under settings, or use one of: ADMIN_PUBLIC_URL, API_PUBLIC_URL, B2_BUCKET, "
            "B2_ENDPOINT, B2_REGION, REDIS_URL, SMTP_HOST, SMTP_PORT.\n"
        ),
    )


def test_volume_on_a_node_the_cluster_does_not_have(tmp_path, config_copy, dist):
    line = edit_config(config_copy, "      node: ubuntu-8gb-nbg1-2", "      node: ubuntu-8gb-nbg1-4")
    assert_rejected(
        tmp_path,
        dist,
        (
            f"config/prod.yaml:{line}: services.redis.storage.node: node 'ubuntu-8gb-nbg1-4' is not one of "
            "cluster.nodes.\n"
            "  fix: use one of: ubuntu-8gb-nbg1-1, ubuntu-8gb-nbg1-2, ubuntu-8gb-nbg1-3.\n"
        ),
    )


def test_http_health_without_path(tmp_path, config_copy, dist):
    line = edit_config(config_copy, "health: {kind: http, path: /}", "health: {kind: http}", file="base.yaml")
    assert_rejected(
        tmp_path,
        dist,
        (
            f"config/base.yaml:{line}: services.admin.health: an http health check needs a path.\n"
            "  fix: add path: with the URL path, e.g. path: /.\n"
        ),
    )


def test_missing_required_key(tmp_path, config_copy, dist):
    line = edit_config(config_copy, "    component: worker\n", "", file="base.yaml")
    assert_rejected(
        tmp_path,
        dist,
        (
            f"config/base.yaml:{line - 1}: services.worker.component: required key 'component' is missing.\n"
            "  fix: add 'component:' (Role of the service (the app.kubernetes.io/component label)).\n"
        ),
    )


def test_yaml_syntax_error(tmp_path, config_copy, dist):
    edit_config(config_copy, "    replicas: 3\n", "    replicas: [3\n")
    before = snapshot(dist)
    done = synth_in(tmp_path)
    assert done.returncode == 2
    assert snapshot(dist) == before
    assert done.stderr.startswith("config/prod.yaml:")
    assert ": (syntax): YAML cannot be read: " in done.stderr
    assert "  fix: correct the YAML at this line.\n" in done.stderr


def test_duplicate_key(tmp_path, config_copy, dist):
    line = edit_config(config_copy, "    replicas: 3\n", "    replicas: 3\n    replicas: 4\n")
    assert_rejected(
        tmp_path,
        dist,
        (
            f"config/prod.yaml:{line + 1}: (syntax): YAML cannot be read: "
            'found duplicate key "replicas" with value "4" (original value: "3").\n'
            "  fix: correct the YAML at this line.\n"
        ),
    )


def test_every_problem_is_reported_in_one_run(tmp_path, config_copy, dist):
    edit_config(config_copy, "    replicas: 3\n", "    replicas: 0\n")
    edit_config(config_copy, "honeydue-admin:6f303dbbaa", "honeydue-admin:latest", file="base.yaml")
    done = synth_in(tmp_path)
    assert done.returncode == 2
    assert done.stderr.count("\n  fix: ") == 2
    assert done.stderr.endswith("2 problem(s) in config; nothing was written.\n")


def test_unknown_environment(tmp_path, config_copy, dist):
    done = synth_in(tmp_path, "--env", "qa")
    assert done.returncode == 2
    assert done.stderr == (
        "config/qa.yaml:0: (file): no config for environment 'qa'.\n  fix: use one of: prod, staging.\n" + FOOTER
    )
