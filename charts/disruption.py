"""PodDisruptionBudgets that protect availability without ever blocking a drain.

A budget that allows zero evictions (minAvailable equal to replicas, e.g. the
worker's old minAvailable: 1 of 1) makes `kubectl drain` and k3s upgrades hang
forever. Allowing one pod of a service to be down at a time keeps N-1 replicas
serving during a drain and lets a singleton move.
"""

from __future__ import annotations

from constructs import Construct

from charts import values
from charts.context import StackContext
from charts.plus import kplus
from gitops.config.model import Service

k8s = kplus.k8s

# Pods of a service a voluntary disruption may take down at once. One, whatever the replica count:
# never zero (a drain would hang), and never more, so a multi-replica service keeps replicas - 1 serving.
MAX_UNAVAILABLE = 1


def add_disruption_budget(scope: Construct, *, ctx: StackContext, name: str, service: Service) -> None:
    naming = ctx.naming
    k8s.KubePodDisruptionBudget(
        scope,
        "pdb",
        metadata=k8s.ObjectMeta(
            name=naming.disruption_budget(name),
            namespace=naming.namespace,
            labels=naming.labels(name, service.component),
        ),
        spec=k8s.PodDisruptionBudgetSpec(
            max_unavailable=values.int_or_string(MAX_UNAVAILABLE),
            selector=k8s.LabelSelector(match_labels=naming.selector(name)),
            # A pod that is not Ready protects nothing; let a drain evict it.
            unhealthy_pod_eviction_policy="AlwaysAllow",
        ),
    )
