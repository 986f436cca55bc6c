"""Label selectors, decided as k8s.io/apimachinery decides them.

- A LabelSelector (Deployments, PodDisruptionBudgets, topology spread) goes
  through LabelSelectorAsSelector (apimachinery/pkg/apis/meta/v1/helpers.go):
  null selects nothing, {} everything; matchLabels and matchExpressions are
  ANDed, each a labels.Requirement (apimachinery/pkg/labels/selector.go).
  NewRequirement refuses an unknown operator, In/NotIn without values and
  Exists/DoesNotExist with values; a selector it refuses selects nothing (the
  disruption controller lists no pods for it, the API server rejects it).
- A Service's spec.selector is a plain map: every pair must be among the
  pod's labels, and an empty one selects no pods at all (a Service without a
  selector gets no endpoints).
- Labels, matchLabels and requirement values are map[string]string and
  []string in the API: a value that is not a string (an unquoted 1 or true)
  does not decode, so the API server rejects the object and it selects or is
  selected by nothing. Requirement.Matches compares strings exactly.
- The API's labelSelector query parameter takes a selector as Selector.String()
  writes it: the requirements sorted by key (internalSelector.Add), each as
  key=value (matchLabels), key in (a,b), key notin (a,b), key or !key, with
  the values sorted (Requirement.String).
"""

from __future__ import annotations

from collections import defaultdict
from typing import Generic, TypeVar

from gitops.k8s.manifests import Fields
from gitops.k8s.workloads import mapping, sequence

T = TypeVar("T")
_VALUED = ("In", "NotIn")
_UNVALUED = ("Exists", "DoesNotExist")


def _strings(pairs: object) -> dict[str, str] | None:
    """A label map as the API holds it, or None when it would not decode (a key or value not a string)."""
    if pairs is None:
        return {}
    if not isinstance(pairs, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in pairs.items()):
        return None
    return pairs


# How Requirement.String writes each operator; "=" is a matchLabels pair (selection.Equals).
_WRITTEN = {
    "=": "{key}={values}",
    "In": "{key} in ({values})",
    "NotIn": "{key} notin ({values})",
    "Exists": "{key}",
    "DoesNotExist": "!{key}",
}
Requirement = tuple[str, str, list[str]]  # key, operator, values


def _requirement(expression: object) -> Requirement | None:
    """One matchExpression as a requirement; None for one NewRequirement refuses."""
    expression = mapping(expression)
    key, operator, values = expression.get("key"), expression.get("operator"), expression.get("values")
    values = [] if values is None else values
    if not isinstance(key, str) or not isinstance(values, list) or not all(isinstance(v, str) for v in values):
        return None
    if (operator in _VALUED and not values) or (operator in _UNVALUED and values):
        return None
    if operator not in _VALUED + _UNVALUED:
        return None
    return key, str(operator), values


def _requirements(selector: object) -> list[Requirement] | None:
    """LabelSelectorAsSelector: each matchLabels pair, then each matchExpression; None for a selector it refuses."""
    if not isinstance(selector, dict):
        return None
    match_labels = _strings(selector.get("matchLabels"))
    expressions = selector.get("matchExpressions")
    expressions = [] if expressions is None else expressions
    if match_labels is None or not isinstance(expressions, list):
        return None
    found: list[Requirement] = [(k, "=", [v]) for k, v in match_labels.items()]
    for expression in expressions:
        requirement = _requirement(expression)
        if requirement is None:
            return None
        found.append(requirement)
    return found


def _matches(requirement: Requirement, labels: dict[str, str]) -> bool:
    key, operator, values = requirement
    if operator in ("=", "In"):
        return key in labels and labels[key] in values
    if operator == "NotIn":
        return key not in labels or labels[key] not in values
    if operator == "Exists":
        return key in labels
    return key not in labels  # DoesNotExist


def selects(selector: object, labels: object) -> bool:
    """Whether a metav1.LabelSelector selects a pod with these labels."""
    pod, requirements = _strings(labels), _requirements(selector)
    if pod is None or requirements is None:
        return False
    return all(_matches(r, pod) for r in requirements)


def query(selector: object) -> str | None:
    """A metav1.LabelSelector as the labelSelector query parameter takes it; None when it selects nothing."""
    requirements = _requirements(selector)
    if requirements is None:
        return None
    ordered = sorted(requirements, key=lambda r: r[0])
    return ",".join(_WRITTEN[op].format(key=key, values=",".join(sorted(values))) for key, op, values in ordered)


def service_selects(selector: object, labels: object) -> bool:
    """Whether a Service's plain-map selector selects a pod with these labels."""
    wanted, pod = _strings(selector), _strings(labels)
    if not wanted or pod is None:
        return False
    return all(k in pod and pod[k] == v for k, v in wanted.items())


class LabelIndex(Generic[T]):
    """Items (pods, workloads) by namespace and by label, so a selector is tested against the few items that carry
    its first label instead of every item: check and diff stay linear in the number of objects.

    candidates() is a superset of what a selector selects; callers still test each candidate with selects() or
    service_selects(), which decide.
    """

    def __init__(self) -> None:
        self._all: dict[str, list[T]] = defaultdict(list)
        self._labelled: dict[tuple[str, str, str], list[T]] = defaultdict(list)

    def add(self, namespace: str, labels: object, item: T) -> None:
        self._all[namespace].append(item)
        for key, value in mapping(labels).items():
            if isinstance(value, str):
                self._labelled[(namespace, key, value)].append(item)

    def candidates(self, namespace: str, required: object) -> list[T]:
        """The items of namespace that carry every label of required (matchLabels, or a Service's selector),
        narrowed by its rarest label; every item of namespace when required names none."""
        pairs = [(k, v) for k, v in mapping(required).items() if isinstance(v, str)]
        if not pairs:
            return self._all.get(namespace, [])
        return min((self._labelled.get((namespace, k, v), []) for k, v in pairs), key=len)


def format_labels(labels: Fields) -> str:
    return ", ".join(f"{k}={v}" for k, v in sorted(labels.items())) or "(none)"


def format_selector(selector: object) -> str:
    selector = mapping(selector)
    parts = [f"{k}={v}" for k, v in sorted(mapping(selector.get("matchLabels")).items())]
    for expression in sequence(selector.get("matchExpressions")):
        expression = mapping(expression)
        values = ",".join(str(v) for v in sequence(expression.get("values")))
        parts.append(f"{expression.get('key')} {expression.get('operator')} ({values})".replace(" ()", ""))
    return ", ".join(parts) or "(everything)"
