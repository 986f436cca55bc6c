"""Where a pod may run: the nodes its placement pins it to, its spread over nodes, and the well-known node labels.

- nodeName, a nodeSelector and required node affinity all apply at once (kube-scheduler's NodeName and
  NodeAffinity filters, pkg/scheduler/framework/plugins); a NodeSelector's terms are alternatives
  (k8s.io/component-helpers scheduling/corev1/nodeaffinity). A PersistentVolume's required node
  affinity is the same NodeSelector, and a pod using the volume may run only where it holds
  (the VolumeBinding filter).
- A hard spread over nodes is a topologySpreadConstraint on kubernetes.io/hostname with
  whenUnsatisfiable DoNotSchedule (the PodTopologySpread filter); maxSkew says by how many pods two
  nodes may differ.
"""

from __future__ import annotations

from typing import Any

from gitops.k8s.workloads import as_int, dig, mapping, sequence

# Well-known labels every node carries (k8s.io/api/core/v1 well_known_labels.go: LabelHostname,
# LabelArchStable, LabelOSStable).
HOSTNAME_LABEL = "kubernetes.io/hostname"
ARCH_LABEL = "kubernetes.io/arch"
OS_LABEL = "kubernetes.io/os"
HARD_SPREAD = "DoNotSchedule"


def pinned_nodes(pod_spec: dict[str, Any]) -> set[str] | None:
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
    required = dig(pod_spec, "affinity", "nodeAffinity", "requiredDuringSchedulingIgnoredDuringExecution")
    allowed = _selector_hostnames(required)
    if allowed is not None:
        constraints.append(allowed)
    if not constraints:
        return None
    result = constraints[0]
    for constraint in constraints[1:]:
        result = result & constraint
    return result


def pinned_node(pod_spec: dict[str, Any]) -> str | None:
    """The one node the pod can run on, when its placement names exactly one."""
    return _one(pinned_nodes(pod_spec))


def volume_node(volume: dict[str, Any]) -> str | None:
    """The one node a PersistentVolume's required node affinity names (a local volume's node), if it names one."""
    return _one(_selector_hostnames(dig(volume, "spec", "nodeAffinity", "required")))


def spread_skew(pod_spec: dict[str, Any] | None) -> int | None:
    """maxSkew of a hard topology spread over hostnames, if the pod spec has one."""
    for constraint in sequence(mapping(pod_spec).get("topologySpreadConstraints")):
        constraint = mapping(constraint)
        if constraint.get("topologyKey") == HOSTNAME_LABEL and constraint.get("whenUnsatisfiable") == HARD_SPREAD:
            return as_int(constraint.get("maxSkew")) or 1
    return None


def _one(nodes: set[str] | None) -> str | None:
    return next(iter(nodes)) if nodes is not None and len(nodes) == 1 else None


def _selector_hostnames(selector: object) -> set[str] | None:
    """The hostnames a NodeSelector allows, when every one of its terms names hostnames; None otherwise."""
    terms = sequence(mapping(selector).get("nodeSelectorTerms"))
    if not terms:
        return None
    allowed: set[str] = set()
    for term in terms:
        names = _term_hostnames(mapping(term))
        if names is None:
            return None
        allowed |= names
    return allowed


def _term_hostnames(term: dict[str, Any]) -> set[str] | None:
    found: set[str] | None = None
    pairs = [(e, HOSTNAME_LABEL) for e in sequence(term.get("matchExpressions"))]
    pairs += [(e, "metadata.name") for e in sequence(term.get("matchFields"))]
    for expression, key in pairs:
        expression = mapping(expression)
        if expression.get("key") == key and expression.get("operator") == "In":
            names = {str(v) for v in sequence(expression.get("values"))}
            found = names if found is None else found & names
    return found


def node_labels(name: str, architecture: str | None = None) -> dict[str, str]:
    """The well-known labels the kubelet gives a node: its hostname, OS and (when known) architecture.
    A node may carry more; a selector on any other key is undecided here (None below), not refused."""
    found = {HOSTNAME_LABEL: name, OS_LABEL: "linux"}
    if architecture:
        found[ARCH_LABEL] = architecture
    return found


def _all(results: list[bool | None]) -> bool | None:
    return False if False in results else (None if None in results else True)


def _requirement(expression: dict[str, Any], labels: dict[str, str], field: bool = False) -> bool | None:
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


def _term(term: dict[str, Any], labels: dict[str, str]) -> bool | None:
    expressions = [mapping(e) for e in sequence(term.get("matchExpressions"))]
    fields = [mapping(e) for e in sequence(term.get("matchFields"))]
    if not expressions and not fields:
        return False  # an empty term matches no node
    return _all([_requirement(e, labels) for e in expressions] + [_requirement(e, labels, field=True) for e in fields])


def may_run_on(pod_spec: dict[str, Any], labels: dict[str, str]) -> bool | None:
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
