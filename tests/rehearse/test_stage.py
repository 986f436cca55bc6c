"""What the stage is made of: the node description, Traefik's stand-in, kwok's tuned stages, SOPS plans."""

from __future__ import annotations

import base64
from pathlib import Path

import pytest

from gitops.k8s import declared, manifests
from gitops.rehearse import nodes, sops, stage
from gitops.review import edge as review_edge

CIPHERTEXT = "ENC[AES256_GCM,data:bm90IGEgcmVhbCBzZWNyZXQ=,iv:AAAA,tag:BBBB,type:str]"


def test_nodes_are_described_from_config(synthesized: Path):
    for env, words in (
        ("prod", "3 simulated 4 CPU / 8Gi nodes (amd64)"),
        ("staging", "1 simulated 2 CPU / 4Gi node (amd64)"),
    ):
        assert stage.describe_nodes(declared.read(manifests.load([synthesized / env])).cluster) == words


@pytest.mark.skipif(not review_edge.HELM.exists(), reason="Helm is built by `make setup`")
def test_traefik_is_the_chart_rendered_with_k3s_values_and_the_helmchartconfig(synthesized: Path):
    (rendered,) = stage.traefik_chart(manifests.load([synthesized / "prod"]))
    assert sorted(str(r) for r in rendered.resources) == [
        "ClusterRole traefik-kube-system",
        "ClusterRoleBinding traefik-kube-system",
        "DaemonSet kube-system/traefik",
        "IngressClass traefik",
        "Service kube-system/traefik",
        "ServiceAccount kube-system/traefik",
    ]
    (daemonset,) = rendered.find("DaemonSet")
    spec = daemonset.obj["spec"]["template"]["spec"]
    assert (spec["hostNetwork"], spec["priorityClassName"]) == (True, "system-cluster-critical")
    (container,) = spec["containers"]
    assert container["resources"]["requests"] == {"cpu": "100m", "memory": "128Mi"}
    assert [(p["containerPort"], p.get("hostIP")) for p in container["ports"]] == [(8080, "127.0.0.1"), (80, None)]
    assert stage.describe_chart(rendered).startswith(
        "Traefik: the chart traefik 37.1.1 rendered with k3s's values and HelmChartConfig kube-system/traefik, "
        "applied as rendered (ServiceAccount kube-system/traefik, "
    )


def test_kwok_stages_keep_what_they_match_and_take_the_rehearsals_delays():
    upstream = {
        "metadata": {"name": "pod-delete"},
        "spec": {
            "selector": {"x": 1},
            "delay": {
                "durationMilliseconds": 1000,
                "durationFrom": {"expressionFrom": "a"},
                "jitterDurationFrom": {"expressionFrom": ".metadata.deletionTimestamp"},
            },
        },
    }
    tuned = nodes.tuned_stage(upstream)
    assert tuned["spec"]["selector"] == {"x": 1}
    assert tuned["spec"]["delay"] == {
        "durationMilliseconds": 500,
        "durationFrom": {"expressionFrom": "a"},
        "jitterDurationMilliseconds": 500,
    }
    assert nodes.tuned_stage({"metadata": {"name": "pod-ready"}, "spec": {}})["spec"]["delay"] == {
        "durationMilliseconds": 1000,
        "jitterDurationMilliseconds": 1000,
    }


def _plan(tmp_path: Path, key: Path | None) -> sops.SopsPlan:
    secret = tmp_path / "dist" / "prod" / "secret-db.sops.yaml"
    secret.parent.mkdir(parents=True)
    secret.write_text(
        "apiVersion: v1\nkind: Secret\nmetadata: {name: db, namespace: app}\n"
        f"stringData: {{URL: '{CIPHERTEXT}'}}\nsops: {{version: 3.13.3}}\n"
    )
    return sops.plan(manifests.load([tmp_path / "dist"]), tmp_path, key)


def test_without_a_key_the_encrypted_files_are_left_out_and_placeholders_made(tmp_path: Path):
    plan = _plan(tmp_path, None)
    assert plan.left_out() == ["dist/prod/secret-db.sops.yaml"]
    assert plan.placeholders() == set()
    assert sops.note(plan, []) == (
        "SOPS: 1 encrypted Secret(s) not rehearsed (no age key given): left out of the "
        "served commit, created with placeholder values instead"
    )


def test_with_a_key_flux_decrypts_and_the_bootstrap_leaves_them_alone(tmp_path: Path):
    plan = _plan(tmp_path, tmp_path / "age.key")
    assert plan.left_out() == [] and plan.placeholders() == {("app", "db")}
    assert sops.note(plan, ["Secret app/db decrypted by Flux (URL)"]) == "SOPS: Secret app/db decrypted by Flux (URL)"
    assert sops.note(sops.SopsPlan((), None), []) == "SOPS: no encrypted Secrets in this environment"


def test_a_live_secret_still_holding_ciphertext_is_named():
    live = {
        "data": {
            "URL": base64.b64encode(CIPHERTEXT.encode()).decode(),
            "OK": base64.b64encode(b"postgres://x").decode(),
        }
    }
    assert sops.still_encrypted(live) == ["URL"]


def test_the_bootstrap_creates_an_encrypted_secret_exactly_when_flux_cannot_deliver_it(tmp_path: Path):
    """The before-merge list of what the engine delivers: without a key the SOPS file is not served."""
    from types import SimpleNamespace

    from gitops.k8s.declared import Declared
    from gitops.rehearse.rehearsal import before_merge

    pod = tmp_path / "dist" / "prod" / "pod.yaml"
    without = _plan(tmp_path, None)
    pod.write_text(
        "apiVersion: v1\nkind: Pod\nmetadata: {name: app, namespace: app}\nspec:\n  containers:\n"
        "    - {name: app, image: app:1, env: [{name: U, valueFrom: {secretKeyRef: {name: db, key: URL}}}]}\n"
    )
    resources = manifests.load([tmp_path / "dist"])
    stage = SimpleNamespace(resources=resources, plain=tmp_path, declared=Declared())
    assert [(str(n), n.keys) for n in before_merge(stage, without)] == [("Secret app/db", ("URL",))]
    with_key = sops.plan(resources, tmp_path, tmp_path / "age.key")
    assert before_merge(stage, with_key) == []
