"""PodDisruptionBudgets: what the API server accepts, and how many evictions the disruption controller allows.

The one implementation for charts/, `main.py check` and `main.py diff`,
written from Kubernetes' own code:

- Validation (pkg/apis/policy/validation/validation.go,
  ValidatePodDisruptionBudgetSpec): minAvailable and maxUnavailable cannot be
  both set; each is a non-negative int32 or a percentage that
  IsValidPercent accepts, "[0-9]+%" (apimachinery/pkg/util/validation), and
  is not more than 100% (pkg/apis/apps/validation IsNotMoreThan100Percent).
  So "12.5%", "50" and "-1%" are refused.
- The count (pkg/controller/disruption/disruption.go, getExpectedPodCount):
  maxUnavailable is read first; with it, or with a percentage minAvailable,
  the expected count is the scale of the pods' controllers, and a selected
  pod whose controller has no scale subresource (a DaemonSet's) fails the
  sync, which leaves disruptionsAllowed at 0 (failSafe); bare Pods have no
  controller and are not expected at all. An integer minAvailable expects
  every selected pod instead.
- Percentages are scaled by the expected count and rounded up
  (intstr.GetScaledValueFromIntOrPercent(..., roundUp=true)), for both
  fields. disruptionsAllowed = currentHealthy - desiredHealthy, and 0 when
  that or the expected count is not positive (updatePdbStatus).
- Eviction (pkg/registry/core/pod/storage/eviction.go): a pod that more than one budget selects
  cannot be evicted at all; the API answers 500 (InternalError), before any budget is read and
  whatever dryRun says, and `kubectl drain` does not retry it (it retries only 429): the drain
  fails. Observed on the rehearsal's control plane with a hand-written api-pdb beside ours.
- The disruption controller recounts, on each event of a pod, only one of the budgets that select it
  (pkg/controller/disruption/disruption.go getPdbForPod: "matches multiple PodDisruptionBudgets.
  Chose ... arbitrarily", event MultiplePodDisruptionBudgets): the other's status goes stale. Observed:
  after the hand-written worker-pdb was deleted, ours stayed at currentHealthy 0, disruptionsAllowed 0
  (InsufficientPods) with its pod Ready, and a drain of that pod's node retried until it gave up.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from gitops.k8s import intstr, selectors, workloads
from gitops.k8s.manifests import Fields, Resource

FIELDS = ("maxUnavailable", "minAvailable")  # the disruption controller's order
_INT32_MAX = 2**31 - 1


def value_problem(key: str, value: object) -> str | None:
    """Why the API server refuses this minAvailable or maxUnavailable, or None when it accepts it."""
    if intstr.is_count(value):
        if value < 0:
            return f"{key} {value} is negative"
        return f"{key} {value} does not fit in an int32" if value > _INT32_MAX else None
    share = intstr.percent(value)
    if share is not None:
        return f"{key} {value!r} is more than 100%" if share > 100 else None
    return f'{key} {value!r} is neither a whole number nor a whole-number percentage such as "50%"'


def problems(spec: Fields) -> list[tuple[str, str]]:
    """(field, what is wrong) for every reason the API server refuses the budget's spec."""
    found = []
    if all(key in spec for key in FIELDS):
        found.append(("spec", "sets both minAvailable and maxUnavailable; the API allows one of them"))
    for key in FIELDS:
        if key in spec:
            problem = value_problem(key, spec[key])
            if problem:
                found.append((f"spec.{key}", problem))
    return found


def setting(spec: Fields) -> tuple[str, object] | None:
    """The field that decides, in the order the controller reads them."""
    for key in FIELDS:
        if key in spec:
            return key, spec[key]
    return None


def scaled(value: object, total: int) -> int:
    """GetScaledValueFromIntOrPercent with roundUp, as the disruption controller calls it for both fields."""
    return intstr.scaled(value, total, round_up=True)


@dataclass(frozen=True)
class Pods:
    """The pods a budget selects, as the disruption controller counts them (all of them healthy)."""

    scaled: int = 0  # pods of a Deployment, StatefulSet, ReplicaSet or ReplicationController: their replicas
    per_node: int | None = 0  # pods of DaemonSets, one per node; None when the node count is unknown
    unmanaged: int = 0  # bare Pods, which no controller owns
    unscalable: bool = False  # some pod's controller (a DaemonSet) has no scale subresource

    @property
    def total(self) -> int | None:
        return None if self.per_node is None else self.scaled + self.per_node + self.unmanaged

    @property
    def evictable(self) -> int:
        """Pods a node drain evicts: it skips DaemonSet pods (kubectl drain --ignore-daemonsets)."""
        return self.scaled + self.unmanaged


def expected(spec: Fields, pods: Pods) -> int | None:
    """The controller's expectedCount for the decisive field; None when it cannot be known here."""
    found = setting(spec)
    if found is None:
        return None
    key, value = found
    if key == "minAvailable" and intstr.is_count(value):
        return pods.total
    return pods.scaled


def uncountable(spec: Fields, pods: Pods) -> bool:
    """Whether the controller fails to count the pods (and so allows 0): a scale it needs does not exist."""
    found = setting(spec)
    if found is None or not pods.unscalable:
        return False
    key, value = found
    return key == "maxUnavailable" or not intstr.is_count(value)


def allowed_evictions(spec: Fields, pods: Pods) -> int | None:
    """disruptionsAllowed with every selected pod healthy; None when no field is set or a count is unknowable.

    Call it on a spec that problems() accepts: the API server stores no other.
    """
    found = setting(spec)
    if found is None:
        return None
    if uncountable(spec, pods):
        return 0
    key, value = found
    count = expected(spec, pods)
    healthy = pods.total
    if count is None or healthy is None:
        return None
    desired = max(0, count - scaled(value, count)) if key == "maxUnavailable" else scaled(value, count)
    allowed = healthy - desired
    return allowed if count > 0 and allowed > 0 else 0


def count(kind: str, replicas: int | None, nodes: int | None) -> Pods | None:
    """The Pods of one selected workload; None when its count is unknowable (replicas the API refuses)."""
    if kind == "Pod":
        return Pods(unmanaged=1)
    if kind in workloads.PER_NODE:
        return Pods(per_node=nodes, unscalable=True)
    if replicas is None:
        return None
    return Pods(scaled=replicas)


def add(a: Pods, b: Pods) -> Pods:
    per_node = None if a.per_node is None or b.per_node is None else a.per_node + b.per_node
    return Pods(a.scaled + b.scaled, per_node, a.unmanaged + b.unmanaged, a.unscalable or b.unscalable)


# Kinds whose pods a budget counts; a Job's pods come and go as it runs, so none of them are counted.
COUNTED = workloads.REPLICATED | workloads.PER_NODE | {"Pod"}


def workload_index(resources: Iterable[Resource]) -> selectors.LabelIndex[Resource]:
    """The objects whose pods a budget counts, by namespace and pod label (covered()'s candidates, built once)."""
    index: selectors.LabelIndex[Resource] = selectors.LabelIndex()
    for resource in resources:
        if resource.kind in COUNTED:
            index.add(resource.namespace, workloads.pod_labels(resource.obj), resource)
    return index


def covered(
    budget: Fields, candidates: Iterable[Resource] | selectors.LabelIndex[Resource], nodes: int | None
) -> tuple[Pods, list[Resource]] | None:
    """The pods a budget selects among candidates of its namespace (a workload_index for many budgets), and their
    workloads; None when unknowable."""
    namespace = workloads.dig(budget, "metadata", "namespace") or ""
    selector = workloads.dig(budget, "spec", "selector")
    if isinstance(candidates, selectors.LabelIndex):
        candidates = candidates.candidates(str(namespace), workloads.dig(selector, "matchLabels"))
    pods, owners = Pods(), []
    for resource in candidates:
        if resource.namespace != namespace or resource.kind not in COUNTED:
            continue
        if not selectors.selects(selector, workloads.pod_labels(resource.obj)):
            continue
        part = count(resource.kind, workloads.replicas(resource.obj), nodes)
        if part is None:
            return None
        pods = add(pods, part)
        owners.append(resource)
    return pods, owners


# The consequence both tools state for a budget that allows no eviction.
DRAIN_WAITS = "a node drain (k3s upgrade, reboot) waits forever"


def zero_evictions(spec: Fields, pods: Pods, owners: Iterable[Resource]) -> str:
    """Why a budget allows no voluntary eviction, in the words `main.py check` and `main.py diff` both use.

    Call it on a budget allowed_evictions() puts at 0."""
    found = setting(spec)
    key, value = found if found is not None else ("spec", "(none)")
    if uncountable(spec, pods):
        return (
            f"{key} {value} allows 0 voluntary evictions because it selects DaemonSet pods, which the disruption "
            "controller cannot count for a percentage or maxUnavailable (no scale subresource)"
        )
    listed = ", ".join(
        f"{owner}: {count} replica(s)" for owner in owners if (count := workloads.replicas(owner.obj)) is not None
    )
    return f"{key} {value} allows 0 voluntary evictions at {expected(spec, pods)} expected pod(s) ({listed})"


# The eviction subresource's answer for a pod two budgets select (eviction.go), and its HTTP status.
MULTIPLE_BUDGETS = "This pod has more than one PodDisruptionBudget, which the eviction subresource does not support."
MULTIPLE_BUDGETS_STATUS = 500
MULTIPLE_BUDGETS_EVENT = "MultiplePodDisruptionBudgets"  # the disruption controller's warning on such a pod


def selecting(labels: Fields, namespace: str, budgets: Iterable[Fields]) -> list[Fields]:
    """The budgets of the namespace that select a pod with these labels (as the eviction API lists them)."""
    return [
        b
        for b in budgets
        if (workloads.dig(b, "metadata", "namespace") or "") == namespace
        and selectors.selects(workloads.dig(b, "spec", "selector"), labels)
    ]


def evictable_alone(labels: Fields, namespace: str, budgets: Iterable[Fields]) -> bool:
    """Whether the eviction API can evict such a pod at all: at most one budget may select it."""
    return len(selecting(labels, namespace, budgets)) <= 1
