"""One check set: the objects of an environment or of the paths given, indexed for lookups.

Everything a rule may resolve against comes from these files (the objects
and the declarations ConfigMap among them), so a copy of dist/<env> moved
anywhere checks exactly like the original.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from gitops.k8s import declared as declarations
from gitops.k8s import manifests
from gitops.k8s.declared import Declared
from gitops.k8s.manifests import ManifestError, Resource
from gitops.k8s.workloads import PodTemplate, pod_template

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
    _index: dict[tuple[str, str, str], list[Resource]] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self._index = defaultdict(list)
        for resource in self.resources:
            self._index[(resource.kind, resource.namespace, resource.name)].append(resource)
        self.pods = [p for p in (pod_template(r) for r in self.resources) if p is not None]

    def get(self, kind: str, namespace: str, name: str, group: str | None = None) -> Resource | None:
        for resource in self._index.get((kind, namespace, name), []):
            if group is None or resource.group == group:
                return resource
        return None

    def of_kind(self, kind: str, group: str | None = None) -> list[Resource]:
        return [r for r in self.resources if r.kind == kind and (group is None or r.group == group)]

    def pods_in(self, namespace: str) -> list[PodTemplate]:
        return [p for p in self.pods if p.namespace == namespace]

    def workload_names(self, namespace: str) -> str:
        """The workloads of a namespace, for messages about selectors that match none of them."""
        return ", ".join(sorted(str(p) for p in self.pods_in(namespace))) or "none"


def shown(path: Path | None) -> str:
    """A path as the user would type it: relative to the working directory when below it."""
    if path is None:
        return ""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def _read(path: Path) -> list[Resource]:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as err:
        raise ManifestError(f"{path}: cannot read: {err}") from None
    return manifests.parse(text, path)


def load(name: str, roots: list[Path]) -> Context:
    """Read every object under roots; raises ManifestError or declared.DeclarationError on unreadable input."""
    resources: list[Resource] = []
    for path in manifests.files_under(roots):
        if path.name in KUSTOMIZE_FILES:
            continue
        resources += _read(path)
    if not resources:
        shown = ", ".join(str(r) for r in roots)
        raise ManifestError(f"{shown}: no Kubernetes objects found (looked for *.yaml and *.yml files)")
    return Context(name, roots, resources, declarations.read(resources))
