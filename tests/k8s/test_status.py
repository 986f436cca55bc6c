"""A live object's status as Kubernetes' own tools read it (gitops/k8s/status.py)."""

from __future__ import annotations

from gitops.k8s import status

STAMP = "2026-01-01T00:00:00Z"


def _pod(ready: str | None = "True", phase: str = "Running", node: str | None = "n1", **meta: str) -> dict:
    conditions = [{"type": "PodScheduled", "status": "True"}]
    if ready is not None:
        conditions.append({"type": "Ready", "status": ready})
    spec = {"nodeName": node} if node else {}
    return {
        "kind": "Pod",
        "metadata": {"name": "p", **meta},
        "spec": spec,
        "status": {"phase": phase, "conditions": conditions},
    }


def _deployment(want: int = 2, generation: int = 3, available: str = "True", **counts: int) -> dict:
    settled = {"updatedReplicas": want, "readyReplicas": want, "replicas": want, "observedGeneration": 3}
    return {
        "kind": "Deployment",
        "metadata": {"name": "api", "generation": generation},
        "spec": {"replicas": want},
        "status": {**settled, **counts, "conditions": [{"type": "Available", "status": available}]},
    }


def test_a_condition_is_the_first_of_its_type_and_empty_when_absent():
    obj = {"status": {"conditions": [{"type": "Ready", "status": "False"}, {"type": "Ready", "status": "True"}]}}
    assert status.condition(obj, "Ready") == {"type": "Ready", "status": "False"}
    assert status.condition(obj, "Established") == {}
    assert status.condition({"status": {"conditions": "broken"}}, "Ready") == {}
    assert not status.is_true(obj, "Ready")


def test_a_terminating_pod_is_not_ready_but_still_alive():
    assert status.pod_ready(_pod())
    assert not status.pod_ready(_pod(ready="False"))
    assert not status.pod_ready(_pod(ready=None))
    terminating = _pod(deletionTimestamp=STAMP)
    assert not status.pod_ready(terminating)
    assert status.pod_alive(terminating)


def test_a_pod_is_alive_from_binding_until_a_terminal_phase():
    assert not status.pod_alive(_pod(node=None, phase="Pending"))
    assert status.pod_alive(_pod(phase="Pending"))
    assert not status.pod_alive(_pod(phase="Succeeded"))
    assert not status.pod_alive(_pod(phase="Failed"))


def test_unschedulable_is_the_schedulers_message_on_one_line():
    pod = _pod(node=None, phase="Pending")
    pod["status"]["conditions"] = [
        {"type": "PodScheduled", "status": "False", "reason": "Unschedulable", "message": "0/3 nodes\n are available."}
    ]
    assert status.unschedulable(pod) == "0/3 nodes are available."
    assert status.unschedulable(_pod()) is None
    pod["metadata"]["deletionTimestamp"] = STAMP
    assert status.unschedulable(pod) is None


def test_a_node_is_ready_by_its_ready_condition():
    assert status.node_ready({"status": {"conditions": [{"type": "Ready", "status": "True"}]}})
    assert not status.node_ready({"status": {"conditions": [{"type": "Ready", "status": "Unknown"}]}})


def test_a_deployment_is_available_once_every_replica_is_updated_and_ready_at_its_generation():
    assert status.deployment_available(_deployment())
    assert not status.deployment_available(_deployment(available="False"))
    assert not status.deployment_available(_deployment(generation=4))  # the controller has not seen the change
    assert not status.deployment_available(_deployment(updatedReplicas=1))  # still rolling
    assert not status.deployment_available(_deployment(readyReplicas=1))
    assert not status.deployment_available(_deployment(replicas=3))  # an old pod is left
    scaled_down = _deployment(want=0)
    del scaled_down["status"]["readyReplicas"]  # the API leaves out a count of 0
    assert status.deployment_available(scaled_down)
