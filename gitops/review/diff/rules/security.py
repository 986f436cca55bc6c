"""Security weakened: pod and container settings that lower isolation, and relaxed Pod Security labels.

A setting counts where the kubelet takes it from: the container's
securityContext, else the pod's. For containers that already existed, losing
a protection counts (runAsNonRoot removed); for new containers and workloads
only settings that are dangerous on their own do (privileged, host ports),
since leaving a field out is not a change.
"""

from __future__ import annotations

from collections.abc import Iterator

from gitops.k8s import podsecurity, workloads
from gitops.k8s.workloads import dig, mapping, one_of, sequence
from gitops.review.diff.fields import container_path
from gitops.review.diff.model import MISSING, Named, ObjectDiff, Status
from gitops.review.diff.rules.context import Context, risk, rule
from gitops.review.findings import Issue, ObjectKey, Severity, Topic

# What each host namespace (podsecurity.HOST_NAMESPACES) lets the pod do.
HOST_NAMESPACES = dict(
    zip(
        podsecurity.HOST_NAMESPACES,
        (
            "shares the node's network: it can bind node ports and reach every local service",
            "sees and can signal every process on the node",
            "shares the node's IPC namespace with every other host process",
        ),
        strict=True,
    )
)


def _security(item: dict | None) -> dict:
    return mapping(dig(item, "securityContext"))


def _effective(container: dict | None, pod: dict | None, field: str) -> object:
    if container is not None and field in _security(container):
        return _security(container)[field]
    return _security(pod).get(field, MISSING)


def _seccomp(container: dict | None, pod: dict | None) -> object:
    profile = _effective(container, pod, "seccompProfile")
    return profile.get("type", MISSING) if isinstance(profile, dict) else MISSING


class _Container:
    """One container on both sides and where its findings are reported."""

    def __init__(
        self,
        key: ObjectKey,
        list_name: str,
        name: str,
        old: dict | None,
        new: dict,
        old_pod: dict | None,
        new_pod: dict,
    ) -> None:
        self.key, self.old, self.new, self.old_pod, self.new_pod = key, old, new, old_pod, new_pod
        self.path = container_path(key.kind, list_name, name)
        self.pod_path = workloads.pod_spec_path(key.kind) or ()

    def where(self, field: str, *more: str) -> tuple:
        if field in _security(self.new) or field in _security(self.old):
            return (*self.path, "securityContext", field, *more)
        return (*self.pod_path, "securityContext", field, *more)

    def before(self, field: str) -> object:
        return MISSING if self.old is None else _effective(self.old, self.old_pod, field)

    def after(self, field: str) -> object:
        return _effective(self.new, self.new_pod, field)


def _existing_only(c: _Container) -> Iterator[Issue]:
    """Protections a container had and loses."""
    if c.before("runAsNonRoot") is True and c.after("runAsNonRoot") is not True:
        yield risk(
            Severity.HIGH,
            c.key,
            c.where("runAsNonRoot"),
            "runAsNonRoot is turned off or removed: nothing stops the container from running as root.",
        )
    if c.before("allowPrivilegeEscalation") is False and c.after("allowPrivilegeEscalation") is not False:
        yield risk(
            Severity.MEDIUM,
            c.key,
            c.where("allowPrivilegeEscalation"),
            "allowPrivilegeEscalation is no longer false (it defaults to true): setuid binaries can gain privileges.",
        )
    if c.before("readOnlyRootFilesystem") is True and c.after("readOnlyRootFilesystem") is not True:
        yield risk(
            Severity.MEDIUM,
            c.key,
            c.where("readOnlyRootFilesystem"),
            "the root filesystem becomes writable: whatever gets in can change the image's files.",
        )
    old_drop = sequence(dig(_security(c.old), "capabilities", "drop"))
    new_drop = sequence(dig(_security(c.new), "capabilities", "drop"))
    if "ALL" in old_drop and "ALL" not in new_drop:
        yield risk(
            Severity.MEDIUM,
            c.key,
            (*c.path, "securityContext", "capabilities", "drop"),
            "no longer drops ALL capabilities: the runtime's default set comes back.",
        )
    confined = podsecurity.RESTRICTED_SECCOMP
    if one_of(_seccomp(c.old, c.old_pod), confined) and not one_of(_seccomp(c.new, c.new_pod), confined):
        yield risk(
            Severity.MEDIUM,
            c.key,
            c.where("seccompProfile"),
            "the seccomp profile is removed or unconfined: every system call is allowed.",
        )


def _dangerous(c: _Container) -> Iterator[Issue]:
    """Settings that are dangerous on their own, newly present."""
    if c.after("privileged") is True and c.before("privileged") is not True:
        yield risk(
            Severity.HIGH,
            c.key,
            c.where("privileged"),
            "privileged: the container gets every capability and the node's devices.",
        )
    if c.after("runAsUser") == 0 and c.before("runAsUser") != 0:
        yield risk(Severity.HIGH, c.key, c.where("runAsUser"), "runAsUser becomes 0: the container runs as root.")
    if c.after("allowPrivilegeEscalation") is True and c.old is None:
        yield risk(
            Severity.MEDIUM,
            c.key,
            c.where("allowPrivilegeEscalation"),
            "allowPrivilegeEscalation is true: setuid binaries can gain privileges.",
        )
    old_add = sequence(dig(_security(c.old), "capabilities", "add"))
    added = [cap for cap in sequence(dig(_security(c.new), "capabilities", "add")) if cap not in old_add]
    if added:
        yield risk(
            Severity.MEDIUM,
            c.key,
            (*c.path, "securityContext", "capabilities", "add"),
            f"adds capabilities {', '.join(map(str, added))}: the container can do more as whatever user it runs as.",
        )
    old_ports = [p.get("hostPort") for p in sequence(dig(c.old, "ports")) if isinstance(p, dict)]
    new_ports = [p.get("hostPort") for p in sequence(c.new.get("ports")) if isinstance(p, dict) and p.get("hostPort")]
    opened = [port for port in new_ports if port not in old_ports]
    if opened:
        yield risk(
            Severity.HIGH,
            c.key,
            (*c.path, "ports"),
            f"binds host port {', '.join(map(str, opened))}: the pod takes that port on its node's address.",
        )


def _pod(key: ObjectKey, old_pod: dict | None, new_pod: dict) -> Iterator[Issue]:
    pod_path = workloads.pod_spec_path(key.kind) or ()
    for field, why in HOST_NAMESPACES.items():
        if new_pod.get(field) is True and dig(old_pod, field) is not True:
            yield risk(Severity.HIGH, key, (*pod_path, field), f"{field}: the pod {why}.")
    old_paths = {v.get("name") for v in sequence(dig(old_pod, "volumes")) if isinstance(v, dict) and "hostPath" in v}
    for volume in sequence(new_pod.get("volumes")):
        if isinstance(volume, dict) and "hostPath" in volume and volume.get("name") not in old_paths:
            where = mapping(volume.get("hostPath")).get("path", "?")
            yield risk(
                Severity.HIGH,
                key,
                (*pod_path, "volumes", Named("name", volume.get("name"))),
                f"mounts {where} from the node (hostPath): the pod reads or writes the host's files.",
            )


def _workload(d: ObjectDiff) -> Iterator[Issue]:
    old_pod = workloads.pod_spec(d.old) if d.status is not Status.ADDED else None
    new_pod = workloads.pod_spec(d.new) or {}
    yield from _pod(d.key, old_pod, new_pod)
    before = workloads.containers(old_pod)
    for (list_name, name), container in workloads.containers(new_pod).items():
        c = _Container(d.key, list_name, name, before.get((list_name, name)), container, old_pod, new_pod)
        if c.old is not None:
            yield from _existing_only(c)
        yield from _dangerous(c)


@rule(
    "security-weakened",
    Topic.SECURITY,
    Severity.HIGH,
    prevents="lower isolation of a workload's pods; high: runAsNonRoot turned off or removed, "
    "runAsUser 0, privileged, hostNetwork, hostPID or hostIPC, a new hostPort or hostPath "
    "volume; medium: allowPrivilegeEscalation no longer false, capabilities added, `drop: "
    "[ALL]` removed, readOnlyRootFilesystem turned off, seccomp removed or Unconfined",
    fix="restore the setting; if the workload needs it, say why in the pull request",
    severity_note="high / medium",
)
def pod_security(context: Context) -> Iterator[Issue]:
    for d in context.with_status(Status.ADDED, Status.CHANGED, kinds=workloads.WORKLOADS):
        yield from _workload(d)


@rule(
    "pod-security-relaxed",
    Topic.SECURITY,
    Severity.HIGH,
    prevents="a Namespace's Pod Security labels relaxed: a weaker or removed `enforce` admits pods the "
    "profile refused; a weaker `audit` or `warn` stops reporting violations",
    fix="keep `pod-security.kubernetes.io/enforce: restricted` on the application namespace",
    severity_note="high (enforce) / low (audit, warn)",
)
def namespace_pod_security(context: Context) -> Iterator[Issue]:
    for d in context.changed(kinds={"Namespace"}):
        before = podsecurity.levels(mapping(dig(d.old, "metadata", "labels")))
        after = podsecurity.levels(mapping(dig(d.new, "metadata", "labels")))
        for mode in podsecurity.MODES:
            if podsecurity.strictness(after[mode]) >= podsecurity.strictness(before[mode]):
                continue
            old_level = before[mode]
            new_level = after[mode] or "privileged (label removed)"
            field = f"metadata.labels['{podsecurity.label(mode)}']"
            if mode == "enforce":
                yield risk(
                    Severity.HIGH,
                    d.key,
                    field,
                    f"Pod Security enforcement relaxed from {old_level} to {new_level}: pods the "
                    f"{old_level} profile refused are now admitted.",
                )
            else:
                yield risk(
                    Severity.LOW,
                    d.key,
                    field,
                    f"Pod Security {mode} relaxed from {old_level} to {new_level}: violations of the "
                    f"{old_level} profile are no longer reported.",
                )
