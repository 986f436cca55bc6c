"""Pod templates, containers and label selectors, read from any Kubernetes YAML.

Input may be hand-written, so every accessor tolerates a field of the wrong
type by treating it as absent: schema errors are kubeconform's job, and the
gate must report on the rest instead of crashing.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from gitops.k8s.manifests import Resource

HOSTNAME_LABEL = "kubernetes.io/hostname"

# kind -> keys from the object to its pod template (metadata + spec).
_TEMPLATE_PATHS: dict[str, tuple[str, ...]] = {
    "Deployment": ("spec", "template"),
    "StatefulSet": ("spec", "template"),
    "DaemonSet": ("spec", "template"),
    "ReplicaSet": ("spec", "template"),
    "ReplicationController": ("spec", "template"),
    "Job": ("spec", "template"),
    "CronJob": ("spec", "jobTemplate", "spec", "template"),
}
REPLICATED = {"Deployment", "StatefulSet", "ReplicaSet", "ReplicationController"}
LONG_RUNNING = {"Deployment", "StatefulSet", "DaemonSet"}


def mapping(value: object) -> dict:
    return value if isinstance(value, dict) else {}


def sequence(value: object) -> list:
    return value if isinstance(value, list) else []


def dig(obj: object, *keys: str) -> object:
    for key in keys:
        obj = mapping(obj).get(key)
    return obj


def as_int(value: object) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().isdigit():
        return int(value)
    return None


@dataclass(frozen=True)
class Container:
    spec: dict
    field: str  # e.g. spec.template.spec.containers[api]
    init: bool

    @property
    def name(self) -> str:
        return str(self.spec.get("name", ""))

    @property
    def ports(self) -> list[dict]:
        return [p for p in sequence(self.spec.get("ports")) if isinstance(p, dict)]

    @property
    def security(self) -> dict:
        return mapping(self.spec.get("securityContext"))

    @property
    def long_running(self) -> bool:
        """Regular containers, and init containers that keep running beside them (sidecars)."""
        return not self.init or self.spec.get("restartPolicy") == "Always"


@dataclass(frozen=True)
class PodTemplate:
    """The pods one object runs: a workload's template, or a bare Pod."""

    resource: Resource
    spec: dict
    labels: dict
    field: str  # path of the pod spec in the object, e.g. spec.template.spec

    @property
    def kind(self) -> str:
        return self.resource.kind

    @property
    def namespace(self) -> str:
        return self.resource.namespace

    @property
    def replicas(self) -> int | None:
        """Pods the object keeps running; None where that is not a fixed number (DaemonSet, Job)."""
        if self.kind == "Pod":
            return 1
        if self.kind in REPLICATED:
            replicas = dig(self.resource.obj, "spec", "replicas")
            return 1 if replicas is None else as_int(replicas)
        return None

    @property
    def long_running(self) -> bool:
        return self.kind in LONG_RUNNING

    def containers(self, *, init: bool = True) -> Iterator[Container]:
        keys = ("initContainers", "containers") if init else ("containers",)
        for key in keys:
            for index, spec in enumerate(sequence(self.spec.get(key))):
                if isinstance(spec, dict):
                    label = spec.get("name") or index
                    yield Container(spec, f"{self.field}.{key}[{label}]", key == "initContainers")

    def running_containers(self) -> Iterator[Container]:
        return (c for c in self.containers() if c.long_running)

    def volumes(self) -> Iterator[tuple[dict, str]]:
        for index, volume in enumerate(sequence(self.spec.get("volumes"))):
            if isinstance(volume, dict):
                yield volume, f"{self.field}.volumes[{volume.get('name') or index}]"

    def __str__(self) -> str:
        return str(self.resource)


def pod_template(resource: Resource) -> PodTemplate | None:
    if resource.kind == "Pod":
        return PodTemplate(resource, mapping(resource.obj.get("spec")), resource.labels, "spec")
    keys = _TEMPLATE_PATHS.get(resource.kind)
    if keys is None:
        return None
    template = mapping(dig(resource.obj, *keys))
    return PodTemplate(
        resource,
        mapping(template.get("spec")),
        mapping(dig(template, "metadata", "labels")),
        ".".join(keys) + ".spec",
    )


def selector_matches(selector: object, labels: dict) -> bool:
    """metav1.LabelSelector semantics: matchLabels and every matchExpression; {} selects everything."""
    if not isinstance(selector, dict):
        return False
    for key, value in mapping(selector.get("matchLabels")).items():
        if key not in labels or str(labels[key]) != str(value):
            return False
    for expression in sequence(selector.get("matchExpressions")):
        expression = mapping(expression)
        key, operator = expression.get("key"), expression.get("operator")
        values = [str(v) for v in sequence(expression.get("values"))]
        present = key in labels
        if operator == "In" and not (present and str(labels[key]) in values):
            return False
        if operator == "NotIn" and present and str(labels[key]) in values:
            return False
        if operator == "Exists" and not present:
            return False
        if operator == "DoesNotExist" and present:
            return False
        if operator not in ("In", "NotIn", "Exists", "DoesNotExist"):
            return False
    return True


def service_selects(selector: dict, labels: dict) -> bool:
    """A Service selector is a plain map: every pair must be among the pod's labels."""
    return bool(selector) and all(k in labels and str(labels[k]) == str(v) for k, v in selector.items())


def format_labels(labels: dict) -> str:
    return ", ".join(f"{k}={v}" for k, v in sorted(labels.items())) or "(none)"


def format_selector(selector: object) -> str:
    selector = mapping(selector)
    parts = [f"{k}={v}" for k, v in sorted(mapping(selector.get("matchLabels")).items())]
    for expression in sequence(selector.get("matchExpressions")):
        expression = mapping(expression)
        values = ",".join(str(v) for v in sequence(expression.get("values")))
        parts.append(f"{expression.get('key')} {expression.get('operator')} ({values})".replace(" ()", ""))
    return ", ".join(parts) or "(everything)"


def pinned_nodes(pod_spec: dict) -> set[str] | None:
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


def _term_hostnames(term: dict) -> set[str] | None:
    found: set[str] | None = None
    pairs = [(e, HOSTNAME_LABEL) for e in sequence(term.get("matchExpressions"))]
    pairs += [(e, "metadata.name") for e in sequence(term.get("matchFields"))]
    for expression, key in pairs:
        expression = mapping(expression)
        if expression.get("key") == key and expression.get("operator") == "In":
            names = {str(v) for v in sequence(expression.get("values"))}
            found = names if found is None else found & names
    return found
