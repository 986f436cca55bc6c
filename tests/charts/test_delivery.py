"""Flux and Argo CD objects: what reaches the cluster, in which order, from where."""

from __future__ import annotations

from pathlib import Path

import pytest

from charts.delivery import UNITS, Delivered, settings_unit, timeout_seconds, waves
from gitops.config import load
from tests.conftest import CONFIG
from tests.manifests import Manifests

REPO = "https://gitea.treytartt.com/treytartt/honeydue-gitops.git"


@pytest.fixture(scope="module")
def flux(synthesized: Path) -> Manifests:
    return Manifests.load(synthesized / "clusters" / "prod")


@pytest.fixture(scope="module")
def argo(synthesized: Path) -> Manifests:
    return Manifests.load(synthesized / "clusters" / "staging")


def test_prod_is_delivered_by_flux_and_staging_by_argocd(flux: Manifests, argo: Manifests):
    assert {r.kind for r in flux.resources} == {"GitRepository", "Kustomization"}
    assert {r.kind for r in argo.resources} == {"AppProject", "Application"}


def test_git_repository_follows_the_configured_branch_and_ships_only_dist(flux: Manifests):
    source = flux.get("GitRepository", "honeydue-gitops", namespace="flux-system")
    assert source["apiVersion"] == "source.toolkit.fluxcd.io/v1"
    assert source["spec"]["url"] == REPO
    assert source["spec"]["ref"] == {"branch": "main"}
    assert source["spec"]["secretRef"] == {"name": "honeydue-gitops-auth"}
    assert source["spec"]["interval"] == "1m"
    assert source["spec"]["ignore"] == "/*\n!/dist/\n"


def test_flux_kustomizations_split_by_lifecycle(flux: Manifests):
    infra = flux.get("Kustomization", "honeydue-infrastructure")
    apps = flux.get("Kustomization", "honeydue-apps")
    for kustomization, path in ((infra, "./dist/prod/infrastructure"), (apps, "./dist/prod/apps")):
        assert kustomization["apiVersion"] == "kustomize.toolkit.fluxcd.io/v1"
        spec = kustomization["spec"]
        assert spec["path"] == path
        assert spec["prune"] is True and spec["wait"] is True
        assert (spec["interval"], spec["retryInterval"]) == ("10m", "2m")
        assert spec["sourceRef"] == {"kind": "GitRepository", "name": "honeydue-gitops"}
    assert "dependsOn" not in infra["spec"]
    assert apps["spec"]["dependsOn"] == [{"name": "honeydue-infrastructure"}]


def test_flux_timeouts_cover_the_slowest_rollout(flux: Manifests):
    # api: 3 replicas started one after another, each allowed 240 s, plus margin.
    assert flux.get("Kustomization", "honeydue-apps")["spec"]["timeout"] == "14m"
    assert flux.get("Kustomization", "honeydue-infrastructure")["spec"]["timeout"] == "5m"


def test_flux_without_encrypted_secrets_has_no_decryption(flux: Manifests):
    for kustomization in flux.of_kind("Kustomization"):
        assert "decryption" not in kustomization["spec"]


def test_flux_root_keeps_the_entry_point_itself_in_sync(flux: Manifests):
    root = flux.get("Kustomization", "honeydue-cluster")
    assert root["spec"]["path"] == "./dist/clusters/prod"
    assert root["spec"]["prune"] is True
    assert root["spec"]["wait"] is False


def test_argocd_project_is_limited_to_this_repository_and_what_it_renders(argo: Manifests):
    project = argo.get("AppProject", "honeydue", namespace="argocd")["spec"]
    assert project["sourceRepos"] == [REPO]
    assert project["destinations"] == [
        {"namespace": "honeydue", "server": "https://kubernetes.default.svc"},
        {"namespace": "kube-system", "server": "https://kubernetes.default.svc"},
    ]
    assert project["clusterResourceWhitelist"] == [{"group": "", "kind": "Namespace"}]
    whitelisted = {(k["group"], k["kind"]) for k in project["namespaceResourceWhitelist"]}
    assert ("apps", "Deployment") in whitelisted and ("helm.cattle.io", "HelmChartConfig") in whitelisted
    assert ("", "Secret") not in whitelisted and ("rbac.authorization.k8s.io", "Role") not in whitelisted


def test_argocd_applications_sync_recursively_with_prune_self_heal_ssa_prune_last(argo: Manifests):
    for unit in ("infrastructure", "apps"):
        app = argo.get("Application", f"honeydue-{unit}")
        spec = app["spec"]
        assert spec["project"] == "honeydue"
        assert spec["source"] == {
            "repoURL": REPO,
            "targetRevision": "main",
            "path": f"dist/staging/{unit}",
            "directory": {"recurse": True},
        }
        assert spec["syncPolicy"]["automated"] == {"prune": True, "selfHeal": True}
        assert spec["syncPolicy"]["syncOptions"] == ["ServerSideApply=true", "PruneLast=true"]
        assert app["metadata"]["finalizers"] == ["resources-finalizer.argocd.argoproj.io/foreground"]


def test_argocd_waves_follow_the_same_graph_as_flux_depends_on(argo: Manifests, flux: Manifests):
    wave = {
        a["metadata"]["name"]: int(a["metadata"]["annotations"]["argocd.argoproj.io/sync-wave"])
        for a in argo.of_kind("Application")
        if "annotations" in a["metadata"]
    }
    assert wave == {"honeydue-infrastructure": 0, "honeydue-apps": 1}
    for kustomization in flux.of_kind("Kustomization"):
        for dependency in kustomization["spec"].get("dependsOn", []):
            assert wave[dependency["name"]] < wave[kustomization["metadata"]["name"]]
    project_wave = argo.get("AppProject", "honeydue")["metadata"]["annotations"]["argocd.argoproj.io/sync-wave"]
    assert int(project_wave) < min(wave.values())


def test_argocd_root_application_manages_the_entry_point_from_the_default_project(argo: Manifests):
    root = argo.get("Application", "honeydue-cluster")["spec"]
    assert root["project"] == "default"
    assert root["source"]["path"] == "dist/clusters/staging"
    assert root["destination"]["namespace"] == "argocd"


def test_waves_are_the_longest_dependency_chain():
    units = (Delivered("a", (), ""), Delivered("b", ("a",), ""), Delivered("c", ("a", "b"), ""))
    assert waves(units) == {"a": 0, "b": 1, "c": 2}
    assert waves() == {"infrastructure": 0, "apps": 1}


def test_a_dependency_cycle_is_refused():
    with pytest.raises(ValueError, match="delivery units depend on each other in a cycle: a -> b -> a"):
        waves((Delivered("a", ("b",), ""), Delivered("b", ("a",), "")))


def test_unit_timeouts_are_derived_from_startup_budgets():
    staging = load("staging", CONFIG).config
    assert timeout_seconds(staging, "apps") == 360  # api: one replica, 240 s, plus 120 s margin
    assert timeout_seconds(staging, "infrastructure") == 300
    assert [u.name for u in UNITS] == ["infrastructure", "apps"]


def test_the_settings_travel_with_the_earliest_unit_that_reads_them(synthesized: Path):
    staging = load("staging", CONFIG).config
    assert settings_unit(staging) == "apps"  # api, admin and worker read them; Redis does not
    for env in ("prod", "staging"):
        assert (synthesized / env / "apps" / "configmap-honeydue-settings.yaml").is_file()
    redis_reads = staging.model_copy(
        update={
            "services": {
                **staging.services,
                "redis": staging.services["redis"].model_copy(update={"settings": ["REDIS_URL"]}),
            }
        }
    )
    assert settings_unit(redis_reads) == "infrastructure"
    nobody_reads = staging.model_copy(
        update={"services": {n: s.model_copy(update={"settings": []}) for n, s in staging.services.items()}}
    )
    assert settings_unit(nobody_reads) == "infrastructure"
