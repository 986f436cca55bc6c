"""Node pinning and spread as the scheduler reads them (gitops/k8s/placement.py)."""

from __future__ import annotations

import pytest

from gitops.k8s.placement import HOSTNAME_LABEL, pinned_node, pinned_nodes, spread_skew, volume_node


def _affinity(*terms: list[str]) -> dict:
    return {
        "affinity": {
            "nodeAffinity": {
                "requiredDuringSchedulingIgnoredDuringExecution": {
                    "nodeSelectorTerms": [
                        {"matchExpressions": [{"key": HOSTNAME_LABEL, "operator": "In", "values": values}]}
                        for values in terms
                    ]
                }
            }
        }
    }


@pytest.mark.parametrize(
    "spec, nodes",
    [
        ({}, None),
        ({"nodeName": "n1"}, {"n1"}),
        ({"nodeSelector": {HOSTNAME_LABEL: "n2"}}, {"n2"}),
        ({"nodeSelector": {"kubernetes.io/arch": "arm64"}}, None),
        (_affinity(["n1", "n2"]), {"n1", "n2"}),
        (_affinity(["n1"], ["n3"]), {"n1", "n3"}),  # terms are alternatives
        ({**_affinity(["n1", "n2"]), "nodeSelector": {HOSTNAME_LABEL: "n2"}}, {"n2"}),  # all apply at once
        ({**_affinity(["n1"]), "nodeName": "n2"}, set()),  # contradictory: no node
    ],
)
def test_pinned_nodes_intersect_every_constraint(spec, nodes):
    assert pinned_nodes(spec) == nodes
    assert pinned_node(spec) == (next(iter(nodes)) if nodes and len(nodes) == 1 else None)


def test_an_affinity_term_that_names_no_hostname_pins_nothing():
    spec = _affinity(["n1"])
    terms = spec["affinity"]["nodeAffinity"]["requiredDuringSchedulingIgnoredDuringExecution"]["nodeSelectorTerms"]
    terms.append({"matchExpressions": [{"key": "kubernetes.io/arch", "operator": "In", "values": ["arm64"]}]})
    assert pinned_nodes(spec) is None


def test_a_volumes_node_is_its_required_affinitys_one_hostname():
    required = _affinity(["n2"])["affinity"]["nodeAffinity"]["requiredDuringSchedulingIgnoredDuringExecution"]
    assert volume_node({"spec": {"nodeAffinity": {"required": required}}}) == "n2"
    assert volume_node({"spec": {}}) is None


@pytest.mark.parametrize(
    "constraint, skew",
    [
        ({"topologyKey": HOSTNAME_LABEL, "whenUnsatisfiable": "DoNotSchedule", "maxSkew": 1}, 1),
        ({"topologyKey": HOSTNAME_LABEL, "whenUnsatisfiable": "DoNotSchedule", "maxSkew": 2}, 2),
        ({"topologyKey": HOSTNAME_LABEL, "whenUnsatisfiable": "ScheduleAnyway", "maxSkew": 1}, None),
        ({"topologyKey": "topology.kubernetes.io/zone", "whenUnsatisfiable": "DoNotSchedule", "maxSkew": 1}, None),
    ],
)
def test_only_a_hard_spread_over_hostnames_counts(constraint, skew):
    assert spread_skew({"topologySpreadConstraints": [constraint]}) == skew
    assert spread_skew(None) is None
