"""One declaration per risk rule: its id, the highest level it flags, what it prevents, what to do.

The shape follows `main.py check`'s registry (gitops/review/check/findings.py),
so both tables in docs/reference/ are generated the same way. The order here is
the order rules run in; the report sorts risks by level and object, so it only
matters for reading. Ids name rules in the docs; reports do not print them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from gitops.annotations import PRUNE_PROTECTION
from gitops.review.diff.model import Level, Risk
from gitops.review.diff.rules import capacity, disruption, immutable, network, objects, scaling, security
from gitops.review.diff.rules.context import Context

RiskCheck = Callable[[Context], Iterable[Risk]]


@dataclass(frozen=True)
class RiskRule:
    id: str
    level: Level  # the highest level the rule flags
    prevents: str  # what the change would do to the cluster
    fix: str  # what the reviewer or author should do about it
    check: RiskCheck = field(compare=False)
    level_note: str = ""  # when the level depends on the case ("high / medium (grows)")


def _registry(*rules: RiskRule) -> tuple[RiskRule, ...]:
    ids = [r.id for r in rules]
    twice = sorted({i for i in ids if ids.count(i) > 1})
    if twice:
        raise ValueError(f"risk rule id(s) declared twice: {', '.join(twice)}")
    return rules


REGISTRY: tuple[RiskRule, ...] = _registry(
    RiskRule(
        "object-removed", Level.HIGH,
        prevents="data pruned with the object that leaves git: a PersistentVolumeClaim takes its local-path volume "
        "with it, a Namespace everything in it, and a claim replaced by another in its namespace (a rename) starts "
        "empty; any other removed object is pruned too, and a removed Ingress's hosts stop being routed",
        fix="keep the object, or move the data first; a claim or Namespace with prune disabled for both engines "
        "stays in the cluster unmanaged, to be deleted by hand once its data is safe",
        check=objects.removed_objects,
        level_note="high (claim, Namespace) / medium / low (prune disabled for both engines)",
    ),
    RiskRule(
        "api-version-moved", Level.MEDIUM,
        prevents="an object that only moves to a new apiVersion being pruned: it is updated in place, but an engine "
        "that tracks objects by API group may prune the old entry, which is the same cluster object",
        fix="within one API group, nothing; across groups, confirm the engine will not prune the live object",
        check=objects.api_version_moves,
        level_note="low (same API group) / medium (another group)",
    ),
    RiskRule(
        "prune-protection-dropped", Level.MEDIUM,
        prevents="a PersistentVolumeClaim or Namespace that loses prune protection for Flux or Argo CD: the next "
        "time it leaves git, the engine deletes it and its data",
        fix=f"keep {' and '.join(f'`{key}: {value}`' for key, value in PRUNE_PROTECTION.items())} on it",
        check=objects.prune_protection_dropped,
    ),
    RiskRule(
        "claim-switched", Level.HIGH,
        prevents="a workload volume pointed at another PersistentVolumeClaim: the pods start on that claim's data, "
        "not the data they had",
        fix="copy the data to the new claim before the switch, or keep the old claim",
        check=objects.claim_switches,
    ),
    RiskRule(
        "immutable-field", Level.HIGH,
        prevents="an apply the API server rejects until the object is deleted and recreated: `spec.selector` of a "
        f"{', '.join(sorted(immutable.SELECTOR_KINDS))}; a StatefulSet spec field other than "
        f"{', '.join(sorted(immutable.STATEFULSET_UPDATABLE))} (e.g. `volumeClaimTemplates`); a bound claim's "
        f"{', '.join(immutable.PVC_IMMUTABLE)}, or a storage request that shrinks (medium: one that grows, which "
        "needs a StorageClass that allows expansion; local-path does not); a Service's `clusterIP`, headless to "
        "virtual IP or back, headless to NodePort or LoadBalancer; a Job's `spec.template` or `spec.selector`",
        fix="revert the field, or plan the delete and recreate (for a claim: a new claim and a copy of the data)",
        check=immutable.immutable_fields,
        level_note="high / medium (claim storage grows)",
    ),
    RiskRule(
        "replicas-to-zero", Level.HIGH,
        prevents="a workload scaled to 0 replicas by mistake: every pod of it stops",
        fix="confirm the outage is intended",
        check=scaling.replicas,
    ),
    RiskRule(
        "singleton-overlap", Level.HIGH,
        prevents="two copies of a singleton (1 replica with Recreate in the base, e.g. the Asynq scheduler): scaled "
        "above 1, or switched to a RollingUpdate that surges, so old and new pod overlap on every rollout",
        fix="keep `replicas: 1` and `strategy.type: Recreate` (config `singleton: true`)",
        check=scaling.singletons,
    ),
    RiskRule(
        "startup-window-shrinks", Level.MEDIUM,
        prevents="a container killed and restarted while it is still starting: its start-up window (startupProbe, "
        "else livenessProbe: initialDelaySeconds + failureThreshold × periodSeconds) shrinks",
        fix="keep the window at or above the slowest start, first boot included (config `startupSeconds`)",
        check=scaling.startup_budget,
    ),
    RiskRule(
        "pod-security-weakened", Level.HIGH,
        prevents="lower isolation of a workload's pods; high: runAsNonRoot turned off or removed, runAsUser 0, "
        "privileged, hostNetwork, hostPID or hostIPC, a new hostPort or hostPath volume; medium: "
        "allowPrivilegeEscalation no longer false, capabilities added, `drop: [ALL]` removed, "
        "readOnlyRootFilesystem turned off, seccomp removed or Unconfined",
        fix="restore the setting; if the workload needs it, say why in the pull request",
        check=security.pod_security,
        level_note="high / medium",
    ),
    RiskRule(
        "namespace-pod-security-relaxed", Level.HIGH,
        prevents="a Namespace's Pod Security labels relaxed: a weaker or removed `enforce` admits pods the profile "
        "refused; a weaker `audit` or `warn` stops reporting violations",
        fix="keep `pod-security.kubernetes.io/enforce: restricted` on the application namespace",
        check=security.namespace_pod_security,
        level_note="high (enforce) / low (audit, warn)",
    ),
    RiskRule(
        "ingress-routes", Level.MEDIUM,
        prevents="requests for a host or path that stop being routed or go to another backend, or an Ingress moved "
        "to another ingress class; new Ingresses and routes are listed, as new public routes",
        fix="confirm each dropped, repointed or new route is intended",
        check=network.ingress_routes,
        level_note="medium (route dropped or repointed, class changed) / low (new routes)",
    ),
    RiskRule(
        "service-changed", Level.MEDIUM,
        prevents="a Service whose traffic goes elsewhere or fails: its selector changes, its type changes (as a "
        "NodePort or LoadBalancer it is exposed on every node's address), or a port is removed",
        fix="confirm the new selector, type and ports with the Service's clients",
        check=network.services,
    ),
    RiskRule(
        "drain-blocking-budget", Level.MEDIUM,
        prevents="a PodDisruptionBudget that starts allowing 0 evictions at its workloads' replicas (percentages "
        "rounded up): a node drain (k3s upgrade, reboot) waits forever",
        fix="`maxUnavailable: 1`, or a `minAvailable` below the replica count",
        check=disruption.drain_blocking_budgets,
    ),
    RiskRule(
        "capacity-headroom", Level.HIGH,
        prevents="pods Pending while a node is down: the requests no longer fit on the nodes left when one is "
        "lost, or grow by more than the headroom the base had (with the node inventory either side declares)",
        fix="lower requests or replicas, or add a node to `cluster.nodes` in config",
        check=capacity.requests_headroom,
    ),
)
