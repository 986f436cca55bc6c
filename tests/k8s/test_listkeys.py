"""Reading the list keys: the kinds, their list fields and an item's identity."""

from __future__ import annotations

from gitops.k8s import listkeys
from gitops.k8s.listkeys import Property


def test_a_pod_templates_lists_are_keyed_as_server_side_apply_merges_them():
    deployment = listkeys.kind_type("apps/v1", "Deployment")
    assert deployment == "apps.v1.Deployment"
    spec = listkeys.field(listkeys.field(deployment, "spec").type, "template")
    pod = listkeys.field(spec.type, "spec")
    assert listkeys.field(pod.type, "containers") == Property("core.v1.Container", ("name",))
    assert listkeys.field(pod.type, "tolerations") == Property("core.v1.Toleration", ())
    container = listkeys.field(pod.type, "containers").type
    assert listkeys.field(container, "ports") == Property("core.v1.ContainerPort", ("containerPort", "protocol"))
    assert listkeys.field(container, "volumeMounts") == Property("core.v1.VolumeMount", ("mountPath",))
    assert listkeys.field(container, "image") is None  # a scalar: nothing to key


def test_network_policy_peers_have_no_key_and_unknown_kinds_no_table():
    rule = listkeys.field(listkeys.field("networking.v1.NetworkPolicySpec", "ingress").type, "from")
    assert rule == Property("networking.v1.NetworkPolicyPeer", ())
    assert listkeys.kind_type("helm.cattle.io/v1", "HelmChartConfig") is None
    assert listkeys.field(None, "spec") is None


def test_identity_applies_the_api_servers_defaults_to_absent_keys():
    assert listkeys.identity({"containerPort": 80}, ("containerPort", "protocol")) == (80, "TCP")
    assert listkeys.identity({"containerPort": 53, "protocol": "UDP"}, ("containerPort", "protocol")) == (53, "UDP")
    assert listkeys.identity({"name": "a"}, ("mountPath",)) is None
