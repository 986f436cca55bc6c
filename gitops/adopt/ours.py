"""What this project will apply: an environment's dist/ as committed, by unit, and its Flux Kustomizations."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from gitops.errors import InputError
from gitops.k8s import manifests
from gitops.k8s.manifests import Fields, Resource
from gitops.k8s.workloads import dig, pod_labels, pod_spec_path, sequence
from gitops.layout import engine_dir


@dataclass(frozen=True)
class Unit:
    """One delivery unit as Flux applies it."""

    name: str  # the Kustomization's name, e.g. honeydue-infrastructure
    directory: str  # dist/<env>/<unit>
    retry_seconds: int
    force: bool
    depends_on: tuple[str, ...]
    timeout: str


@dataclass
class Ours:
    env: str
    namespace: str
    dist: Path
    resources: list[Resource]
    unit_of: dict[tuple[str, str, str, str], Unit] = field(default_factory=dict)
    units: dict[str, Unit] = field(default_factory=dict)  # by directory name (infrastructure, apps)
    engine: str = "flux"

    @property
    def keys(self) -> set[tuple[str, str, str, str]]:
        return {r.key for r in self.resources}

    def get(self, key: tuple[str, str, str, str]) -> Resource | None:
        return next((r for r in self.resources if r.key == key), None)

    def find(self, kind: str, namespace: str, name: str) -> Resource | None:
        return next((r for r in self.resources if (r.kind, r.namespace, r.name) == (kind, namespace, name)), None)

    def of_kind(self, kind: str) -> list[Resource]:
        return [r for r in self.resources if r.kind == kind]

    def workloads(self) -> list[Resource]:
        return [r for r in self.resources if pod_spec_path(r.kind) is not None and r.kind != "Pod"]

    def pod_labels(self) -> list[tuple[Resource, Fields]]:
        return [(r, pod_labels(r.obj)) for r in self.workloads()]

    def unit(self, resource: Resource) -> Unit | None:
        return self.unit_of.get(resource.key)

    def later_units(self, unit: Unit) -> list[Unit]:
        """Units that wait for this one (dependsOn), directly or not."""
        found: list[Unit] = []
        pending = [unit.name]
        while pending:
            name = pending.pop()
            for other in self.units.values():
                if name in other.depends_on and other not in found:
                    found.append(other)
                    pending.append(other.name)
        return found


def _seconds(text: object, default: int) -> int:
    from gitops.config.values import Invalid, duration_seconds

    try:
        return duration_seconds(str(text)) if text else default
    except Invalid:
        return default


def load(dist: Path, env: str) -> Ours:
    """dist/<env>/ and dist/clusters/<env>/ as committed; InputError when the environment is not synthesized."""
    units_dir, cluster_dir = dist / env, dist / engine_dir(env)
    if not units_dir.is_dir():
        raise InputError(f"{units_dir}: environment {env} is not synthesized; run `make synth`")
    resources = manifests.load([units_dir])
    namespaces = [r for r in resources if r.kind == "Namespace"]
    namespace = namespaces[0].name if namespaces else ""
    ours = Ours(env, namespace, dist, resources)
    engine_objects = manifests.load([cluster_dir]) if cluster_dir.is_dir() else []
    kustomizations = [r for r in engine_objects if r.kind == "Kustomization"]
    if not kustomizations:
        ours.engine = "argocd" if engine_objects else ""
    for k in kustomizations:
        path = str(dig(k.obj, "spec", "path") or "").removeprefix("./").rstrip("/")
        parts = path.split("/")
        if len(parts) < 2 or parts[-2] != env:
            continue
        directory = parts[-1]
        spec: Fields = k.obj.get("spec") or {}
        ours.units[directory] = Unit(
            name=k.name,
            directory=path,
            retry_seconds=_seconds(spec.get("retryInterval") or spec.get("interval"), 600),
            force=spec.get("force") is True,
            depends_on=tuple(str(d.get("name")) for d in sequence(spec.get("dependsOn")) if isinstance(d, dict)),
            timeout=str(spec.get("timeout") or ""),
        )
    for resource in resources:
        top = resource.path.parent.relative_to(units_dir).parts[:1]
        if top and top[0] in ours.units:
            ours.unit_of[resource.key] = ours.units[top[0]]
    return ours
