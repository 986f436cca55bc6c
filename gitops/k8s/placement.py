"""Where a pod may run: the node names its placement pins it to, and the well-known node labels."""

from __future__ import annotations

from gitops.k8s.manifests import Fields
from gitops.k8s.workloads import dig, mapping, sequence

# Well-known labels every node carries (k8s.io/api/core/v1 well_known_labels.go: LabelHostname, LabelArchStable).
HOSTNAME_LABEL = "kubernetes.io/hostname"
ARCH_LABEL = "kubernetes.io/arch"


def pinned_nodes(pod_spec: Fields) -> set[str] | None:
    """Node names the pod may run on, when its placement names nodes; None when it may run anywhere.

    nodeName, a nodeSelector on kubernetes.io/hostname and required node
    affinity all apply together, so the result is their intersection. Affinity
    terms are alternatives: it pins only if every term names hostnames.
    """
    constraints: list[set[str]] = []
    node_name = pod_spec.get("nodeName")
    if isinstance(node_name, str) and node_name:
        constraints.append({node_name})
    selected = mapping(pod_spec.get("nodeSelector")).get(HOSTNAME_LABEL)
    if selected is not None:
        constraints.append({str(selected)})
    terms = sequence(
        dig(pod_spec, "affinity", "nodeAffinity", "requiredDuringSchedulingIgnoredDuringExecution", "nodeSelectorTerms")
    )
    if terms:
        allowed: set[str] = set()
        every_term_pins = True
        for term in terms:
            names = _term_hostnames(mapping(term))
            if names is None:
                every_term_pins = False
                break
            allowed |= names
        if every_term_pins:
            constraints.append(allowed)
    if not constraints:
        return None
    result = constraints[0]
    for constraint in constraints[1:]:
        result = result & constraint
    return result


def _term_hostnames(term: Fields) -> set[str] | None:
    found: set[str] | None = None
    pairs = [(e, HOSTNAME_LABEL) for e in sequence(term.get("matchExpressions"))]
    pairs += [(e, "metadata.name") for e in sequence(term.get("matchFields"))]
    for expression, key in pairs:
        expression = mapping(expression)
        if expression.get("key") == key and expression.get("operator") == "In":
            names = {str(v) for v in sequence(expression.get("values"))}
            found = names if found is None else found & names
    return found


OS_LABEL = "kubernetes.io/os"


def node_labels(name: str, architecture: str | None = None) -> dict[str, str]:
    """The well-known labels the kubelet gives a node: its hostname, OS and (when known) architecture.
    A node may carry more; a selector on any other key is undecided here (None below), not refused."""
    found = {HOSTNAME_LABEL: name, OS_LABEL: "linux"}
    if architecture:
        found[ARCH_LABEL] = architecture
    return found


def _all(results: list[bool | None]) -> bool | None:
    return False if False in results else (None if None in results else True)


def _requirement(expression: Fields, labels: dict[str, str], field: bool = False) -> bool | None:
    """One NodeSelectorRequirement against a node (k8s.io/component-helpers scheduling/corev1/nodeaffinity)."""
    key, operator = expression.get("key"), expression.get("operator")
    values = [str(v) for v in sequence(expression.get("values"))]
    if field:
        value: str | None = labels[HOSTNAME_LABEL] if key == "metadata.name" else None
        if value is None:
            return None
    elif not isinstance(key, str) or key not in labels:
        # A key this node is not known to carry: DoesNotExist and NotIn hold only if it really lacks it.
        return None
    else:
        value = labels[key]
    if operator == "In":
        return value in values
    if operator == "NotIn":
        return value not in values
    if operator == "Exists":
        return True
    if operator == "DoesNotExist":
        return False
    if operator in ("Gt", "Lt") and len(values) == 1 and value.isdigit() and values[0].isdigit():
        return int(value) > int(values[0]) if operator == "Gt" else int(value) < int(values[0])
    return None


def _term(term: Fields, labels: dict[str, str]) -> bool | None:
    expressions = [mapping(e) for e in sequence(term.get("matchExpressions"))]
    fields = [mapping(e) for e in sequence(term.get("matchFields"))]
    if not expressions and not fields:
        return False  # an empty term matches no node
    return _all([_requirement(e, labels) for e in expressions] + [_requirement(e, labels, field=True) for e in fields])


def may_run_on(pod_spec: Fields, labels: dict[str, str]) -> bool | None:
    """Whether the pod's nodeName, nodeSelector and required node affinity let it run on a node with these
    labels (the scheduler's NodeName and NodeAffinity filters); None when a label it asks about is unknown."""
    results: list[bool | None] = []
    node_name = pod_spec.get("nodeName")
    if isinstance(node_name, str) and node_name:
        results.append(node_name == labels.get(HOSTNAME_LABEL))
    for key, wanted in mapping(pod_spec.get("nodeSelector")).items():
        results.append(None if key not in labels else labels[key] == str(wanted))
    required = dig(pod_spec, "affinity", "nodeAffinity", "requiredDuringSchedulingIgnoredDuringExecution")
    if isinstance(required, dict):
        terms = [_term(mapping(t), labels) for t in sequence(required.get("nodeSelectorTerms"))]
        results.append(True if True in terms else (None if None in terms else False))
    return _all(results)
