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
