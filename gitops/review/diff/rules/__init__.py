"""Risk rules: each looks at the matched objects of both sides and says what could hurt, and why.

A rule is a function of a Context returning Risks. Every risk names the object
and the field it is about (empty for the object as a whole), a level, and one
sentence a reviewer can act on without opening the YAML. registry.py declares
each rule once (id, level, what it prevents); that is the list that runs.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from gitops.review.diff.model import Risk
from gitops.review.diff.rules.context import Context
from gitops.review.diff.rules.registry import REGISTRY

RULES: list[Callable[[Context], Iterable[Risk]]] = [rule.check for rule in REGISTRY]


def evaluate(context: Context) -> list[Risk]:
    found: list[Risk] = []
    for rule in RULES:
        found.extend(rule(context))
    return sorted(set(found), key=lambda r: r.sort_key)
