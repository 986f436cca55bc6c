"""Bad config: the exact message (file, line, key, problem, fix), exit code 2, nothing written."""

from __future__ import annotations

from tests.config.runs import FOOTER, assert_rejected, edit_config, synth_here, synth_in


def test_unknown_key(tmp_path, config_copy, dist):
    line = edit_config(config_copy, "    replicas: 3\n", "    replcas: 3\n")
    assert_rejected(
        tmp_path,
        dist,
        (
            f"config/prod.yaml:{line}: services.api.replcas: unknown key 'replcas'.\n"
            "  fix: rename it to 'replicas' (keys allowed here: args, component, health, hosts, image, keepLive, port, "
            "replicas, resources, runAsUser, scratch, secretEnv, serviceAccountToken, settings, singleton, "
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
    line = edit_config(config_copy, "  api: 6f303dbbaa", "  api: latest", file="prod.yaml")
    assert_rejected(
        tmp_path,
        dist,
        (
            f"config/prod.yaml:{line}: images.api: build 'latest' uses the floating tag 'latest'.\n"
            "  fix: pin the tag of a released build, e.g. the git commit the image was built from.\n"
        ),
    )


def test_a_build_in_the_shared_base_is_refused(tmp_path, config_copy, dist):
    line = edit_config(config_copy, "honeydue-admin\n", "honeydue-admin:6f303dbbaa\n", file="base.yaml")
    assert_rejected(
        tmp_path,
        dist,
        (
            f"config/base.yaml:{line}: services.admin.image: image "
            "'gitea.treytartt.com/treytartt/honeydue-admin:6f303dbbaa' pins the build '6f303dbbaa' in config every "
            "environment shares, so a new build would reach every environment in one change.\n"
            "  fix: write the repository alone here (gitea.treytartt.com/treytartt/honeydue-admin) and the build in "
            "each config/<env>.yaml under images: (<service>: 6f303dbbaa).\n"
        ),
    )


def test_images_in_the_shared_base_are_refused(tmp_path, config_copy, dist):
    line = edit_config(
        config_copy, "services:\n  api:\n", "images: {api: 6f303dbbaa}\nservices:\n  api:\n", file="base.yaml"
    )
    assert_rejected(
        tmp_path,
        dist,
        (
            f"config/base.yaml:{line}: images: images: belongs to each environment, not to the base every "
            "environment shares: a build named here would reach every environment in one change.\n"
            "  fix: move it into each config/<env>.yaml (only the repository, services.<name>.image, stays in "
            "the base).\n"
        ),
    )


def test_a_service_without_a_build(tmp_path, config_copy, dist):
    line = edit_config(config_copy, "  admin: 6f303dbbaa\n", "", file="prod.yaml")
    line = config_copy.joinpath("prod.yaml").read_text().splitlines().index("images:") + 1
    assert_rejected(
        tmp_path,
        dist,
        (
            f"config/prod.yaml:{line}: images: service 'admin' runs no build in this environment: images names "
            "none for it.\n"
            "  fix: add 'admin: <tag>' under images: (a tag of gitea.treytartt.com/treytartt/honeydue-admin the app's "
            "CI pushed), or run the builds of another environment with shipping: {follows: <environment>}.\n"
        ),
    )


def test_a_build_of_no_service(tmp_path, config_copy, dist):
    line = edit_config(
        config_copy, "  admin: 6f303dbbaa\n", "  admin: 6f303dbbaa\n  admn: 6f303dbbaa\n", file="prod.yaml"
    )
    assert_rejected(
        tmp_path,
        dist,
        (
            f"config/prod.yaml:{line + 1}: images.admn: images names 'admn', which is not a service.\n"
            "  fix: use one of: admin, api, redis, worker.\n"
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
    line = edit_config(
        config_copy,
        "health: {kind: http, path: /, checksDependencies: false}",
        "health: {kind: http, checksDependencies: false}",
        file="base.yaml",
    )
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
    line = edit_config(config_copy, "    replicas: 3\n", "    replicas: [3\n")
    assert_rejected(
        tmp_path,
        dist,
        (
            f"config/prod.yaml:{line}: (syntax): YAML cannot be read: the list opened with '[' on this line "
            "('replicas: [3') is never closed.\n"
            "  fix: close it with ']' at the end of its last item.\n"
        ),
    )


def test_duplicate_key(tmp_path, config_copy, dist):
    line = edit_config(config_copy, "    replicas: 3\n", "    replicas: 3\n    replicas: 4\n")
    assert_rejected(
        tmp_path,
        dist,
        (
            f"config/prod.yaml:{line + 1}: (syntax): YAML cannot be read: key replicas appears twice in the same "
            f"mapping (first on line {line}); YAML keeps one and the other is lost.\n"
            "  fix: keep one replicas: line and delete the other.\n"
        ),
    )


def test_an_over_indented_line_is_named_with_the_line_to_change(tmp_path, config_copy, dist):
    line = edit_config(config_copy, "    replicas: 3\n", "    replicas: 3\n      hosts: [x.myhoneydue.com]\n")
    assert_rejected(
        tmp_path,
        dist,
        (
            f"config/prod.yaml:{line + 1}: (syntax): YAML cannot be read: the line is indented deeper (6 spaces) "
            f"than line {line} ('replicas: 3'), which already has a value, so it cannot hold keys.\n"
            f"  fix: indent it by 4 spaces, like line {line} (keys under replicas go on lines of their own after "
            "'replicas:' with no value).\n"
        ),
    )


def test_a_line_between_two_indentation_levels(tmp_path, config_copy, dist):
    line = edit_config(config_copy, "    hosts: [admin.myhoneydue.com]\n", "   hosts: [admin.myhoneydue.com]\n")
    assert_rejected(
        tmp_path,
        dist,
        (
            f"config/prod.yaml:{line}: (syntax): YAML cannot be read: the line is indented by 3 spaces: less than "
            "the keys above it (4) and more than their parent (2), so it belongs to neither.\n"
            "  fix: indent it by 4 spaces to keep it with the keys above, or by 2 to end their block.\n"
        ),
    )


def test_a_tab_is_named_at_its_line(tmp_path, config_copy, dist):
    line = edit_config(config_copy, "    replicas: 2\n", "\treplicas: 2\n")
    assert_rejected(
        tmp_path,
        dist,
        (
            f"config/prod.yaml:{line}: (syntax): YAML cannot be read: the line is indented with a tab; YAML indents "
            "with spaces only.\n"
            "  fix: replace the tab with spaces, as many as the lines around it use.\n"
        ),
    )


def test_a_missing_space_after_a_colon_points_at_that_line_not_the_next(tmp_path, config_copy, dist):
    line = edit_config(config_copy, "    replicas: 2\n", "    replicas:2\n")
    assert_rejected(
        tmp_path,
        dist,
        (
            f"config/prod.yaml:{line}: (syntax): YAML cannot be read: 'replicas:2' has no space after the colon, "
            "so YAML reads it as text rather than key replicas.\n"
            "  fix: write it as replicas: 2.\n"
        ),
    )


def test_syntax_errors_in_two_files_are_reported_together_and_nothing_else(tmp_path, config_copy, dist):
    edit_config(config_copy, "    replicas: 3\n", "    replicas: [3\n")
    edit_config(config_copy, "    port: 8000\n", "\tport: 8000\n", file="base.yaml")
    code, _, err = synth_here(tmp_path)
    assert code == 2
    assert err.count("(syntax)") == 2  # base.yaml's (once, not per environment) and prod.yaml's
    assert "config/base.yaml:" in err and "config/prod.yaml:" in err
    assert err.endswith("2 problem(s) in config; nothing was written.\n")


def test_a_key_with_no_value_is_refused_not_a_removal(tmp_path, config_copy, dist):
    line = edit_config(
        config_copy, "  worker:\n    resources: {cpu: 200m, memory: 256Mi, memoryLimit: 512Mi}\n", "  worker:\n"
    )
    assert_rejected(
        tmp_path,
        dist,
        (
            f"config/prod.yaml:{line}: services.worker: 'worker:' has no value; an empty key is a mistake, not a "
            "removal.\n"
            "  fix: write its value, or, to take services.worker out of this environment, delete the line and say "
            "so with a reason: remove: {services.worker: <why>}.\n"
        ),
    )


def test_null_is_no_removal_either(tmp_path, config_copy, dist):
    line = edit_config(config_copy, "  B2_BUCKET: honeyDueProd\n", "  B2_BUCKET: null\n")
    assert_rejected(
        tmp_path,
        dist,
        (
            f"config/prod.yaml:{line}: settings.B2_BUCKET: 'B2_BUCKET:' has no value; an empty key is a mistake, "
            "not a removal.\n"
            "  fix: write its value, or, to take settings.B2_BUCKET out of this environment, delete the line and say "
            "so with a reason: remove: {settings.B2_BUCKET: <why>}.\n"
        ),
    )


def test_an_empty_key_in_the_base_asks_for_a_value(tmp_path, config_copy, dist):
    line = edit_config(config_copy, "    startupSeconds: 120\n", "    startupSeconds:\n", file="base.yaml")
    assert_rejected(
        tmp_path,
        dist,
        (
            f"config/base.yaml:{line}: services.admin.startupSeconds: 'startupSeconds:' has no value; an empty key "
            "is a mistake, not a removal.\n"
            "  fix: write its value after 'startupSeconds:' or on indented lines under it, or delete the line.\n"
        ),
    )


def test_removing_an_entry_the_base_does_not_have(tmp_path, config_copy, dist):
    path = config_copy / "prod.yaml"
    path.write_text(path.read_text() + "remove:\n  services.wroker: the jobs service took over\n")
    line = path.read_text().count("\n")
    assert_rejected(
        tmp_path,
        dist,
        (
            f"config/prod.yaml:{line}: remove.services.wroker: services.wroker is not defined in config/base.yaml, "
            "so there is nothing to remove.\n"
            "  fix: name an entry of base.yaml: services.worker.\n"
        ),
    )


def test_removing_and_setting_the_same_entry(tmp_path, config_copy, dist):
    path = config_copy / "prod.yaml"
    path.write_text(path.read_text() + "remove:\n  services.worker: the jobs service took over\n")
    line = path.read_text()[: path.read_text().index("  worker:\n")].count("\n") + 1
    assert_rejected(
        tmp_path,
        dist,
        (
            f"config/prod.yaml:{line}: services.worker: services.worker is both removed (under remove:) and "
            "set in this file.\n"
            "  fix: keep one: delete these lines, or delete services.worker from remove:.\n"
        ),
    )


def test_a_removal_needs_a_reason(tmp_path, config_copy, dist):
    edit_config(config_copy, "  worker:\n    resources: {cpu: 200m, memory: 256Mi, memoryLimit: 512Mi}\n", "")
    path = config_copy / "prod.yaml"
    path.write_text(path.read_text() + 'remove:\n  services.worker: ""\n')
    code, _, err = synth_here(tmp_path)
    assert code == 2
    assert f"config/prod.yaml:{path.read_text().count(chr(10))}: remove.services.worker: " in err


def test_a_type_error_does_not_hide_a_cross_reference_error_elsewhere(tmp_path, config_copy, dist):
    typed = edit_config(config_copy, "    replicas: 3\n", '    replicas: "3"\n')
    crossed = edit_config(config_copy, "    node: ubuntu-8gb-nbg1-2", "    node: ubuntu-8gb-nbg1-9")
    code, _, err = synth_here(tmp_path)
    assert code == 2
    assert err == (
        f'config/prod.yaml:{typed}: services.api.replicas: got "3" in quotes, which is text, expected a whole number '
        "such as 3.\n"
        "  fix: remove the quotes: replicas: 3.\n"
        f"config/prod.yaml:{crossed}: services.redis.storage.node: node 'ubuntu-8gb-nbg1-9' is not one of "
        "cluster.nodes.\n"
        "  fix: use one of: ubuntu-8gb-nbg1-1, ubuntu-8gb-nbg1-2, ubuntu-8gb-nbg1-3.\n"
        "2 problem(s) in config; nothing was written.\n"
    )


def test_a_value_set_aside_brings_no_consequences_of_its_own(tmp_path, config_copy, dist):
    # Without its port, api's http health check and its hosts would look wrong too: they are not reported.
    line = edit_config(config_copy, "    port: 8000\n", "    port: eight-thousand\n", file="base.yaml")
    code, _, err = synth_here(tmp_path)
    assert code == 2
    assert err.count("\n  fix: ") == 1
    assert err.startswith(f"config/base.yaml:{line}: services.api.port: ")


def test_every_problem_is_reported_in_one_run(tmp_path, config_copy, dist):
    edit_config(config_copy, "    replicas: 3\n", "    replicas: 0\n")
    edit_config(config_copy, "honeydue-admin\n", "honeydue-admin:latest\n", file="base.yaml")
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


# --- health: readiness and liveness; scratch sizes -------------------------------------------------


def test_an_http_health_check_must_say_whether_it_checks_dependencies(tmp_path, config_copy, dist):
    line = edit_config(
        config_copy,
        "health: {kind: http, path: /, checksDependencies: false}",
        "health: {kind: http, path: /}",
        file="base.yaml",
    )
    assert_rejected(
        tmp_path,
        dist,
        (
            f"config/base.yaml:{line}: services.admin.health: an http health check must say whether / checks other "
            "services.\n"
            "  fix: add checksDependencies: true if it fails while the database, cache or another service is down "
            "(liveness then connects to the port, or checks livenessPath), false if it checks the process alone.\n"
        ),
    )


def test_a_liveness_path_that_is_the_readiness_path(tmp_path, config_copy, dist):
    line = edit_config(
        config_copy,
        "checksDependencies: true}",
        "checksDependencies: true, livenessPath: /api/health/}",
        file="base.yaml",
    )
    assert_rejected(
        tmp_path,
        dist,
        (
            f"config/base.yaml:{line}: services.api.health: livenessPath /api/health/ is the readiness path, which "
            "checks other services: an outage of one would restart every pod.\n"
            "  fix: name a path that checks the process alone, or remove livenessPath to connect to the port.\n"
        ),
    )


def test_a_liveness_path_where_the_health_path_serves_liveness_itself(tmp_path, config_copy, dist):
    line = edit_config(
        config_copy, "checksDependencies: false}", "checksDependencies: false, livenessPath: /live}", file="base.yaml"
    )
    assert_rejected(
        tmp_path,
        dist,
        (
            f"config/base.yaml:{line}: services.admin.health: livenessPath is only used when path checks other "
            "services, and / does not (checksDependencies: false), so it serves liveness itself.\n"
            "  fix: remove livenessPath, or set checksDependencies: true.\n"
        ),
    )


def test_checks_dependencies_on_a_tcp_check(tmp_path, config_copy, dist):
    line = edit_config(
        config_copy, "health: {kind: tcp}", "health: {kind: tcp, checksDependencies: true}", file="base.yaml"
    )
    assert_rejected(
        tmp_path,
        dist,
        (
            f"config/base.yaml:{line}: services.redis.health: checksDependencies is only used by kind: http, not "
            "kind: tcp.\n  fix: remove checksDependencies.\n"
        ),
    )


def test_a_scratch_size_for_a_path_the_service_does_not_write(tmp_path, config_copy, dist):
    line = edit_config(config_copy, "      paths: {/tmp: 256Mi}", "      paths: {/var/tmp: 256Mi}", file="base.yaml")
    assert_rejected(
        tmp_path,
        dist,
        (
            f"config/base.yaml:{line}: services.api.scratch.paths./var/tmp: /var/tmp is not one of the service's "
            "writablePaths (/tmp), so its size limits nothing.\n"
            "  fix: add /var/tmp to writablePaths, or remove it here.\n"
        ),
    )


def test_a_scratch_size_that_is_no_disk_size(tmp_path, config_copy, dist):
    line = edit_config(
        config_copy, "      paths: {/app/.next/cache: 1Gi}", "      paths: {/app/.next/cache: 1GB}", file="base.yaml"
    )
    assert_rejected(
        tmp_path,
        dist,
        (
            f"config/base.yaml:{line}: services.admin.scratch.paths./app/.next/cache: '1GB' is not a disk size in Mi "
            "or Gi.\n  fix: write mebibytes such as 64Mi, or gibibytes such as 1Gi.\n"
        ),
    )
