"""Pod Security admission's labels and levels (gitops/k8s/podsecurity.py)."""

from __future__ import annotations

from gitops.k8s import podsecurity


def test_levels_read_each_modes_label_and_none_where_there_is_none():
    labels = {"pod-security.kubernetes.io/enforce": "restricted", "pod-security.kubernetes.io/warn": "baseline"}
    assert podsecurity.levels(labels) == {"enforce": "restricted", "audit": None, "warn": "baseline"}
    assert podsecurity.levels(None) == {"enforce": None, "audit": None, "warn": None}


def test_each_level_is_stricter_than_the_one_before_and_no_label_is_privileged():
    assert [podsecurity.strictness(level) for level in ("privileged", "baseline", "restricted")] == [0, 1, 2]
    assert podsecurity.strictness(None) == podsecurity.strictness("no-such-level") == 0


def test_the_version_label_pins_a_mode():
    assert podsecurity.version_label("enforce") == "pod-security.kubernetes.io/enforce-version"
