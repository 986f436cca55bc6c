"""Helpers for the check tests: run the gate on a set of files, pick findings by rule and object.

Copies of real output to edit come from tests/dist_copies.py."""

from __future__ import annotations

from pathlib import Path

from gitops.review.check import engine
from gitops.review.check.engine import Outcome
from gitops.review.findings import Finding


def check(*roots: Path) -> Outcome:
    return engine.check_paths("test", list(roots))


def active(outcome: Outcome, rule: str) -> list[Finding]:
    return [f for f in outcome.active if f.rule == rule]


def one(outcome: Outcome, rule: str, kind: str, name: str) -> Finding:
    """The single unwaived finding of rule on the object kind/name."""
    found = [f for f in outcome.active if f.rule == rule and f.kind == kind and f.name == name]
    assert len(found) == 1, f"expected one {rule} finding on {kind} {name}, got {[(f.field, f.message) for f in found]}"
    return found[0]
