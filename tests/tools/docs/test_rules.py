"""The rule tables are read from the registries that run: a rule added there is a row here."""

from __future__ import annotations

import pytest

from gitops.review.check import engine
from gitops.review.diff.rules import REGISTRY as DIFF_REGISTRY
from gitops.review.findings import Registry, Rule, Severity, Topic
from gitops.tools.docs import rules


def _table_rows(page: str) -> list[str]:
    return [line for line in page.splitlines() if line.startswith("| `")]


def _registry(*rules: Rule) -> Registry:
    """A registry holding rules, registered the way the rule modules register theirs."""
    registry = Registry()
    for r in rules:
        registry.rule(
            r.id,
            r.topic,
            r.severity,
            prevents=r.prevents,
            fix=r.fix,
            severity_note=r.severity_note,
            waivable=r.waivable,
        )(r.check)
    return registry


def test_a_check_rule_in_the_registry_is_a_row_of_its_table():
    registry = _registry(
        Rule(
            "example-rule",
            Topic.POLICY,
            Severity.WARNING,
            prevents="a | b\nacross lines",
            fix="do x",
            check=lambda ctx: [],
            waivable=False,
        ),
    )
    rows = _table_rows(rules.check_page(registry))
    assert "| `example-rule` | policy | warning, not waivable | a \\| b across lines | do x |" in rows


def test_a_check_rule_with_a_severity_note_documents_the_note():
    registry = _registry(
        Rule(
            "example-noted",
            Topic.CAPACITY,
            Severity.ERROR,
            prevents="p",
            fix="f",
            check=lambda ctx: [],
            severity_note="error (x) / warning (y)",
        ),
    )
    assert "| `example-noted` | capacity | error (x) / warning (y) | p | f |" in _table_rows(rules.check_page(registry))


def test_the_check_table_has_one_row_per_rule_in_list_rules_order():
    ids = [row.split("`")[1] for row in _table_rows(rules.check_page())]
    assert ids == [r.id for r in engine.rules()]


def test_a_risk_rule_in_the_registry_is_a_row_of_its_table():
    registry = _registry(
        Rule("example-risk", Topic.WORKLOADS, Severity.LOW, prevents="p", fix="f", check=lambda ctx: []),
    )
    rows = _table_rows(rules.diff_page(registry))
    assert rows[-1] == "| `example-risk` | workloads | low | p | f |"


def test_a_risk_rule_with_a_severity_note_documents_the_note():
    registry = _registry(
        Rule(
            "example-noted",
            Topic.WORKLOADS,
            Severity.HIGH,
            prevents="p",
            fix="f",
            check=lambda ctx: [],
            severity_note="high / low",
        ),
    )
    assert _table_rows(rules.diff_page(registry)) == ["| `example-noted` | workloads | high / low | p | f |"]


def test_the_diff_table_has_one_row_per_rule_that_runs():
    ids = [row.split("`")[1] for row in _table_rows(rules.diff_page())]
    assert ids == [r.id for r in DIFF_REGISTRY]


def test_a_rule_id_registered_twice_is_refused():
    registry = Registry()
    registry.rule("same", Topic.WORKLOADS, Severity.LOW, prevents="p")(lambda ctx: [])
    with pytest.raises(ValueError) as err:
        registry.rule("same", Topic.WORKLOADS, Severity.HIGH, prevents="q")(lambda ctx: [])
    assert str(err.value) == "rule id 'same' registered twice"


def test_every_risk_rule_says_what_it_prevents_and_what_to_do():
    for r in DIFF_REGISTRY:
        assert r.prevents and r.fix, r.id
        assert r.severity_note == "" or r.severity.label in r.severity_note, r.id


def test_a_rule_filed_under_a_topic_its_registry_does_not_use_is_refused():
    registry = Registry((Topic.INTEGRITY, Topic.POLICY))
    with pytest.raises(ValueError) as err:
        registry.rule("misfiled", Topic.TRAFFIC, Severity.LOW, prevents="p")(lambda ctx: [])
    assert str(err.value) == "rule 'misfiled' is filed under traffic, not one of integrity, policy"


def test_a_registry_lists_its_rules_topic_by_topic():
    registry = Registry((Topic.INTEGRITY, Topic.POLICY))
    for id, topic in (("b", Topic.POLICY), ("a", Topic.INTEGRITY), ("c", Topic.POLICY)):
        registry.rule(id, topic, Severity.LOW, prevents="p")(lambda ctx: [])
    assert [r.id for r in registry.by_topic()] == ["a", "b", "c"]
