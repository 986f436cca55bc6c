"""The duplicate-object rule of `main.py check` (gitops/review/check/identity.py)."""

from __future__ import annotations

from pathlib import Path

from tests.dist_copies import write
from tests.review.check.support import active, check


def test_an_object_defined_twice(prod_copy: Path):
    original = prod_copy / "apps" / "service-api.yaml"
    copy = prod_copy / "apps" / "service-api-copy.yaml"
    copy.write_text(original.read_text())
    found = sorted((str(f.file), f.message) for f in active(check(prod_copy), "duplicate-object"))
    assert found == [
        (str(copy), f"is also defined in {original} (document 1)"),
        (str(original), f"is also defined in {copy} (document 1)"),
    ]


def test_same_name_in_another_namespace_or_kind_is_no_duplicate(tmp_path: Path):
    write(
        tmp_path,
        "a.yaml",
        """
apiVersion: v1
kind: ConfigMap
metadata: {name: x, namespace: a}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: x, namespace: b}
---
apiVersion: v1
kind: Secret
metadata: {name: x, namespace: a}
""",
    )
    assert active(check(tmp_path), "duplicate-object") == []
