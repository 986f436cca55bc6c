"""The gate's rules: its categories and its registry (the shape is gitops/review/findings.py's).

Importing a rule module registers its rules; `main.py check --list-rules`
reads this registry, the same one the engine runs.
"""

from __future__ import annotations

from enum import StrEnum

from gitops.review.findings import Registry


class Category(StrEnum):
    INTEGRITY = "integrity"
    POLICY = "policy"
    CAPACITY = "capacity"
    WAIVERS = "waivers"


REGISTRY = Registry()
rule = REGISTRY.rule
