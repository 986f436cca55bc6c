"""Field managers, what wrote an object, and the one-ofs Flux's dry-run refuses (gitops/k8s/ownership.py)."""

from __future__ import annotations

import json

from gitops.k8s import ownership


def probe(kind: str) -> dict:
    return {"exec": {"command": ["redis-cli", "ping"]}} if kind == "exec" else {"tcpSocket": {"port": 6379}}


def deployment(readiness: str, strategy: dict | None = None) -> dict:
    spec: dict = {"template": {"spec": {"containers": [{"name": "redis", "readinessProbe": probe(readiness)}]}}}
    if strategy is not None:
        spec["strategy"] = strategy
    return {"apiVersion": "apps/v1", "kind": "Deployment", "spec": spec}


def test_a_probe_handler_ours_replaces_is_a_one_of_kubectl_applied():
    live = deployment("exec", {"type": "Recreate"})
    ours = deployment("tcp", {"type": "Recreate"})
    [one] = ownership.one_of_conflicts(live, ours, live)
    assert (one.field, one.live, one.ours) == (
        "spec.template.spec.containers[redis].readinessProbe",
        "exec",
        "tcpSocket",
    )
    assert one.message == "may not specify more than 1 handler type" and one.applied


def test_a_defaulted_rolling_update_beside_our_recreate_is_a_one_of_no_one_applied():
    written = deployment("tcp")  # no strategy: the API server defaults RollingUpdate 25%/25%
    [one] = ownership.one_of_conflicts(written, deployment("tcp", {"type": "Recreate"}), written)
    assert (one.path, one.applied) == ("spec.strategy.rollingUpdate", False)
    assert one.message == ownership.RECREATE_MESSAGE


def test_no_one_of_when_ours_keeps_the_member():
    live = deployment("tcp", {"type": "Recreate"})
    assert ownership.one_of_conflicts(live, live, live) == []


def test_what_wrote_an_object():
    applied = {"metadata": {"annotations": {ownership.LAST_APPLIED: json.dumps({"kind": "Service"})}}}
    assert ownership.writer(applied) == "kubectl apply"
    assert ownership.last_applied(applied) == {"kind": "Service"}
    k3s = {"metadata": {"annotations": {"objectset.rio.cattle.io/owner-name": "traefik-config"}}}
    assert ownership.writer(k3s) == "k3s auto-deploy"
    assert ownership.k3s_manifest_file(k3s) == "/var/lib/rancher/k3s/server/manifests/traefik-config.yaml"
    assert ownership.writer({"metadata": {"labels": {"app.kubernetes.io/managed-by": "Helm"}}}) == "Helm"
    assert ownership.writer({"metadata": {"labels": {"kustomize.toolkit.fluxcd.io/name": "x"}}}) == "Flux"
    assert ownership.writer({"metadata": {}}) == ""


def test_flux_takes_over_kubectl_entries_without_a_subresource():
    obj = {
        "metadata": {
            "managedFields": [
                {"manager": "kubectl-client-side-apply", "operation": "Update"},
                {"manager": "kubectl-rollout", "operation": "Update"},
                {"manager": "kube-controller-manager", "operation": "Update", "subresource": "status"},
                {"manager": "kubectl-edit", "operation": "Update", "subresource": "scale"},
            ]
        }
    }
    managers = ownership.managers(obj)
    assert [m.flux_takes_over for m in managers] == [True, True, False, False]
    assert [m.controller for m in managers] == [False, False, True, False]
