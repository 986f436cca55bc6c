"""One regression test per bug of the Swarm-to-K3s migration (deployment book, commit 6f303dbb).

Each test is named after the bug and fails if the generator could produce it
again, from the shipped config or from any config the models accept.
"""

from __future__ import annotations

import subprocess

import pytest

from charts.disruption import MAX_UNAVAILABLE
from charts.probes import plan
from gitops.config.model import ProbePolicy
from gitops.k8s.budgets import Pods, allowed_evictions
from tests.conftest import PROJECT
from tests.dist_copies import container, pod_spec
from tests.manifests import Manifests


def test_admin_probe_path_admin_slash_returned_404_and_killed_pods(prod: Manifests):
    c = container(prod.get("Deployment", "admin"))
    paths = {c[p]["httpGet"]["path"] for p in ("readinessProbe", "livenessProbe", "startupProbe")}
    assert paths == {"/"}


def test_admin_startup_failure_threshold_12_killed_pods_before_nextjs_started(prod: Manifests):
    probe = container(prod.get("Deployment", "admin"))["startupProbe"]
    assert probe["periodSeconds"] * probe["failureThreshold"] >= 120


def test_api_startup_failure_threshold_12_killed_pods_during_migrate_with_lock(prod: Manifests):
    probe = container(prod.get("Deployment", "api"))["startupProbe"]
    assert probe["periodSeconds"] * probe["failureThreshold"] >= 240


@pytest.mark.parametrize("budget", [1, 4, 5, 59, 60, 61, 119, 120, 121, 239, 240, 241, 3600])
def test_startup_window_never_falls_short_of_the_budget(budget: int):
    for period in (1, 3, 5, 7, 10):
        startup = plan(budget, ProbePolicy(startupPeriodSeconds=period)).startup
        assert startup.window_seconds >= budget
        assert startup.window_seconds - budget < period


def test_worker_replicas_2_ran_the_asynq_scheduler_twice(prod: Manifests):
    worker = prod.get("Deployment", "worker")
    assert worker["spec"]["replicas"] == 1
    # RollingUpdate would start the new pod before stopping the old one.
    assert worker["spec"]["strategy"]["type"] == "Recreate"


def test_worker_pdb_min_available_1_blocked_every_node_drain(prod: Manifests):
    for budget in prod.of_kind("PodDisruptionBudget"):
        name = budget["metadata"]["name"]
        replicas = prod.get("Deployment", name)["spec"]["replicas"]
        spec = budget["spec"]
        if "minAvailable" in spec:
            assert spec["minAvailable"] < replicas, f"{name}: minAvailable {spec['minAvailable']} of {replicas}"
        else:
            assert spec["maxUnavailable"] >= 1, f"{name}: maxUnavailable 0 blocks drains"


@pytest.mark.parametrize("replicas", range(1, 11))
def test_no_replica_count_yields_a_budget_that_blocks_drains(replicas: int):
    assert MAX_UNAVAILABLE >= 1
    assert allowed_evictions({"maxUnavailable": MAX_UNAVAILABLE}, Pods(scaled=replicas)) >= 1
    assert replicas - MAX_UNAVAILABLE >= replicas - 1


def test_swarm_secret_references_never_resolved(prod: Manifests, synthesized):
    from gitops.config import load

    config = load("prod", PROJECT / "config").config
    declared = {name: set(secret.keys) for name, secret in config.secrets.items()}
    references = 0
    for deployment in prod.of_kind("Deployment"):
        spec = pod_spec(deployment)
        for pull in spec.get("imagePullSecrets", []):
            assert pull["name"] in declared, f"pull secret {pull['name']} is not declared"
            references += 1
        for c in spec["containers"]:
            for env in c.get("env", []):
                ref = env.get("valueFrom", {}).get("secretKeyRef")
                if ref:
                    assert ref["key"] in declared.get(ref["name"], set()), f"{ref} is not declared"
                    references += 1
    assert references > 0


def test_arm64_images_built_on_a_mac_could_not_run_on_amd64_nodes(prod: Manifests):
    for deployment in prod.of_kind("Deployment"):
        term = pod_spec(deployment)["affinity"]["nodeAffinity"]["requiredDuringSchedulingIgnoredDuringExecution"][
            "nodeSelectorTerms"
        ][0]
        assert {"key": "kubernetes.io/arch", "operator": "In", "values": ["amd64"]} in term["matchExpressions"]


def _git(*args: str) -> str:
    return subprocess.run(["git", *args], cwd=PROJECT, capture_output=True, text=True, check=True).stdout


def test_gitignore_api_pattern_hid_manifests_every_dist_file_is_tracked_and_not_ignored():
    files = sorted(str(p.relative_to(PROJECT)) for p in (PROJECT / "dist").rglob("*") if p.is_file())
    assert files, "dist/ is empty: run make synth"
    ignored = subprocess.run(
        ["git", "check-ignore", "--no-index", "--stdin"],
        cwd=PROJECT,
        input="\n".join(files),
        capture_output=True,
        text=True,
    ).stdout.split()
    assert ignored == [], f".gitignore hides generated files: {ignored}"
    tracked = set(_git("ls-files", "--cached", "--", "dist").split())
    assert sorted(set(files) - tracked) == [], "files in dist/ that git does not track"


def test_gitignore_patterns_are_anchored_so_they_cannot_hide_same_named_directories():
    for line in (PROJECT / ".gitignore").read_text().splitlines():
        pattern = line.strip()
        if not pattern or pattern.startswith("#"):
            continue
        assert pattern.startswith("/") or pattern in ("__pycache__/",), f"unanchored .gitignore pattern: {pattern}"
