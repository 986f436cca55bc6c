"""Label selectors as k8s.io/apimachinery decides them (gitops/k8s/selectors.py), for check and diff alike."""

from __future__ import annotations

import pytest

from gitops.k8s.selectors import format_selector, query, selects, service_selects
from tests import inmemory

LABELS = {"app": "api", "tier": "web"}


# Requirement.Matches in apimachinery/pkg/labels/selector.go, case by case.
@pytest.mark.parametrize(
    "selector, selected",
    [
        ({}, True),  # LabelSelectorAsSelector: no requirements is labels.Everything()
        (None, False),  # and a nil selector labels.Nothing()
        ({"matchLabels": {"app": "api"}}, True),
        ({"matchLabels": {"app": "web"}}, False),
        ({"matchExpressions": [{"key": "tier", "operator": "In", "values": ["web", "db"]}]}, True),
        ({"matchExpressions": [{"key": "zone", "operator": "In", "values": ["a"]}]}, False),
        ({"matchExpressions": [{"key": "tier", "operator": "NotIn", "values": ["web"]}]}, False),
        ({"matchExpressions": [{"key": "zone", "operator": "NotIn", "values": ["a"]}]}, True),  # key absent
        ({"matchExpressions": [{"key": "tier", "operator": "Exists"}]}, True),
        ({"matchExpressions": [{"key": "zone", "operator": "DoesNotExist"}]}, True),
        ({"matchExpressions": [{"key": "tier", "operator": "DoesNotExist"}]}, False),
        # NewRequirement refuses these, so the selector selects nothing.
        ({"matchExpressions": [{"key": "zone", "operator": "NotIn", "values": []}]}, False),
        ({"matchExpressions": [{"key": "tier", "operator": "Exists", "values": ["web"]}]}, False),
        ({"matchExpressions": [{"key": "tier", "operator": "Gt", "values": ["1"]}]}, False),
    ],
)
def test_label_selector_requirements(selector, selected):
    assert selects(selector, LABELS) is selected


def test_a_service_selector_is_a_plain_map_and_an_empty_one_selects_nothing():
    assert service_selects({"app": "api"}, LABELS)
    assert not service_selects({"app": "api", "zone": "a"}, LABELS)
    assert not service_selects({}, LABELS) and not service_selects(None, LABELS)


def test_format_selector():
    selector = {"matchLabels": {"app": "api"}, "matchExpressions": [{"key": "tier", "operator": "Exists"}]}
    assert format_selector(selector) == "app=api, tier Exists"
    assert format_selector({}) == "(everything)"


def test_a_label_value_that_is_not_a_string_matches_nothing_in_check_and_diff_alike():
    # labels and matchLabels are map[string]string: an unquoted 1 does not decode, the API server rejects the
    # object. check compared str(1) == str(1) (selected), diff compared 1 == 1 (selected), "1" != 1 (not).
    for pod_value, selector_value in ((1, 1), ("1", 1), (1, "1"), (True, "true")):
        assert not selects({"matchLabels": {"tier": selector_value}}, {"tier": pod_value})
        assert not service_selects({"tier": selector_value}, {"tier": pod_value})
    objects = [
        inmemory.deployment("api", {"app": "api", "tier": 1}, replicas=1),
        inmemory.budget("api", {"matchLabels": {"app": "api", "tier": 1}}, minAvailable=1),
    ]
    assert [message for *_, message in inmemory.check_findings(objects, "pdb-selector")] == [
        "selector app=api, tier=1 selects the pods of no workload in namespace ns (workloads there: Deployment ns/api)"
    ]
    assert inmemory.check_findings(objects, "pdb-blocks-drain") == []
    assert inmemory.diff_risks([], objects) == []


# Selector.String() in apimachinery/pkg/labels/selector.go: requirements sorted by key, values sorted.
@pytest.mark.parametrize(
    "selector, text",
    [
        ({}, ""),
        ({"matchLabels": {"tier": "web", "app": "api"}}, "app=api,tier=web"),
        (
            {
                "matchLabels": {"tier": "web"},
                "matchExpressions": [
                    {"key": "zone", "operator": "NotIn", "values": ["b", "a"]},
                    {"key": "app", "operator": "In", "values": ["web", "api"]},
                    {"key": "canary", "operator": "DoesNotExist"},
                    {"key": "release", "operator": "Exists"},
                ],
            },
            "app in (api,web),!canary,release,tier=web,zone notin (a,b)",
        ),
        (None, None),
        ({"matchExpressions": [{"key": "tier", "operator": "Gt", "values": ["1"]}]}, None),
        ({"matchLabels": {"replicas": 1}}, None),
    ],
)
def test_query_writes_a_selector_as_the_api_reads_it(selector, text):
    assert query(selector) == text
