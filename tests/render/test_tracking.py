"""Reads of config through a tracked model are logged by path; a read that finds the same value is unchanged."""

from __future__ import annotations

from gitops.config import load_environments
from gitops.render.tracking import Log, Read, unchanged, wrap
from tests.conftest import CONFIG


def test_fields_keys_and_methods_are_logged_as_read():
    config = load_environments(CONFIG, ["prod"])[0].config
    log = Log()
    tracked = wrap(config, ("config",), log)
    assert tracked.services["api"].replicas == 3
    assert sorted(tracked.secrets) == sorted(config.secrets)
    assert tracked.cluster.node_names[0] == "ubuntu-8gb-nbg1-1"
    assert list(log.reads) == [
        (("config", "services", "api", "replicas"), Read.VALUE),
        (("config", "secrets"), Read.KEYS),
        (("config", "cluster"), Read.VALUE),  # a property may read any field of its model
    ]
    roots = {"config": config}
    other = config.model_copy(update={"namespace": "elsewhere"})
    assert unchanged(log.reads, roots, {"config": other})
    api = config.services["api"].model_copy(update={"replicas": 4})
    assert not unchanged(
        log.reads, roots, {"config": config.model_copy(update={"services": {**config.services, "api": api}})}
    )
