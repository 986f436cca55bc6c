"""The tests' own builds (tests/builds.py): only the values under images: change, line for line."""

from __future__ import annotations

from tests.builds import BUILDS, pin_text, pinned_config
from tests.conftest import CONFIG

SHIPPED = """\
services:
  api:
    replicas: 2
images:
  api: 7c1e2d3f4a  # the new build, staging first
  admin: 6f303dbbaa@sha256:0123
  notifier: 1.2.3

  redis: 7.4.3-alpine
settings:
  api: kept
"""


def test_each_known_service_under_images_runs_the_tests_build_and_nothing_else_changes():
    assert pin_text(SHIPPED) == SHIPPED.replace("7c1e2d3f4a  # the new build, staging first", BUILDS["api"]).replace(
        "6f303dbbaa@sha256:0123", BUILDS["admin"]
    ).replace("7.4.3-alpine", BUILDS["redis"])


def test_the_pinned_copy_differs_from_config_only_in_build_values():
    for path in sorted(CONFIG.glob("*.yaml")):
        ours, pinned = path.read_text().splitlines(), (pinned_config() / path.name).read_text().splitlines()
        assert len(ours) == len(pinned)
        differing = [(a, b) for a, b in zip(ours, pinned, strict=True) if a != b]
        assert all(b.split(":", 1)[1].strip() in BUILDS.values() for _, b in differing), differing
