"""Shared fixtures: the project's environments synthesized once per session."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from hypothesis import settings

from tests.manifests import Manifests

# Property tests (tests/k8s/test_agreement.py) run whole rule sets per example: enough examples to find a
# disagreement in the few fields each draws, few enough that `make test` stays quick. No deadline: the first
# example of a test imports modules and is slow for reasons that are not the property's.
settings.register_profile("agreement", max_examples=60, deadline=None)
settings.load_profile("agreement")

os.environ.setdefault("JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION", "20")

PROJECT = Path(__file__).resolve().parents[1]
CONFIG = PROJECT / "config"


@pytest.fixture(scope="session")
def synthesized(tmp_path_factory) -> Path:
    """dist/ as synthesized from the project's config with the tests' builds (tests/builds.py), in a temporary
    directory."""
    from gitops.render.synth import synth
    from tests.builds import pinned_config

    out = tmp_path_factory.mktemp("synth") / "dist"
    synth(pinned_config(), out, write_schema=False)
    return out


@pytest.fixture(scope="session")
def prod(synthesized) -> Manifests:
    return Manifests.load(synthesized / "prod")


@pytest.fixture
def prod_copy(synthesized: Path, tmp_path: Path) -> Path:
    """A writable copy of dist/prod for tests that edit one object of it."""
    from tests.dist_copies import copy_env

    return copy_env(synthesized, tmp_path)


@pytest.fixture
def config_copy(tmp_path) -> Path:
    """A writable copy of config/ (with the tests' builds, tests/builds.py) for tests that break it on purpose."""
    from tests.builds import pinned_config

    target = tmp_path / "config"
    shutil.copytree(pinned_config(), target)
    return target


@pytest.fixture
def repo(tmp_path, synthesized):
    """A git repository of the project's config/ and dist/ for the shipping commands (tests/ship/kit.py)."""
    from tests.ship.kit import make_repo

    return make_repo(tmp_path / "repo", synthesized)
