"""Pod Security Standards, restricted profile, for namespaces that enforce it.

Admission rejects a non-conforming pod, but the Deployment itself is
accepted: the rollout just never creates pods, which only shows as a
ReplicaSet event. Checked against the pod template before it gets there,
only in namespaces whose Namespace object in the set carries
pod-security.kubernetes.io/enforce: restricted.

Covered: host namespaces, privileged, hostPath and other volume types,
hostPort (baseline), and allowPrivilegeEscalation, capabilities,
runAsNonRoot, runAsUser, seccomp (restricted). Not covered: the baseline
checks on AppArmor, SELinux options, /proc mount type and sysctls.
"""

from __future__ import annotations

from collections.abc import Iterator

from gitops.k8s import podsecurity
from gitops.k8s.podsecurity import (
    HOST_NAMESPACES,
    RESTRICTED,
    RESTRICTED_CAPABILITIES,
    RESTRICTED_SECCOMP,
    RESTRICTED_VOLUMES,
)
from gitops.k8s.workloads import Container, PodTemplate, mapping, one_of, sequence
from gitops.review.check.context import Context
from gitops.review.check.registry import rule
from gitops.review.findings import Issue, Severity, Topic


def restricted_namespaces(ctx: Context) -> set[str]:
    return {n.name for n in ctx.of_kind("Namespace") if podsecurity.levels(n.labels)["enforce"] == RESTRICTED}


class _Pod:
    def __init__(self, pod: PodTemplate):
        self.pod = pod
        self.context = mapping(pod.spec.get("securityContext"))
        self.ns = pod.namespace

    def issue(self, field: str, message: str, fix: str) -> Issue:
        return Issue(self.pod.resource, field, f"{message} (namespace {self.ns} enforces Pod Security restricted)", fix)

    def pod_level(self) -> Iterator[Issue]:
        spec, field = self.pod.spec, self.pod.field
        for key in HOST_NAMESPACES:
            if spec.get(key) is True:
                yield self.issue(f"{field}.{key}", f"{key}: true shares the node's namespaces", f"remove {key}")
        for volume, volume_field in self.pod.volumes():
            kinds = [k for k in volume if k != "name"]
            for kind in kinds:
                if kind not in RESTRICTED_VOLUMES:
                    yield self.issue(
                        f"{volume_field}.{kind}",
                        f"volume type {kind} is not allowed (allowed: {', '.join(sorted(RESTRICTED_VOLUMES))})",
                        "use an emptyDir, a PersistentVolumeClaim or a projected volume instead",
                    )
        if self.context.get("runAsNonRoot") is False:
            yield self.issue(f"{field}.securityContext.runAsNonRoot", "runAsNonRoot is false", "set runAsNonRoot: true")
        if self.context.get("runAsUser") == 0:
            yield self.issue(f"{field}.securityContext.runAsUser", "runAsUser is 0 (root)", "run as a non-zero user id")
        seccomp = mapping(self.context.get("seccompProfile")).get("type")
        if seccomp is not None and not one_of(seccomp, RESTRICTED_SECCOMP):
            yield self.issue(
                f"{field}.securityContext.seccompProfile.type",
                f"seccompProfile.type is {seccomp}",
                "set seccompProfile.type: RuntimeDefault",
            )

    def container(self, c: Container) -> Iterator[Issue]:
        sc, field = c.security, f"{c.field}.securityContext"
        if sc.get("privileged") is True:
            yield self.issue(f"{field}.privileged", "the container is privileged", "remove privileged: true")
        for index, port in enumerate(c.ports):
            if port.get("hostPort"):
                yield self.issue(
                    f"{c.field}.ports[{port.get('name') or index}].hostPort",
                    f"hostPort {port['hostPort']} binds a node port",
                    "remove hostPort and reach the pod through a Service",
                )
        if sc.get("allowPrivilegeEscalation") is not False:
            yield self.issue(
                f"{field}.allowPrivilegeEscalation",
                f"allowPrivilegeEscalation must be false, it is {_shown(sc.get('allowPrivilegeEscalation'))}",
                "set securityContext.allowPrivilegeEscalation: false",
            )
        capabilities = mapping(sc.get("capabilities"))
        if "ALL" not in [str(d) for d in sequence(capabilities.get("drop"))]:
            yield self.issue(
                f"{field}.capabilities.drop",
                "capabilities.drop does not contain ALL",
                "set securityContext.capabilities.drop: [ALL]",
            )
        added = sorted({str(a) for a in sequence(capabilities.get("add"))} - RESTRICTED_CAPABILITIES)
        if added:
            yield self.issue(
                f"{field}.capabilities.add",
                f"adds capabilities {', '.join(added)} (only NET_BIND_SERVICE may be added)",
                "remove them from capabilities.add",
            )
        non_root = sc.get("runAsNonRoot")
        if non_root is False:
            yield self.issue(f"{field}.runAsNonRoot", "runAsNonRoot is false", "set runAsNonRoot: true")
        elif non_root is not True and self.context.get("runAsNonRoot") is not True:
            yield self.issue(
                f"{field}.runAsNonRoot",
                "runAsNonRoot is set neither on the container nor on the pod",
                "set securityContext.runAsNonRoot: true on the pod",
            )
        if sc.get("runAsUser") == 0:
            yield self.issue(f"{field}.runAsUser", "runAsUser is 0 (root)", "run as a non-zero user id")
        seccomp = mapping(sc.get("seccompProfile")).get("type")
        if seccomp is not None and not one_of(seccomp, RESTRICTED_SECCOMP):
            yield self.issue(
                f"{field}.seccompProfile.type",
                f"seccompProfile.type is {seccomp}",
                "set seccompProfile.type: RuntimeDefault",
            )
        elif seccomp is None and mapping(self.context.get("seccompProfile")).get("type") is None:
            yield self.issue(
                f"{field}.seccompProfile",
                "no seccompProfile on the container or the pod",
                "set securityContext.seccompProfile.type: RuntimeDefault on the pod or the container",
            )


def _shown(value: object) -> str:
    return "unset" if value is None else str(value).lower() if isinstance(value, bool) else repr(value)


@rule(
    "pss-restricted",
    Topic.POLICY,
    Severity.ERROR,
    prevents="a rollout that creates no pods because Pod Security admission rejects every one of them",
    fix="satisfy the restricted profile (non-root, no privilege escalation, drop ALL, seccomp RuntimeDefault, "
    "no host namespaces/ports/paths)",
)
def pss_restricted(ctx: Context) -> Iterator[Issue]:
    namespaces = restricted_namespaces(ctx)
    for pod in ctx.pods:
        if pod.namespace not in namespaces:
            continue
        checker = _Pod(pod)
        yield from checker.pod_level()
        for container in pod.containers():
            yield from checker.container(container)
