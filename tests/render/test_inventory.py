"""INVENTORY.md lists every object of the environment and the secrets it expects."""

from __future__ import annotations

from pathlib import Path

from tests.manifests import Manifests


def test_inventory_has_a_row_per_object(synthesized: Path, prod: Manifests):
    text = (synthesized / "prod" / "INVENTORY.md").read_text()
    rows = [line for line in text.splitlines() if line.startswith(("| apps ", "| infrastructure "))]
    assert len(rows) == len(prod.objects)
    assert (
        "| apps | Deployment | honeydue | api | `gitea.treytartt.com/treytartt/honeydue-api:6f303dbbaa` | 3 |  |"
        in rows
    )
    assert "| apps | Ingress | honeydue | api |  |  | api.myhoneydue.com, myhoneydue.com |" in rows


def test_inventory_lists_expected_secrets_without_values(synthesized: Path):
    text = (synthesized / "prod" / "INVENTORY.md").read_text()
    assert "| honeydue | honeydue-database | Opaque | `DATABASE_URL` |" in text
    assert "| honeydue | gitea-registry | kubernetes.io/dockerconfigjson | `.dockerconfigjson` |" in text
