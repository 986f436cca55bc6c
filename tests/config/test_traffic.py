"""Who connects to whom (gitops/config/traffic.py), and the endpoints config refuses."""

from __future__ import annotations

from gitops.config import traffic
from gitops.config.loader import load
from gitops.layout import CONFIG_DIR
from tests.config.runs import assert_rejected, edit_config


def _prod():
    return load("prod", CONFIG_DIR).config


def test_in_cluster_readers_and_endpoints_are_derived_from_what_each_service_reads():
    env = _prod()
    assert traffic.services_read(env, "api") == ["redis"]
    assert traffic.clients(env, "redis") == ["api", "worker"]
    assert traffic.endpoints_read(env, "api") == ["database", "smtp", "object-storage"]
    assert traffic.endpoints_read(env, "admin") == []
    assert traffic.reads_public_url(env, "admin")
    assert not traffic.reads_public_url(env, "redis")


def test_ports_come_from_the_url_and_the_port_setting():
    env = _prod()
    assert traffic.endpoint_ports(env, env.endpoints["object-storage"]) == [443]
    assert traffic.endpoint_ports(env, env.endpoints["smtp"]) == [587]
    assert traffic.endpoint_ports(env, env.endpoints["database"]) == [5432]


def test_an_endpoint_naming_an_undefined_setting(tmp_path, config_copy, dist):
    line = edit_config(config_copy, "    setting: SMTP_HOST\n", "    setting: SMTP_SERVER\n", file="base.yaml")
    assert_rejected(
        tmp_path,
        dist,
        (
            f"config/base.yaml:{line}: endpoints.smtp.setting: setting 'SMTP_SERVER' is not defined under settings.\n"
            "  fix: define SMTP_SERVER under settings, or use one of: B2_BUCKET, B2_ENDPOINT, B2_REGION, SMTP_HOST, "
            "SMTP_PORT.\n"
        ),
    )


def test_an_endpoint_no_service_reads(tmp_path, config_copy, dist):
    line = edit_config(config_copy, "    secret: honeydue-database\n", "    secret: gitea-registry\n", file="base.yaml")
    assert_rejected(
        tmp_path,
        dist,
        (
            f"config/base.yaml:{line - 2}: endpoints.database: no service reads secret gitea-registry, so no service "
            "may connect to endpoint 'database'.\n"
            "  fix: remove endpoints.database, or have the services that connect to it read secret gitea-registry.\n"
        ),
    )


def test_an_endpoint_port_out_of_range(tmp_path, config_copy, dist):
    line = edit_config(config_copy, "    ports: [5432]\n", "    ports: [65536]\n", file="base.yaml")
    assert_rejected(
        tmp_path,
        dist,
        (
            f"config/base.yaml:{line}: endpoints.database.ports[0]: got 65536, expected at most 65535.\n"
            "  fix: set ports[0] to at most 65535.\n"
        ),
    )


def test_an_endpoint_port_setting_that_is_no_port(tmp_path, config_copy, dist):
    line = edit_config(config_copy, '  SMTP_PORT: "587"\n', '  SMTP_PORT: "submission"\n', file="base.yaml")
    assert_rejected(
        tmp_path,
        dist,
        (
            f"config/base.yaml:{line}: settings.SMTP_PORT: setting SMTP_PORT is 'submission', which endpoint 'smtp' "
            "reads as its port: a port is a number from 1 to 65535.\n"
            '  fix: write the port number, e.g. SMTP_PORT: "587".\n'
        ),
    )


def test_an_endpoint_with_both_a_setting_and_a_secret(tmp_path, config_copy, dist):
    line = edit_config(
        config_copy,
        "    secret: honeydue-database\n",
        "    secret: honeydue-database\n    setting: SMTP_HOST\n",
        file="base.yaml",
    )
    assert_rejected(
        tmp_path,
        dist,
        (
            f"config/base.yaml:{line - 2}: endpoints.database: an endpoint is read from exactly one setting or one "
            "secret.\n"
            "  fix: keep setting: <the setting that names it> or secret: <the secret that names it>, not both.\n"
        ),
    )


def test_an_unknown_key_in_an_endpoint(tmp_path, config_copy, dist):
    line = edit_config(config_copy, "    ports: [5432]\n", "    port: 5432\n", file="base.yaml")
    assert_rejected(
        tmp_path,
        dist,
        (
            f"config/base.yaml:{line}: endpoints.database.port: unknown key 'port'.\n"
            "  fix: rename it to 'ports' (keys allowed here: addresses, description, portSetting, ports, protocol, "
            "secret, setting).\n"
        ),
    )


def test_an_endpoint_with_neither_a_setting_nor_a_secret(tmp_path, config_copy, dist):
    line = edit_config(config_copy, "    secret: honeydue-database\n", "", file="base.yaml")
    assert_rejected(
        tmp_path,
        dist,
        (
            f"config/base.yaml:{line - 2}: endpoints.database: an endpoint names neither the setting nor the secret "
            "services read it from, so no service may connect to it.\n"
            "  fix: add setting: <the setting that names it> or secret: <the secret that names it>.\n"
        ),
    )
