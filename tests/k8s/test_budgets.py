"""Disruption budgets as the API server and the disruption controller decide them (gitops/k8s/budgets.py),
and check and diff saying the same about each."""

from __future__ import annotations

import pytest

from gitops.k8s import budgets
from gitops.k8s.budgets import Pods, allowed_evictions, problems, scaled, value_problem
from tests import inmemory

APP = {"matchLabels": {"app": "api"}}


# TestIsValidPercent in k8s.io/apimachinery/pkg/util/validation/validation_test.go ("101%" is a valid percent,
# refused by IsNotMoreThan100Percent instead).
@pytest.mark.parametrize("value", ["0%", "00000%", "1%", "01%", "99%", "100%"])
def test_upstream_good_percentages(value):
    assert value_problem("minAvailable", value) is None


@pytest.mark.parametrize(
    "value", ["", "0", "100", "0.0%", "99.9%", "hundred", " 1%", "1% ", "-0%", "-1%", "+1%", "101%", "12.5%"]
)
def test_upstream_bad_percentages(value):
    assert value_problem("maxUnavailable", value) is not None


@pytest.mark.parametrize(
    "value, problem",
    [
        (-1, "maxUnavailable -1 is negative"),
        (2**31, "maxUnavailable 2147483648 does not fit in an int32"),
        ("101%", "maxUnavailable '101%' is more than 100%"),
        (True, 'maxUnavailable True is neither a whole number nor a whole-number percentage such as "50%"'),
        (1.5, 'maxUnavailable 1.5 is neither a whole number nor a whole-number percentage such as "50%"'),
    ],
)
def test_values_the_api_server_refuses(value, problem):
    assert value_problem("maxUnavailable", value) == problem


# TestGetValueFromIntOrPercent in k8s.io/apimachinery/pkg/util/intstr/intstr_test.go (roundUp rows).
@pytest.mark.parametrize("value, total, result", [(123, 0, 123), ("90%", 100, 90), ("90%", 95, 86)])
def test_upstream_scaled_values_round_up(value, total, result):
    assert scaled(value, total) == result


@pytest.mark.parametrize(
    "spec, pods, allowed",
    [
        ({"maxUnavailable": "10%"}, Pods(scaled=3), 1),
        ({"minAvailable": "50%"}, Pods(scaled=3), 1),
        ({"maxUnavailable": 0}, Pods(scaled=3), 0),
        ({"maxUnavailable": 5}, Pods(scaled=3), 3),
        ({"minAvailable": 5}, Pods(scaled=3), 0),
        ({"maxUnavailable": "12%"}, Pods(scaled=3), 1),  # ceil(0.36)
        ({}, Pods(scaled=3), None),
        # An integer minAvailable expects every selected pod, a DaemonSet's and a bare Pod's too.
        ({"minAvailable": 2}, Pods(scaled=2, per_node=3, unscalable=True), 3),
        ({"minAvailable": 2}, Pods(scaled=2, per_node=None, unscalable=True), None),
        ({"minAvailable": 1}, Pods(unmanaged=2), 1),
        # maxUnavailable or a percentage needs every controller's scale: a DaemonSet has none (failSafe: 0) ...
        ({"maxUnavailable": 1}, Pods(scaled=2, per_node=3, unscalable=True), 0),
        ({"minAvailable": "50%"}, Pods(scaled=2, per_node=None, unscalable=True), 0),
        # ... and bare Pods are not expected, so a budget over them alone allows nothing.
        ({"maxUnavailable": 1}, Pods(unmanaged=1), 0),
    ],
)
def test_allowed_evictions_as_the_disruption_controller_computes_them(spec, pods, allowed):
    assert allowed_evictions(spec, pods) == allowed


def test_the_controller_reads_max_unavailable_first_but_the_api_refuses_both():
    spec = {"minAvailable": 3, "maxUnavailable": 1}
    assert budgets.setting(spec) == ("maxUnavailable", 1)
    assert problems(spec) == [("spec", "sets both minAvailable and maxUnavailable; the API allows one of them")]


def _api(replicas: int = 3) -> list[dict]:
    return [inmemory.deployment("api", {"app": "api"}, replicas=replicas)]


def _refusals(spec: dict) -> tuple[list, list]:
    objects = [*_api(), inmemory.budget("api", APP, **spec)]
    check = [(field, message) for _, _, field, message in inmemory.check_findings(objects, "pdb-blocks-drain")]
    diff = [(level, field, message) for level, _, field, message in inmemory.diff_risks(_api(), objects)]
    return check, diff


def test_a_fractional_percentage_budget_is_refused_by_check_and_diff_alike():
    # check said pdb-blocks-drain ("not a number"), diff said nothing (it read 12.5% as a float): the API
    # server accepts only digits followed by %, so the budget is never stored.
    check, diff = _refusals({"maxUnavailable": "12.5%"})
    problem = "maxUnavailable '12.5%' is neither a whole number nor a whole-number percentage such as \"50%\""
    assert check == [("spec.maxUnavailable", f"{problem}: the API server rejects the budget")]
    assert diff == [
        (
            "high",
            "spec.maxUnavailable",
            f"{problem}: the API server rejects the budget, so the sync that applies it fails.",
        )
    ]


def test_a_budget_with_both_fields_is_refused_by_check_and_diff_alike():
    # check read maxUnavailable first, diff minAvailable first, so they could disagree on the same budget.
    check, diff = _refusals({"minAvailable": 3, "maxUnavailable": 1})
    problem = "sets both minAvailable and maxUnavailable; the API allows one of them"
    assert check == [("spec", f"{problem}: the API server rejects the budget")]
    assert diff == [
        ("high", "spec", f"{problem}: the API server rejects the budget, so the sync that applies it fails.")
    ]


def test_a_percentage_without_the_sign_is_refused_by_check_and_diff_alike():
    check, diff = _refusals({"minAvailable": "2"})
    assert [field for field, _ in check] == ["spec.minAvailable"]
    assert [(level, field) for level, field, _ in diff] == [("high", "spec.minAvailable")]


def test_a_budget_over_daemonset_pods_only_blocks_no_drain_in_check_and_diff_alike():
    # diff counted a DaemonSet's pods (one per node) and could flag minAvailable over them; a drain skips them.
    agent = {
        "apiVersion": "apps/v1",
        "kind": "DaemonSet",
        "metadata": {"name": "agent", "namespace": "ns"},
        "spec": {"template": {"metadata": {"labels": {"app": "agent"}}, "spec": {"containers": []}}},
    }
    objects = [agent, inmemory.budget("agent", {"matchLabels": {"app": "agent"}}, minAvailable=3)]
    assert inmemory.check_findings(objects, "pdb-blocks-drain") == []
    assert inmemory.diff_risks([agent], objects) == []


def test_max_unavailable_over_a_deployment_and_a_daemonset_blocks_drains_in_check_and_diff_alike():
    # Neither saw it: the controller cannot get a DaemonSet's scale, fails the sync and allows 0 evictions.
    agent = {
        "apiVersion": "apps/v1",
        "kind": "DaemonSet",
        "metadata": {"name": "agent", "namespace": "ns"},
        "spec": {"template": {"metadata": {"labels": {"app": "api"}}, "spec": {"containers": []}}},
    }
    objects = [*_api(), agent, inmemory.budget("api", APP, maxUnavailable=1)]
    assert inmemory.check_findings(objects, "pdb-blocks-drain") == [
        (
            "PodDisruptionBudget",
            "api",
            "spec.maxUnavailable",
            "maxUnavailable 1 allows 0 voluntary evictions because it selects DaemonSet pods, which the disruption "
            "controller cannot count for a percentage or maxUnavailable (no scale subresource): "
            "a node drain (k3s upgrade, reboot) waits forever",
        )
    ]
    assert [(level, field) for level, _, field, _ in inmemory.diff_risks([*_api(), agent], objects)] == [
        ("high", "spec.maxUnavailable")
    ]


def test_replicas_written_as_text_count_for_nothing_in_check_and_diff_alike():
    # check read replicas "3" as 3 (and blocked drains), diff as unknowable, capacity as 3 pods: the API server
    # does not decode text into spec.replicas, so no such Deployment runs.
    workload = [inmemory.deployment("api", {"app": "api"}, replicas="3")]
    objects = [*workload, inmemory.budget("api", APP, minAvailable=3)]
    assert inmemory.check_findings(objects, "pdb-blocks-drain") == []
    assert inmemory.diff_risks(workload, objects) == []


def test_a_budget_that_was_already_refused_is_not_news_to_the_diff():
    before = [*_api(), inmemory.budget("api", APP, maxUnavailable="12.5%")]
    after = [*_api(), inmemory.budget("api", APP, maxUnavailable="12.5%", unhealthyPodEvictionPolicy="AlwaysAllow")]
    assert inmemory.diff_risks(before, after) == []
    assert [field for _, _, field, _ in inmemory.check_findings(after, "pdb-blocks-drain")] == ["spec.maxUnavailable"]


def test_a_pod_two_budgets_select_cannot_be_evicted_at_all():
    from gitops.k8s.budgets import MULTIPLE_BUDGETS, evictable_alone, selecting

    old = {
        "metadata": {"name": "api-pdb", "namespace": "honeydue"},
        "spec": {"selector": {"matchLabels": {"app": "api"}}},
    }
    ours = {
        "metadata": {"name": "api", "namespace": "honeydue"},
        "spec": {"selector": {"matchLabels": {"app.kubernetes.io/name": "api"}}},
    }
    both = {"app": "api", "app.kubernetes.io/name": "api"}
    assert [b["metadata"]["name"] for b in selecting(both, "honeydue", [old, ours])] == ["api-pdb", "api"]
    assert not evictable_alone(both, "honeydue", [old, ours])
    assert evictable_alone({"app.kubernetes.io/name": "api"}, "honeydue", [old, ours])
    assert "more than one PodDisruptionBudget" in MULTIPLE_BUDGETS
