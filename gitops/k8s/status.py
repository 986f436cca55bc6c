"""Status as the controllers write it, read the way Kubernetes' own tools read it: a live object's answers.

- A condition is the first entry of status.conditions with that type, {} when there is none
  (FindStatusCondition, k8s.io/apimachinery pkg/api/meta/conditions.go; GetPodCondition and
  GetNodeCondition do the same for pods and nodes).
- A pod is ready when its Ready condition is True (IsPodReady, pkg/api/v1/pod/util.go) and it is not
  terminating: the endpoints controller sends no traffic to a pod with a deletionTimestamp
  (EndpointConditions.Ready, staging/src/k8s.io/endpointslice/utils.go podToEndpoint).
- A pod is alive from the moment it is bound to a node (spec.nodeName) until its phase is
  terminal, Succeeded or Failed (IsPodPhaseTerminal, pkg/api/v1/pod/util.go): a terminating pod's
  containers may still run.
- A pod the scheduler could not place has PodScheduled False with reason Unschedulable
  (PodReasonUnschedulable, k8s.io/api/core/v1 types.go), the scheduler's message beside it.
- A node is ready when its Ready condition is True (IsNodeReady, pkg/util/node).
- A Deployment is available when `kubectl rollout status` would say it has finished
  (DeploymentStatusViewer, k8s.io/kubectl pkg/polymorphichelpers/rollout_status.go: the controller
  has observed the latest generation, every replica is updated and no old one is left) and, beyond
  it, every replica is Ready and the Available condition is True (DeploymentAvailable,
  pkg/controller/deployment/util).

Conditions are API objects with string statuses "True", "False" and "Unknown"; anything else in a
field is read as absent, as everywhere in gitops/k8s.
"""

from __future__ import annotations

from typing import Any

from gitops.k8s.workloads import as_int, dig, mapping, replicas, sequence

TERMINAL_PHASES = frozenset({"Succeeded", "Failed"})
UNSCHEDULABLE = "Unschedulable"


def condition(obj: dict[str, Any], kind: str) -> dict[str, Any]:
    """The condition of that type in obj's status, {} when it has none."""
    for item in sequence(dig(obj, "status", "conditions")):
        found = mapping(item)
        if found.get("type") == kind:
            return found
    return {}


def is_true(obj: dict[str, Any], kind: str) -> bool:
    return condition(obj, kind).get("status") == "True"


def terminating(obj: dict[str, Any]) -> bool:
    """Whether deletion has begun: the object stays until its finalizers (or its kubelet) let it go."""
    return bool(dig(obj, "metadata", "deletionTimestamp"))


def pod_ready(pod: dict[str, Any]) -> bool:
    """Ready and not terminating: a pod the endpoints controller sends traffic to."""
    return not terminating(pod) and is_true(pod, "Ready")


def pod_alive(pod: dict[str, Any]) -> bool:
    """Bound to a node and not in a terminal phase: its containers may be running (terminating counts)."""
    return bool(dig(pod, "spec", "nodeName")) and dig(pod, "status", "phase") not in TERMINAL_PHASES


def unschedulable(pod: dict[str, Any]) -> str | None:
    """The scheduler's message for a pod it could not place (on one line), or None."""
    scheduled = condition(pod, "PodScheduled")
    if terminating(pod) or scheduled.get("status") != "False" or scheduled.get("reason") != UNSCHEDULABLE:
        return None
    return " ".join(str(scheduled.get("message") or "").split())


def node_ready(node: dict[str, Any]) -> bool:
    return is_true(node, "Ready")


def deployment_available(deployment: dict[str, Any]) -> bool:
    """Rolled out to the latest generation with every replica updated, Ready and the Available condition True."""
    want = replicas(deployment)
    status = mapping(deployment.get("status"))
    counts = [as_int(status.get(field)) or 0 for field in ("updatedReplicas", "readyReplicas", "replicas")]
    observed = as_int(status.get("observedGeneration")) or 0
    return (
        want is not None
        and is_true(deployment, "Available")
        and observed >= (as_int(dig(deployment, "metadata", "generation")) or 0)
        and counts == [want] * 3
    )
