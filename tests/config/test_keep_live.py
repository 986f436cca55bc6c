"""keepLive: a running object's identity kept with a reason, and the mistakes config refuses about it."""

from __future__ import annotations

import pytest

from gitops.config import ConfigError, load
from tests.config.runs import edit_config

REDIS = "  redis:\n    storage:\n      node: ubuntu-8gb-nbg1-2    # hetzner1\n"


def keep(config, service_block: str, text: str) -> None:
    edit_config(config, service_block, service_block + text)


def problems(config) -> list[str]:
    with pytest.raises(ConfigError) as caught:
        load("prod", config)
    return [f"{p.key}: {p.problem} / fix: {p.fix}" for p in caught.value.problems]


def test_a_kept_selector_and_claim_load(config_copy):
    keep(config_copy, REDIS, "      size: 1Gi\n    keepLive:\n      selector: {app: redis}\n      claim: redis-pvc\n"
         "      reason: the queue's data is on the live claim\n")  # fmt: skip
    redis = load("prod", config_copy).config.services["redis"]
    assert redis.keep_live is not None
    assert (dict(redis.keep_live.selector), redis.keep_live.claim) == ({"app": "redis"}, "redis-pvc")
    assert redis.storage is not None and str(redis.storage.size) == "1Gi"


def test_keep_live_without_a_reason_is_refused(config_copy):
    keep(config_copy, REDIS, "    keepLive:\n      selector: {app: redis}\n")
    assert any("keepLive.reason" in p for p in problems(config_copy))


def test_keep_live_that_keeps_nothing_is_refused(config_copy):
    keep(config_copy, REDIS, "    keepLive:\n      reason: because\n")
    assert any("keepLive keeps nothing" in p for p in problems(config_copy))


def test_a_selector_on_our_recommended_labels_is_refused(config_copy):
    keep(config_copy, REDIS, "    keepLive:\n      selector: {app.kubernetes.io/instance: old}\n      reason: r\n")
    [problem] = problems(config_copy)
    assert problem.startswith("services.redis.keepLive.selector.app.kubernetes.io/instance: app.kubernetes.io/instance "
                              "is one of the recommended labels")  # fmt: skip


def test_a_label_key_or_value_the_api_refuses_is_refused(config_copy):
    keep(config_copy, REDIS, "    keepLive:\n      selector: {'bad key': x-}\n      reason: r\n")
    found = " ".join(problems(config_copy))
    assert "'bad key' is not a label key" in found and "'x-' is not a label value" in found


def test_a_kept_claim_without_storage_is_refused(config_copy):
    block = "  worker:\n    resources: {cpu: 200m, memory: 256Mi, memoryLimit: 512Mi}\n"
    keep(config_copy, block, "    keepLive:\n      claim: worker-pvc\n      reason: r\n")
    assert any(
        "keepLive.claim keeps the claim 'worker-pvc', but the service has no storage" in p
        for p in problems(config_copy)
    )
