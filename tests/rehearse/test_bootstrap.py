"""The bootstrap creates the before-merge list, with placeholders; a pod that needs what it omits is reported."""

from __future__ import annotations

from pathlib import Path

from gitops.k8s import declared, manifests, prerequisites
from gitops.rehearse import bootstrap


def _plans(synthesized: Path, env: str = "prod") -> dict[str, bootstrap.SecretPlan]:
    resources = manifests.load([synthesized / env])
    needed = prerequisites.needed(resources, declared.read(resources))
    return {p.name: p for p in bootstrap.secret_plans(needed, resources)}


def test_every_object_of_the_before_merge_list_is_created_with_the_readme_command(synthesized: Path):
    plans = _plans(synthesized)
    assert sorted(plans) == ["gitea-registry", "honeydue-app", "honeydue-b2", "honeydue-database", "honeydue-smtp"]
    assert plans["honeydue-b2"].argv == (
        "-n",
        "honeydue",
        "create",
        "secret",
        "generic",
        "honeydue-b2",
        "--type=Opaque",
        "--from-literal=B2_APPLICATION_KEY=rehearsal-placeholder",
        "--from-literal=B2_KEY_ID=rehearsal-placeholder",
    )


def test_the_registry_secret_is_a_docker_registry_secret_for_the_images_host(synthesized: Path):
    plan = _plans(synthesized)["gitea-registry"]
    assert plan.type == "kubernetes.io/dockerconfigjson"
    assert plan.argv == (
        "-n",
        "honeydue",
        "create",
        "secret",
        "docker-registry",
        "gitea-registry",
        "--docker-server=gitea.treytartt.com",
        "--docker-username=rehearsal",
        "--docker-password=rehearsal-placeholder",
    )


def _pod(env: list[dict] | None = None, **spec) -> dict:
    return {"spec": {"containers": [{"name": "app", "env": env or []}], **spec}}


EXISTING = {("Secret", "honeydue-database"): {"DATABASE_URL"}, ("ConfigMap", "honeydue-settings"): {"SMTP_HOST"}}
LISTED = {("Secret", "honeydue-database"): {"DATABASE_URL"}}


def test_a_reference_to_an_undeclared_key_is_reported():
    pod = _pod([{"name": "X", "valueFrom": {"secretKeyRef": {"name": "honeydue-database", "key": "DATABASE_URI"}}}])
    assert bootstrap.pod_reference_problems(pod, EXISTING, LISTED) == [
        "Secret honeydue-database has no key DATABASE_URI (the before-merge list gives it DATABASE_URL)"
    ]
    # A ConfigMap git delivers is no part of the list: its own keys are named.
    pod = _pod([{"name": "X", "valueFrom": {"configMapKeyRef": {"name": "honeydue-settings", "key": "SMTP_PORT"}}}])
    assert bootstrap.pod_reference_problems(pod, EXISTING, LISTED) == [
        "ConfigMap honeydue-settings has no key SMTP_PORT (its keys: SMTP_HOST)"
    ]


def test_missing_secrets_in_volumes_pull_secrets_and_env_from_are_reported():
    pod = _pod(
        [], volumes=[{"name": "v", "secret": {"secretName": "tls"}}], imagePullSecrets=[{"name": "gitea-registry"}]
    )
    pod["spec"]["containers"][0]["envFrom"] = [{"configMapRef": {"name": "extra"}}]
    assert bootstrap.pod_reference_problems(pod, EXISTING, LISTED) == [
        "ConfigMap extra does not exist (the before-merge list omits it)",
        "Secret gitea-registry does not exist (the before-merge list omits it)",
        "Secret tls does not exist (the before-merge list omits it)",
    ]


def test_optional_and_satisfied_references_are_fine():
    pod = _pod(
        [
            {"name": "A", "valueFrom": {"secretKeyRef": {"name": "honeydue-database", "key": "DATABASE_URL"}}},
            {"name": "B", "valueFrom": {"configMapKeyRef": {"name": "honeydue-settings", "key": "SMTP_HOST"}}},
            {"name": "C", "valueFrom": {"secretKeyRef": {"name": "nope", "key": "k", "optional": True}}},
        ]
    )
    assert bootstrap.pod_reference_problems(pod, EXISTING) == []


def test_a_secret_only_a_pod_reads_is_on_the_list_and_created_too(synthesized: Path, tmp_path: Path):
    """The list is what the pods read, not only what config declares: nothing a pod needs is left out."""
    from tests import dist_copies

    env = dist_copies.copy_env(synthesized, tmp_path)

    def read_extra(obj: dict) -> None:
        dist_copies.container(obj)["envFrom"] = [{"configMapRef": {"name": "tuning"}}, {"secretRef": {"name": "extra"}}]

    dist_copies.edit(env, "Deployment", "worker", read_extra)
    resources = manifests.load([env])
    plans = {
        p.name: p for p in bootstrap.secret_plans(prerequisites.needed(resources, declared.read(resources)), resources)
    }
    assert plans["extra"].argv == ("-n", "honeydue", "create", "secret", "generic", "extra", "--type=Opaque")
    assert (plans["tuning"].kind, plans["tuning"].argv) == (
        "ConfigMap",
        ("-n", "honeydue", "create", "configmap", "tuning"),
    )
