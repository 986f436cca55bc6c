"""Risk rules: each looks at the matched objects of both sides and says what could hurt, and why.

A rule is a function of a Context returning Risks. Every risk names the object
and the field it is about (empty for the object as a whole), a level, and one
sentence a reviewer can act on without opening the YAML.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from gitops.review.diff.model import Risk
from gitops.review.diff.rules import capacity, disruption, immutable, network, objects, scaling, security
from gitops.review.diff.rules.context import Context

RULES: list[Callable[[Context], Iterable[Risk]]] = [
    objects.removed_objects,
    objects.api_version_moves,
    objects.prune_protection_dropped,
    objects.claim_switches,
    immutable.immutable_fields,
    scaling.replicas,
    scaling.singletons,
    scaling.startup_budget,
    security.pod_security,
    security.namespace_pod_security,
    network.ingress_routes,
    network.services,
    disruption.drain_blocking_budgets,
    disruption.refused_budgets,
    capacity.requests_headroom,
]


def evaluate(context: Context) -> list[Risk]:
    found: list[Risk] = []
    for rule in RULES:
        found.extend(rule(context))
    return sorted(set(found), key=lambda r: r.sort_key)
