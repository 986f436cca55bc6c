"""The gate's rules: its registry, and the topics it files them under (the shape is gitops/review/findings.py's).

Importing a rule module registers its rules; `main.py check --list-rules`
reads this registry, the same one the engine runs, topic by topic.
"""

from __future__ import annotations

from gitops.review.findings import Registry, Topic

REGISTRY = Registry((Topic.INTEGRITY, Topic.POLICY, Topic.CAPACITY, Topic.WAIVERS))
rule = REGISTRY.rule
