"""Per-pod rules on what a pod may take from its node and what restarts it: ephemeral storage, liveness.

What the kubelet counts and evicts for is gitops/k8s/ephemeral.py's; what a probe checks is gitops/k8s/probes.py's.
"""

from __future__ import annotations

from collections.abc import Iterator

from gitops.annotations import LIVENESS_RULE, WAIVER_PREFIX
from gitops.k8s import ephemeral
from gitops.k8s import probes as probes_k8s
from gitops.k8s.quantities import QuantityError, format_memory
from gitops.k8s.workloads import Container, PodTemplate, mapping
from gitops.review.check.context import Context
from gitops.review.check.registry import rule
from gitops.review.findings import Issue, Severity, Topic

# --- ephemeral storage ---------------------------------------------------------------------------

_WHY = {
    "requests": "the scheduler places the pod without counting the node disk it writes",
    "limits": "its logs and writable layer can fill the node's disk, which etcd, the images and local volumes share",
}


def _container_amounts(pod: PodTemplate, container: Container) -> tuple[list[Issue], bool]:
    """Issues with one container's ephemeral-storage, and whether it has a readable limit."""
    issues: list[Issue] = []
    found: dict[str, int] = {}
    for section in ("requests", "limits"):
        field = f"{container.field}.resources.{section}.{ephemeral.RESOURCE}"
        try:
            value = ephemeral.amount(container.spec, section)
        except QuantityError:
            written = mapping(mapping(container.spec.get("resources")).get(section)).get(ephemeral.RESOURCE)
            issues.append(
                Issue(
                    pod.resource,
                    field,
                    f"{section}.{ephemeral.RESOURCE} {written!r} is not a Kubernetes quantity: the API server rejects "
                    "the pod",
                    "write it as e.g. 128Mi or 1Gi",
                )
            )
            continue
        if value is None:
            issues.append(
                Issue(
                    pod.resource,
                    field,
                    f"container {container.name} has no {section}.{ephemeral.RESOURCE}: {_WHY[section]}",
                    f"set resources.{section}.{ephemeral.RESOURCE}",
                )
            )
            continue
        found[section] = value
    if "requests" in found and "limits" in found and found["requests"] > found["limits"]:
        issues.append(
            Issue(
                pod.resource,
                f"{container.field}.resources.requests.{ephemeral.RESOURCE}",
                f"requests.{ephemeral.RESOURCE} {format_memory(found['requests'])} exceeds "
                f"limits.{ephemeral.RESOURCE} {format_memory(found['limits'])}: the API server rejects the pod",
                f"raise limits.{ephemeral.RESOURCE} or lower requests.{ephemeral.RESOURCE}",
            )
        )
    return issues, "limits" in found


def _volume_issues(pod: PodTemplate) -> tuple[list[Issue], bool]:
    """Issues with the pod's disk-backed emptyDirs, and whether each has a readable sizeLimit."""
    issues: list[Issue] = []
    for scratch in ephemeral.scratch_volumes(pod):
        if scratch.size_limit is not None:
            continue
        if scratch.written is None:
            message = (
                f"emptyDir {scratch.name} has no sizeLimit: what the pod writes there can fill the node's disk, which "
                "etcd, the images and local volumes share"
            )
            fix = "set emptyDir.sizeLimit to what the path may hold, e.g. 64Mi"
        else:
            message = f"emptyDir {scratch.name} sizeLimit {scratch.written!r} is not a Kubernetes quantity"
            fix = "write it as e.g. 64Mi or 1Gi"
        issues.append(Issue(pod.resource, scratch.field, message, fix))
    return issues, not issues


def _limit_field(pod: PodTemplate) -> str:
    running = list(pod.running_containers())
    if len(running) == 1:
        return f"{running[0].field}.resources.limits.{ephemeral.RESOURCE}"
    return f"{pod.field}.containers"


@rule(
    "ephemeral-storage",
    Topic.POLICY,
    Severity.ERROR,
    prevents="a pod that fills its node's disk (an unbounded emptyDir such as /tmp or a cache, logs, a writable "
    "layer), which etcd, the images and every local volume share, or one evicted before its volumes are full",
    fix="set requests and limits ephemeral-storage on every container and emptyDir.sizeLimit on every disk-backed "
    "emptyDir, the pod's limit covering the sizeLimits and each container's logs",
)
def ephemeral_storage(ctx: Context) -> Iterator[Issue]:
    for pod in ctx.pods:
        limited = True
        for container in pod.containers():
            issues, has_limit = _container_amounts(pod, container)
            yield from issues
            limited = limited and has_limit
        issues, sized = _volume_issues(pod)
        yield from issues
        limit = ephemeral.pod_limit(pod)
        if not (limited and sized) or limit is None:
            continue
        needs = ephemeral.pod_needs(pod)
        if needs <= limit:
            continue
        sizes = [format_memory(s.size_limit or 0) for s in ephemeral.scratch_volumes(pod)]
        count = sum(1 for _ in pod.containers())
        yield Issue(
            pod.resource,
            _limit_field(pod),
            f"the emptyDir sizeLimits ({' + '.join(sizes) or 'none'}) and the logs of {count} container(s) "
            f"({format_memory(ephemeral.LOG_ALLOWANCE)} each) need {format_memory(needs)}, above the pod's "
            f"{ephemeral.RESOURCE} limit {format_memory(limit)}: the kubelet evicts the pod before its volumes are "
            "full",
            f"raise limits.{ephemeral.RESOURCE} to at least {format_memory(needs)} in all, or lower the sizeLimits",
        )


# --- liveness ------------------------------------------------------------------------------------


def _described(check: dict) -> str:
    """'httpGet /api/health/ on port 8000', from a probe's handler."""
    (handler, spec), *_ = check.items()
    spec = mapping(spec)
    if handler == "httpGet":
        return f"httpGet {spec.get('path', '/')} on port {spec.get('port')}"
    if handler == "exec":
        command = spec.get("command")
        shown = " ".join(str(part) for part in command) if isinstance(command, list) else ""
        return f"exec {shown}".rstrip()
    return f"{handler} on port {spec.get('port')}"


@rule(
    LIVENESS_RULE,
    Topic.POLICY,
    Severity.ERROR,
    prevents="every pod restarted at once when a dependency (database, cache, another service) is down: a "
    "liveness probe that runs the readiness check fails with it, and restarts fix nothing",
    fix="give liveness a check of the process alone (tcpSocket on the port, or a path that calls no other service); "
    f"where the shared check depends on nothing, waive with {WAIVER_PREFIX}{LIVENESS_RULE}: <why> "
    "(the generator does this for health.checksDependencies: false)",
)
def liveness_independent(ctx: Context) -> Iterator[Issue]:
    for pod in ctx.pods:
        for container in pod.containers(init=False):
            liveness, readiness = container.spec.get("livenessProbe"), container.spec.get("readinessProbe")
            if not probes_k8s.same_check(liveness, readiness) or probes_k8s.self_contained(liveness):
                continue
            check = probes_k8s.check_of(liveness) or {}
            yield Issue(
                pod.resource,
                f"{container.field}.livenessProbe",
                f"container {container.name}'s livenessProbe runs its readinessProbe's check ({_described(check)}): "
                "when that check fails because a dependency is down, every pod restarts at once instead of only "
                "leaving service",
                "check the process alone in livenessProbe (tcpSocket on the port, or a path that calls no other "
                f"service), or waive with {WAIVER_PREFIX}{LIVENESS_RULE}: <why> if the check depends on nothing",
            )
