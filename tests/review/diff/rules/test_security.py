"""Security weakened: container and pod settings, and the namespace's Pod Security labels."""

from __future__ import annotations

from pathlib import Path

from tests import dist_copies
from tests.review.diff import kit as diffkit

API = "spec.template.spec.containers[api]"
PRIVILEGED_POD = """\
apiVersion: apps/v1
kind: DaemonSet
metadata: {name: agent, namespace: honeydue}
spec:
  selector: {matchLabels: {app: agent}}
  template:
    metadata: {labels: {app: agent}}
    spec:
      hostPID: true
      containers:
        - name: agent
          image: agent:1
          securityContext: {privileged: true, capabilities: {add: [SYS_ADMIN]}}
"""


def _api_security(**fields):
    def change(obj: dict) -> None:
        dist_copies.container(obj, "api")["securityContext"].update(fields)

    return change


def _api_security_without(field: str):
    def change(obj: dict) -> None:
        dist_copies.container(obj, "api")["securityContext"].pop(field)

    return change


def test_run_as_non_root_removed_at_both_levels_is_high(synthesized: Path, tmp_path: Path):
    before, after = diffkit.before_after(synthesized, tmp_path)

    def drop(obj: dict) -> None:
        dist_copies.container(obj, "api")["securityContext"].pop("runAsNonRoot")
        dist_copies.pod_spec(obj)["securityContext"].pop("runAsNonRoot")

    dist_copies.edit(after, "Deployment", "api", drop)
    assert diffkit.risks(diffkit.compare(before, after)) == [
        (
            "high",
            "Deployment honeydue/api",
            f"{API}.securityContext.runAsNonRoot",
            "runAsNonRoot is turned off or removed: nothing stops the container from running as root.",
        )
    ]


def test_run_as_non_root_kept_at_pod_level_is_no_risk(synthesized: Path, tmp_path: Path):
    before, after = diffkit.before_after(synthesized, tmp_path)
    dist_copies.edit(after, "Deployment", "api", _api_security_without("runAsNonRoot"))
    assert diffkit.risks(diffkit.compare(before, after)) == []


def test_privileged_escalation_capabilities_and_writable_root(synthesized: Path, tmp_path: Path):
    before, after = diffkit.before_after(synthesized, tmp_path)
    dist_copies.edit(
        after,
        "Deployment",
        "api",
        _api_security(
            privileged=True,
            allowPrivilegeEscalation=True,
            readOnlyRootFilesystem=False,
            capabilities={"drop": ["ALL"], "add": ["NET_ADMIN"]},
        ),
    )
    assert diffkit.risks(diffkit.compare(before, after)) == [
        (
            "high",
            "Deployment honeydue/api",
            f"{API}.securityContext.privileged",
            "privileged: the container gets every capability and the node's devices.",
        ),
        (
            "medium",
            "Deployment honeydue/api",
            f"{API}.securityContext.allowPrivilegeEscalation",
            "allowPrivilegeEscalation is no longer false (it defaults to true): setuid binaries can gain privileges.",
        ),
        (
            "medium",
            "Deployment honeydue/api",
            f"{API}.securityContext.capabilities.add",
            "adds capabilities NET_ADMIN: the container can do more as whatever user it runs as.",
        ),
        (
            "medium",
            "Deployment honeydue/api",
            f"{API}.securityContext.readOnlyRootFilesystem",
            "the root filesystem becomes writable: whatever gets in can change the image's files.",
        ),
    ]


def test_host_network_and_host_ports_are_high(synthesized: Path, tmp_path: Path):
    before, after = diffkit.before_after(synthesized, tmp_path)

    def host(obj: dict) -> None:
        dist_copies.pod_spec(obj)["hostNetwork"] = True
        dist_copies.container(obj, "api")["ports"][0]["hostPort"] = 8000

    dist_copies.edit(after, "Deployment", "api", host)
    assert diffkit.risks(diffkit.compare(before, after)) == [
        (
            "high",
            "Deployment honeydue/api",
            f"{API}.ports",
            "binds host port 8000: the pod takes that port on its node's address.",
        ),
        (
            "high",
            "Deployment honeydue/api",
            "spec.template.spec.hostNetwork",
            "hostNetwork: the pod shares the node's network: it can bind node ports and reach every local service.",
        ),
    ]


def test_a_new_privileged_workload_is_flagged_for_what_it_sets(tmp_path: Path):
    (tmp_path / "before").mkdir()
    (tmp_path / "after").mkdir()
    (tmp_path / "after" / "agent.yaml").write_text(PRIVILEGED_POD)
    assert diffkit.risks(diffkit.compare(tmp_path / "before", tmp_path / "after")) == [
        (
            "high",
            "DaemonSet honeydue/agent",
            "spec.template.spec.containers[agent].securityContext.privileged",
            "privileged: the container gets every capability and the node's devices.",
        ),
        (
            "high",
            "DaemonSet honeydue/agent",
            "spec.template.spec.hostPID",
            "hostPID: the pod sees and can signal every process on the node.",
        ),
        (
            "medium",
            "DaemonSet honeydue/agent",
            "spec.template.spec.containers[agent].securityContext.capabilities.add",
            "adds capabilities SYS_ADMIN: the container can do more as whatever user it runs as.",
        ),
    ]


def test_relaxed_pod_security_enforcement_is_high(synthesized: Path, tmp_path: Path):
    before, after = diffkit.before_after(synthesized, tmp_path)
    label = "pod-security.kubernetes.io/"

    def relax(obj: dict) -> None:
        obj["metadata"]["labels"][f"{label}enforce"] = "baseline"
        del obj["metadata"]["labels"][f"{label}warn"]

    dist_copies.edit(after, "Namespace", "honeydue", relax)
    assert diffkit.risks(diffkit.compare(before, after)) == [
        (
            "high",
            "Namespace honeydue",
            f"metadata.labels['{label}enforce']",
            "Pod Security enforcement relaxed from restricted to baseline: pods the restricted profile refused are now "
            "admitted.",
        ),
        (
            "low",
            "Namespace honeydue",
            f"metadata.labels['{label}warn']",
            "Pod Security warn relaxed from restricted to privileged (label removed): violations of the restricted "
            "profile are no longer reported.",
        ),
    ]


def test_tightening_security_is_no_risk(synthesized: Path, tmp_path: Path):
    before, after = diffkit.before_after(synthesized, tmp_path)
    dist_copies.edit(before, "Deployment", "api", _api_security(readOnlyRootFilesystem=False))
    assert diffkit.risks(diffkit.compare(before, after)) == []
