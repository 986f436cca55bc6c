"""Names and selectors come from one place and depend only on the service and environment."""

from __future__ import annotations

from charts.naming import Naming

NAMES = Naming(environment="prod", namespace="honeydue", part_of="honeydue")


def test_selector_is_name_and_instance_only():
    assert NAMES.selector("api") == {
        "app.kubernetes.io/name": "api",
        "app.kubernetes.io/instance": "honeydue-prod",
    }


def test_labels_extend_the_selector():
    labels = NAMES.labels("api", "backend", version="1.2.3")
    assert labels == {
        "app.kubernetes.io/name": "api",
        "app.kubernetes.io/instance": "honeydue-prod",
        "app.kubernetes.io/component": "backend",
        "app.kubernetes.io/part-of": "honeydue",
        "app.kubernetes.io/managed-by": "honeydue-gitops",
        "app.kubernetes.io/version": "1.2.3",
    }


def test_object_names():
    assert (NAMES.workload("api"), NAMES.service("api"), NAMES.disruption_budget("api"), NAMES.ingress("api")) == (
        "api",
        "api",
        "api",
        "api",
    )
    assert NAMES.claim("redis") == "redis-data"
    assert NAMES.settings() == "honeydue-settings"
    assert NAMES.internal_host("redis") == "redis.honeydue.svc.cluster.local"


def test_volume_names_from_paths():
    assert NAMES.volume("/tmp") == "tmp"
    assert NAMES.volume("/app/.next/cache") == "app-next-cache"
    assert NAMES.volume("/") == "root"


def test_port_names_are_iana_service_names():
    assert NAMES.port("api", speaks_http=True) == "http"
    assert NAMES.port("redis", speaks_http=False) == "redis"
    assert len(NAMES.port("a-very-long-service-name", speaks_http=False)) <= 15


def test_a_kept_live_selector_selects_and_our_labels_stay_beside_it():
    kept = Naming(
        environment="prod",
        namespace="honeydue",
        part_of="honeydue",
        kept_selectors={"api": {"app": "api"}},
        kept_claims={"redis": "redis-pvc"},
    )
    assert kept.selector("api") == {"app": "api"}
    assert kept.labels("api", "backend") == {
        "app.kubernetes.io/name": "api",
        "app.kubernetes.io/instance": "honeydue-prod",
        "app": "api",
        "app.kubernetes.io/component": "backend",
        "app.kubernetes.io/part-of": "honeydue",
        "app.kubernetes.io/managed-by": "honeydue-gitops",
    }
    assert kept.selector("admin") == NAMES.selector("admin")
    assert (kept.claim("redis"), kept.claim("other")) == ("redis-pvc", "other-data")
