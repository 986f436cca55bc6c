"""Settings: derived service URLs and the hash that rolls pods on change."""

from __future__ import annotations

from charts.context import resolve_settings
from charts.naming import Naming
from charts.settings import settings_hash
from gitops.config import load
from tests.conftest import CONFIG


def test_service_urls_are_derived_from_the_services():
    config = load("prod", CONFIG).config
    settings = resolve_settings(config, Naming("prod", "honeydue", "honeydue"))
    assert settings["REDIS_URL"] == "redis://redis.honeydue.svc.cluster.local:6379/0"
    assert settings["API_PUBLIC_URL"] == "https://api.myhoneydue.com"


def test_hash_changes_only_when_a_read_setting_changes():
    settings = {"A": "1", "B": "2"}
    assert settings_hash(settings, ["A"]) == settings_hash({**settings, "B": "3"}, ["A"])
    assert settings_hash(settings, ["A"]) != settings_hash({**settings, "A": "9"}, ["A"])


def test_hash_ignores_the_order_keys_are_listed_in():
    settings = {"A": "1", "B": "2"}
    assert settings_hash(settings, ["A", "B"]) == settings_hash(settings, ["B", "A"])
