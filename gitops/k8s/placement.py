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
