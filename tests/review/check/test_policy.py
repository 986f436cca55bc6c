"""Policy rules of `main.py check`: Pod Security, resources, probes, images, secrets, tokens, singletons."""

from __future__ import annotations

from pathlib import Path

import pytest

from gitops.review.check.policy import image_tag_problem
from gitops.review.findings import Severity
from tests.dist_copies import container, copy_env, edit, write
from tests.review.check.support import active, check, one


def _api(change):
    def apply(deployment: dict) -> None:
        change(container(deployment, "api"), deployment["spec"]["template"]["spec"])

    return apply


# --- Pod Security restricted ---------------------------------------------------------------------

RESTRICTED = "(namespace honeydue enforces Pod Security restricted)"


def test_privilege_escalation_allowed(prod_copy: Path):
    edit(
        prod_copy,
        "Deployment",
        "api",
        _api(lambda c, _: c["securityContext"].update({"allowPrivilegeEscalation": True})),
    )
    finding = one(check(prod_copy), "pss-restricted", "Deployment", "api")
    assert finding.field == "spec.template.spec.containers[api].securityContext.allowPrivilegeEscalation"
    assert finding.message == f"allowPrivilegeEscalation must be false, it is true {RESTRICTED}"


def test_run_as_non_root_set_nowhere(prod_copy: Path):
    def change(c: dict, pod: dict) -> None:
        del c["securityContext"]["runAsNonRoot"]
        del pod["securityContext"]["runAsNonRoot"]

    edit(prod_copy, "Deployment", "api", _api(change))
    finding = one(check(prod_copy), "pss-restricted", "Deployment", "api")
    assert finding.field == "spec.template.spec.containers[api].securityContext.runAsNonRoot"
    assert finding.message == f"runAsNonRoot is set neither on the container nor on the pod {RESTRICTED}"


def test_pod_level_run_as_non_root_covers_the_containers(prod_copy: Path):
    edit(prod_copy, "Deployment", "api", _api(lambda c, _: c["securityContext"].pop("runAsNonRoot")))
    assert active(check(prod_copy), "pss-restricted") == []


@pytest.mark.parametrize(
    "change, field, message",
    [
        (
            lambda c, p: c["securityContext"]["capabilities"].update({"add": ["NET_BIND_SERVICE", "SYS_ADMIN"]}),
            "containers[api].securityContext.capabilities.add",
            "adds capabilities SYS_ADMIN (only NET_BIND_SERVICE may be added)",
        ),
        (
            lambda c, p: c["securityContext"]["capabilities"].update({"drop": ["NET_RAW"]}),
            "containers[api].securityContext.capabilities.drop",
            "capabilities.drop does not contain ALL",
        ),
        (
            lambda c, p: c["securityContext"].update({"seccompProfile": {"type": "Unconfined"}}),
            "containers[api].securityContext.seccompProfile.type",
            "seccompProfile.type is Unconfined",
        ),
        (
            lambda c, p: c["securityContext"].pop("seccompProfile"),
            "containers[api].securityContext.seccompProfile",
            "no seccompProfile on the container or the pod",
        ),
        (
            lambda c, p: c["securityContext"].update({"runAsUser": 0}),
            "containers[api].securityContext.runAsUser",
            "runAsUser is 0 (root)",
        ),
        (
            lambda c, p: c["securityContext"].update({"privileged": True}),
            "containers[api].securityContext.privileged",
            "the container is privileged",
        ),
        (lambda c, p: p.update({"hostNetwork": True}), "hostNetwork", "hostNetwork: true shares the node's namespaces"),
        (lambda c, p: p.update({"hostPID": True}), "hostPID", "hostPID: true shares the node's namespaces"),
        (
            lambda c, p: c["ports"][0].update({"hostPort": 8000}),
            "containers[api].ports[http].hostPort",
            "hostPort 8000 binds a node port",
        ),
        (
            lambda c, p: p["volumes"].append({"name": "logs", "hostPath": {"path": "/var/log"}}),
            "volumes[logs].hostPath",
            "volume type hostPath is not allowed (allowed: configMap, csi, downwardAPI, emptyDir, ephemeral, "
            "persistentVolumeClaim, projected, secret)",
        ),
    ],
)
def test_restricted_profile_violations(prod_copy: Path, change, field: str, message: str):
    edit(prod_copy, "Deployment", "api", _api(change))
    finding = one(check(prod_copy), "pss-restricted", "Deployment", "api")
    assert finding.field == f"spec.template.spec.{field}"
    assert finding.message == f"{message} {RESTRICTED}"


def test_namespace_without_restricted_enforcement_is_not_checked(prod_copy: Path):
    edit(
        prod_copy,
        "Namespace",
        "honeydue",
        lambda n: n["metadata"]["labels"].update({"pod-security.kubernetes.io/enforce": "baseline"}),
    )
    edit(
        prod_copy,
        "Deployment",
        "api",
        _api(lambda c, _: c["securityContext"].update({"allowPrivilegeEscalation": True})),
    )
    assert active(check(prod_copy), "pss-restricted") == []


# --- resources -----------------------------------------------------------------------------------


def test_missing_requests_and_limit(prod_copy: Path):
    edit(prod_copy, "Deployment", "api", _api(lambda c, _: c.update({"resources": {"requests": {"memory": "512Mi"}}})))
    found = [(f.field, f.message) for f in active(check(prod_copy), "resources")]
    assert found == [
        ("spec.template.spec.containers[api].resources.limits.memory", "container api has no limits.memory"),
        ("spec.template.spec.containers[api].resources.requests.cpu", "container api has no requests.cpu"),
    ]


def test_unparseable_quantity(prod_copy: Path):
    edit(prod_copy, "Deployment", "api", _api(lambda c, _: c["resources"]["limits"].update({"memory": "1 gig"})))
    finding = one(check(prod_copy), "resources", "Deployment", "api")
    assert finding.field == "spec.template.spec.containers[api].resources.limits.memory"
    assert finding.message == "limits.memory '1 gig' is not a Kubernetes quantity: the API server rejects the pod"


def test_request_above_limit(prod_copy: Path):
    edit(prod_copy, "Deployment", "api", _api(lambda c, _: c["resources"]["requests"].update({"memory": "2Gi"})))
    finding = one(check(prod_copy), "resources", "Deployment", "api")
    assert finding.message == "requests.memory 2Gi exceeds limits.memory 1024Mi: the API server rejects the pod"


# --- probes --------------------------------------------------------------------------------------


def test_missing_readiness_probe(prod_copy: Path):
    edit(prod_copy, "Deployment", "api", _api(lambda c, _: c.pop("readinessProbe")))
    finding = one(check(prod_copy), "probes", "Deployment", "api")
    assert finding.severity is Severity.ERROR
    assert finding.field == "spec.template.spec.containers[api].readinessProbe"
    assert finding.message == "container api of a long-running Deployment has no readinessProbe"


def test_the_worker_is_waived_not_passed(prod_copy: Path):
    outcome = check(prod_copy)
    assert active(outcome, "probes") == []
    waived = [(f.field, f.waived) for f in outcome.waived if f.rule == "probes" and f.name == "worker"]
    reason = "the Asynq worker serves no HTTP or TCP endpoint; a crash ends the process and restarts the pod"
    assert waived == [
        ("spec.template.spec.containers[worker].livenessProbe", reason),
        ("spec.template.spec.containers[worker].readinessProbe", reason),
    ]


def test_jobs_need_no_probes(tmp_path: Path):
    write(
        tmp_path,
        "job.yaml",
        """
apiVersion: batch/v1
kind: Job
metadata: {name: migrate}
spec:
  template:
    spec: {restartPolicy: Never, containers: [{name: migrate, image: "tool:1.0.0"}]}
""",
    )
    assert active(check(tmp_path), "probes") == []


def test_probe_on_a_port_name_the_container_does_not_have(prod_copy: Path):
    edit(prod_copy, "Deployment", "api", _api(lambda c, _: c["livenessProbe"]["tcpSocket"].update({"port": "web"})))
    finding = one(check(prod_copy), "probe-port", "Deployment", "api")
    assert finding.severity is Severity.ERROR
    assert finding.field == "spec.template.spec.containers[api].livenessProbe.tcpSocket.port"
    assert (
        finding.message == "livenessProbe probes port web, which container api does not name (named ports: http): "
        "the probe always fails"
    )


def test_probe_on_an_undeclared_port_number(prod_copy: Path):
    edit(prod_copy, "Deployment", "api", _api(lambda c, _: c["readinessProbe"]["httpGet"].update({"port": 8080})))
    finding = one(check(prod_copy), "probe-port", "Deployment", "api")
    assert finding.severity is Severity.WARNING
    assert (
        finding.message
        == "readinessProbe probes port 8080, which container api does not declare (containerPorts: 8000)"
    )


def test_probe_by_port_name_passes(prod_copy: Path):
    edit(prod_copy, "Deployment", "api", _api(lambda c, _: c["readinessProbe"]["httpGet"].update({"port": "http"})))
    assert active(check(prod_copy), "probe-port") == []


# --- startup probes ------------------------------------------------------------------------------


def test_liveness_delay_instead_of_a_startup_probe(prod_copy: Path):
    def change(c: dict, _) -> None:
        del c["startupProbe"]
        c["livenessProbe"]["initialDelaySeconds"] = 240

    edit(prod_copy, "Deployment", "api", _api(change))
    finding = one(check(prod_copy), "startup-probe", "Deployment", "api")
    assert finding.severity is Severity.WARNING
    assert finding.field == "spec.template.spec.containers[api].startupProbe"
    assert finding.message == (
        "container api has no startupProbe but its livenessProbe waits initialDelaySeconds 240: a start slower than "
        "that is killed, and every restart leaves a hang unnoticed for 240 s"
    )


def test_short_liveness_delay_without_startup_probe_is_no_slow_starter(prod_copy: Path):
    def change(c: dict, _) -> None:
        del c["startupProbe"]
        c["livenessProbe"]["initialDelaySeconds"] = 29

    edit(prod_copy, "Deployment", "api", _api(change))
    assert active(check(prod_copy), "startup-probe") == []


def test_startup_window_shorter_than_the_liveness_delay(prod_copy: Path):
    # The migration bug: failureThreshold 12 x 5 s against a start of up to 240 s.
    def change(c: dict, _) -> None:
        c["startupProbe"]["failureThreshold"] = 12
        c["livenessProbe"]["initialDelaySeconds"] = 240

    edit(prod_copy, "Deployment", "api", _api(change))
    finding = one(check(prod_copy), "startup-probe", "Deployment", "api")
    assert finding.severity is Severity.ERROR
    assert finding.message == (
        "container api's startupProbe gives up after 60 s, before the 240 s its livenessProbe initialDelaySeconds "
        "allows for starting: slow starts are killed"
    )


# --- images --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "image, severity, what",
    [
        (
            "docker.io/library/redis",
            Severity.ERROR,
            "has no tag, so it pulls latest: every node may run a different build",
        ),
        ("redis:latest", Severity.ERROR, "uses the tag latest: every node may run a different build"),
        (
            "redis:7-alpine",
            Severity.WARNING,
            "uses the floating tag 7-alpine (1 version component(s)): it moves to new releases without a change in git",
        ),
        (
            "redis:7",
            Severity.WARNING,
            "uses the floating tag 7 (1 version component(s)): it moves to new releases without a change in git",
        ),
        (
            "localhost:5000/redis:7.4",
            Severity.WARNING,
            "uses the floating tag 7.4 (2 version component(s)): it moves to new releases without a change in git",
        ),
        ("redis:alpine", Severity.WARNING, "uses the moving tag alpine: it changes without a change in git"),
    ],
)
def test_image_tags_that_are_not_pinned(prod_copy: Path, image: str, severity: Severity, what: str):
    edit(prod_copy, "Deployment", "redis", lambda d: container(d, "redis").update({"image": image}))
    finding = one(check(prod_copy), "image-tag", "Deployment", "redis")
    assert finding.severity is severity
    assert finding.field == "spec.template.spec.containers[redis].image"
    assert finding.message == f"image {image} {what}"


@pytest.mark.parametrize(
    "image",
    [
        "docker.io/library/redis:7.4.2-alpine",
        "gitea.treytartt.com/treytartt/honeydue-api:6f303dbbaa",  # a commit, not a version
        "redis:7@sha256:" + "a" * 64,  # a digest pins whatever the tag says
        "app:v1.2.3",
        "app:20240101",  # a date stamp, not a major version
    ],
)
def test_pinned_images(image: str):
    assert image_tag_problem(image) is None


def test_a_registry_port_is_not_a_tag():
    assert image_tag_problem("localhost:5000/redis") == (
        Severity.ERROR,
        "has no tag, so it pulls latest: every node may run a different build",
    )


def test_a_reference_the_grammar_refuses_is_an_error():
    assert image_tag_problem("gitea.treytartt.com/Treytartt/api:1") == (
        Severity.ERROR,
        "has upper case in its repository path 'Treytartt/api', which no registry serves: the kubelet cannot pull it",
    )


DIGEST = "sha256:" + "ab" * 32


def test_production_images_without_a_digest_are_warned_about_one_by_one(prod_copy: Path):
    outcome = check(prod_copy)
    found = sorted((f.name, f.field, f.message, f.fix) for f in active(outcome, "image-digest"))
    assert [name for name, *_ in found] == ["admin", "api", "redis", "worker"]
    assert found[2] == (
        "redis",
        "spec.template.spec.containers[redis].image",
        "image docker.io/library/redis:7.4.2-alpine goes to production by tag alone, without a digest",
        "append the digest the registry reports for it: docker.io/library/redis:7.4.2-alpine@sha256:<digest>",
    )
    assert {f.severity for f in active(outcome, "image-digest")} == {Severity.WARNING}


def test_a_digest_silences_the_warning(prod_copy: Path):
    pinned = f"docker.io/library/redis:7.4.2-alpine@{DIGEST}"
    edit(prod_copy, "Deployment", "redis", lambda d: container(d, "redis").update({"image": pinned}))
    assert sorted(f.name for f in active(check(prod_copy), "image-digest")) == ["admin", "api", "worker"]


def test_only_a_production_cluster_asks_for_digests(synthesized: Path, tmp_path: Path):
    assert active(check(copy_env(synthesized, tmp_path, "staging")), "image-digest") == []


# --- secrets -------------------------------------------------------------------------------------


def test_plaintext_secret_values(tmp_path: Path):
    write(
        tmp_path,
        "secret.yaml",
        """
apiVersion: v1
kind: Secret
metadata: {name: db, namespace: app}
data:
  url: cG9zdGdyZXM6Ly91OnBAaC9k
  user: "ENC[AES256_GCM,data:Tr7o,iv:x,tag:y,type:str]"
stringData:
  empty: ""
""",
    )
    finding = one(check(tmp_path), "plaintext-secret", "Secret", "db")
    assert finding.field == "data.url"
    assert finding.message == "data.url is stored in plain text (not a SOPS ENC[...] value)"


def test_sops_encrypted_secret_passes(tmp_path: Path):
    write(
        tmp_path,
        "secret.yaml",
        """
apiVersion: v1
kind: Secret
metadata: {name: db, namespace: app}
stringData: {url: "ENC[AES256_GCM,data:Tr7o,iv:x,tag:y,type:str]"}
sops: {version: 3.9.0}
""",
    )
    assert active(check(tmp_path), "plaintext-secret") == []


def test_service_account_token_mounted_by_default(prod_copy: Path):
    edit(prod_copy, "Deployment", "api", lambda d: d["spec"]["template"]["spec"].pop("automountServiceAccountToken"))
    finding = one(check(prod_copy), "service-account-token", "Deployment", "api")
    assert finding.severity is Severity.WARNING
    assert finding.field == "spec.template.spec.automountServiceAccountToken"
    assert finding.message == (
        "automountServiceAccountToken is not set, so a token of ServiceAccount default is mounted into every pod"
    )


def test_service_account_that_opts_out_of_tokens(prod_copy: Path):
    def change(deployment: dict) -> None:
        spec = deployment["spec"]["template"]["spec"]
        del spec["automountServiceAccountToken"]
        spec["serviceAccountName"] = "api"

    edit(prod_copy, "Deployment", "api", change)
    write(
        prod_copy / "apps",
        "serviceaccount.yaml",
        """
apiVersion: v1
kind: ServiceAccount
metadata: {name: api, namespace: honeydue}
automountServiceAccountToken: false
""",
    )
    outcome = check(prod_copy)
    assert active(outcome, "service-account-token") == []
    assert active(outcome, "reference-unresolved") == []


# --- singletons ----------------------------------------------------------------------------------


def test_singleton_worker_rolling_update_runs_the_scheduler_twice(prod_copy: Path):
    edit(prod_copy, "Deployment", "worker", lambda d: d["spec"].update({"strategy": {"type": "RollingUpdate"}}))
    finding = one(check(prod_copy), "singleton-rollout", "Deployment", "worker")
    assert finding.field == "spec.strategy.type"
    assert finding.message == (
        "a singleton (1 replica, evictable under PodDisruptionBudget honeydue/worker) rolls out with RollingUpdate: "
        "old and new pod run at the same time"
    )


def test_single_replica_that_no_budget_lets_move_is_not_a_singleton(prod_copy: Path):
    edit(prod_copy, "Deployment", "worker", lambda d: d["spec"].pop("strategy"))
    edit(prod_copy, "PodDisruptionBudget", "worker", lambda p: p["spec"].update({"maxUnavailable": 0}))
    outcome = check(prod_copy)
    assert active(outcome, "singleton-rollout") == []
    assert one(outcome, "pdb-blocks-drain", "PodDisruptionBudget", "worker")
