"""One check set: the objects of an environment or of the paths given, indexed for lookups.

Everything a rule may resolve against comes from these files (the objects
and the declarations ConfigMap among them), so a copy of dist/<env> moved
anywhere checks exactly like the original.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

from gitops.k8s import declared as declarations
from gitops.k8s import manifests
from gitops.k8s.declared import Declared
from gitops.k8s.manifests import ManifestError, Resource
from gitops.k8s.selectors import LabelIndex, selects, service_selects
from gitops.k8s.workloads import PodTemplate, dig, pod_template
from gitops.review import edge
from gitops.review.edge import Rendered

T = TypeVar("T")

# kustomize only ever reads these names, and what they hold is build input
# (apiVersion kustomize.config.k8s.io, no metadata), not objects to apply.
KUSTOMIZE_FILES = {"kustomization.yaml", "kustomization.yml"}


@dataclass
class Context:
    name: str
    roots: list[Path]
    resources: list[Resource]
    declared: Declared
    pods: list[PodTemplate] = field(init=False)
    # Lookups every rule makes, indexed once: a rule that tests each object against every other would make
    # check quadratic in the number of objects (minutes at a few thousand).
    _index: dict[tuple[str, str, str], list[Resource]] = field(init=False, repr=False)
    _kinds: dict[str, list[Resource]] = field(init=False, repr=False)
    _pods: LabelIndex[PodTemplate] = field(init=False, repr=False)
    _memo: dict[object, object] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self._index = defaultdict(list)
        self._kinds = defaultdict(list)
        for resource in self.resources:
            self._index[(resource.kind, resource.namespace, resource.name)].append(resource)
            self._kinds[resource.kind].append(resource)
        self.pods = [p for p in (pod_template(r) for r in self.resources) if p is not None]
        self._pods = LabelIndex()
        for pod in self.pods:
            self._pods.add(pod.namespace, pod.labels, pod)
        self._memo = {}

    def get(self, kind: str, namespace: str, name: str, group: str | None = None) -> Resource | None:
        for resource in self._index.get((kind, namespace, name), []):
            if group is None or resource.group == group:
                return resource
        return None

    def of_kind(self, kind: str, group: str | None = None) -> list[Resource]:
        return [r for r in self._kinds.get(kind, []) if group is None or r.group == group]

    def pods_in(self, namespace: str) -> list[PodTemplate]:
        return self._pods.candidates(namespace, None)

    def selected_by(self, namespace: str, selector: object) -> list[PodTemplate]:
        """The pods of namespace a metav1.LabelSelector selects (a budget's, a policy's)."""
        candidates = self._pods.candidates(namespace, dig(selector, "matchLabels"))
        return [p for p in candidates if selects(selector, p.labels)]

    def served_by(self, namespace: str, selector: object) -> list[PodTemplate]:
        """The pods of namespace a Service's plain-map selector selects."""
        return [p for p in self._pods.candidates(namespace, selector) if service_selects(selector, p.labels)]

    def memo(self, key: object, compute: Callable[[], T]) -> T:
        """compute() once per check set: what several rules derive from the same objects (budgets and their pods)."""
        if key not in self._memo:
            self._memo[key] = compute()
        return self._memo[key]  # type: ignore[return-value]  # stored by the same key with the same type

    def workload_names(self, namespace: str) -> str:
        """The workloads of a namespace, for messages about selectors that match none of them."""
        return self.memo(("workload_names", namespace), lambda: _names(self.pods_in(namespace)))


def edge_rendered(ctx: Context) -> list[Rendered]:
    """The bundled Traefik chart rendered with each of the set's HelmChartConfigs for it, once per check set
    (gitops/review/edge.py; EnvironmentProblem when Helm or the chart is not installed)."""
    return ctx.memo(
        "edge_rendered", lambda: [edge.render(c) for c in ctx.of_kind("HelmChartConfig") if edge.is_bundled(c)]
    )


# A message names this many workloads, then counts the rest.
SHOWN_NAMES = 10


def _names(pods: list[PodTemplate]) -> str:
    names = sorted(str(p) for p in pods)
    more = f" and {len(names) - SHOWN_NAMES} more" if len(names) > SHOWN_NAMES else ""
    return ", ".join(names[:SHOWN_NAMES]) + more or "none"


def shown(path: Path | None) -> str:
    """A path as the user would type it: relative to the working directory when below it."""
    if path is None:
        return ""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def load(name: str, roots: list[Path], within: Path | None = None) -> Context:
    """Read every object under roots (symlinks must stay inside each root, or inside within when given);
    raises ManifestError listing every file and document that cannot be read, or declared.DeclarationError."""
    resources = manifests.read_all(roots, within, skip=frozenset(KUSTOMIZE_FILES))
    if not resources:
        shown = ", ".join(str(r) for r in roots)
        raise ManifestError(f"{shown}: no Kubernetes objects found (looked for *.yaml and *.yml files)")
    return Context(name, roots, resources, declarations.read(resources))
