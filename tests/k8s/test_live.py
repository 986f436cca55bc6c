"""A running object as the API server returns it (gitops/k8s/live.py)."""

from __future__ import annotations

from gitops.k8s import live


def test_server_set_fields_are_stripped():
    obj = {
        "kind": "Namespace",
        "metadata": {
            "name": "honeydue",
            "uid": "u",
            "resourceVersion": "1",
            "managedFields": [],
            "labels": {"kubernetes.io/metadata.name": "honeydue"},
            "annotations": {"deployment.kubernetes.io/revision": "2", "mine": "yes"},
        },
        "status": {"phase": "Active"},
    }
    assert live.stripped(obj) == {"kind": "Namespace", "metadata": {"name": "honeydue", "annotations": {"mine": "yes"}}}
    assert obj["status"] == {"phase": "Active"}  # the input is left as it was


def test_what_the_cluster_made_itself():
    owned = {"kind": "ReplicaSet", "metadata": {"name": "api-1", "ownerReferences": [
        {"kind": "Deployment", "name": "api", "controller": True}]}}  # fmt: skip
    assert live.made_by_cluster(owned) == "made by the controller of Deployment api"
    assert live.made_by_cluster({"kind": "EndpointSlice", "metadata": {"name": "api-x"}})
    assert live.made_by_cluster({"kind": "ConfigMap", "metadata": {"name": "kube-root-ca.crt"}})
    assert live.made_by_cluster(
        {"kind": "PersistentVolume", "metadata": {"name": "pvc-1"}, "spec": {"claimRef": {"name": "c"}}}
    )
    assert live.made_by_cluster({"kind": "ConfigMap", "metadata": {"name": "honeydue-config"}}) is None


def test_api_defaults_are_no_change():
    assert live.defaulted(("spec", "template", "spec", "dnsPolicy"), "ClusterFirst")
    assert live.defaulted(("spec", "type"), "ClusterIP")
    assert not live.defaulted(("spec", "template", "spec", "enableServiceLinks"), False)
    assert not live.defaulted(("spec", "replicas"), 1)
