"""The rule tables are read from the registries that run: a rule added there is a row here."""

from __future__ import annotations

import pytest

from gitops.review.check import engine
from gitops.review.check.findings import REGISTRY as CHECK_REGISTRY
from gitops.review.check.findings import Category, Rule, Severity
from gitops.review.diff.model import Level
from gitops.review.diff.rules import RULES, registry, scaling
from gitops.review.diff.rules.registry import RiskRule
from gitops.tools.docs import rules


def _table_rows(page: str) -> list[str]:
    return [line for line in page.splitlines() if line.startswith("| `")]


def test_a_check_rule_added_to_the_registry_is_a_row_of_its_table(monkeypatch):
    added = Rule(
        "example-rule", Category.POLICY, Severity.WARNING, prevents="a | b\nacross lines", fix="do x",
        check=lambda ctx: [], waivable=False,
    )
    monkeypatch.setitem(CHECK_REGISTRY, added.id, added)
    rows = _table_rows(rules.check_page())
    assert "| `example-rule` | policy | warning, not waivable | a \\| b across lines | do x |" in rows


def test_a_check_rule_with_a_severity_note_documents_the_note(monkeypatch):
    added = Rule(
        "example-noted", Category.CAPACITY, Severity.ERROR, prevents="p", fix="f", check=lambda ctx: [],
        severity_note="error (x) / warning (y)",
    )
    monkeypatch.setitem(CHECK_REGISTRY, added.id, added)
    assert "| `example-noted` | capacity | error (x) / warning (y) | p | f |" in _table_rows(rules.check_page())


def test_the_check_table_has_one_row_per_rule_in_list_rules_order():
    ids = [row.split("`")[1] for row in _table_rows(rules.check_page())]
    assert ids == [r.id for r in engine.rules()]


def test_a_risk_rule_added_to_the_registry_is_a_row_of_its_table(monkeypatch):
    added = RiskRule("example-risk", Level.LOW, prevents="p", fix="f", check=scaling.replicas)
    monkeypatch.setattr(registry, "REGISTRY", (*registry.REGISTRY, added))
    rows = _table_rows(rules.diff_page())
    assert rows[-1] == "| `example-risk` | scaling | low | p | f |"


def test_a_risk_rule_with_a_level_note_documents_the_note(monkeypatch):
    added = RiskRule("example-noted", Level.HIGH, prevents="p", fix="f", check=scaling.replicas, level_note="high / low")
    monkeypatch.setattr(registry, "REGISTRY", (added,))
    assert _table_rows(rules.diff_page()) == ["| `example-noted` | scaling | high / low | p | f |"]


def test_the_diff_table_has_one_row_per_rule_that_runs():
    ids = [row.split("`")[1] for row in _table_rows(rules.diff_page())]
    assert ids == [r.id for r in registry.REGISTRY]
    assert RULES == [r.check for r in registry.REGISTRY]


def test_a_risk_rule_id_declared_twice_is_refused():
    first = RiskRule("same", Level.LOW, prevents="p", fix="f", check=scaling.replicas)
    second = RiskRule("same", Level.HIGH, prevents="q", fix="g", check=scaling.singletons)
    with pytest.raises(ValueError) as err:
        registry._registry(first, second)
    assert str(err.value) == "risk rule id(s) declared twice: same"


def test_every_declared_risk_says_what_it_prevents_and_what_to_do():
    for r in registry.REGISTRY:
        assert r.prevents and r.fix, r.id
        assert r.level_note == "" or r.level.label in r.level_note, r.id
