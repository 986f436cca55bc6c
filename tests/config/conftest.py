"""Fixtures of the config tests."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture
def dist(tmp_path: Path) -> Path:
    """An existing dist/ that a failing synth must leave exactly as it was."""
    out = tmp_path / "dist"
    (out / "prod" / "apps").mkdir(parents=True)
    (out / "prod" / "apps" / "deployment-api.yaml").write_text("kind: Deployment # before\n")
    return out
