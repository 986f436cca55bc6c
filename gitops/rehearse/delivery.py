"""What both engines share when they deliver a commit, and what a delivery found.

The bootstrap's Secrets, the units' paths, the GitRepository; fluxengine.py delivers Flux
environments, argocd.py Argo CD ones.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from gitops.k8s import manifests
from gitops.k8s.workloads import dig
from gitops.layout import CLUSTERS, DIST, engine_dir
from gitops.rehearse import bootstrap, flux, repo
from gitops.rehearse.kube import Api, Kubectl
from gitops.rehearse.procs import ComponentError

FLUX_READY_TIMEOUT = 600.0


@dataclass
class Delivered:
    checkout: Path
    commit: str  # the served commit (under test + substitution)
    units: list[tuple[str, float | None]] = field(default_factory=list)
    seconds: float = 0.0
    substitutions: list[str] = field(default_factory=list)
    problems: list[tuple[str, str, list[str]]] = field(default_factory=list)  # (object, what, events)
    fixes: dict[str, str] = field(default_factory=dict)  # object -> the fix the engine's verdict points at
    warnings: list[str] = field(default_factory=list)
    paths: list[str] = field(default_factory=list)  # the units' repository-relative directories


def gitrepository(checkout: Path, env: str) -> tuple[str, dict]:
    """(repository-relative file, object) of the environment's GitRepository."""

    found = [r for r in manifests.load([checkout / DIST / engine_dir(env)]) if r.kind == "GitRepository"]
    if len(found) != 1:
        raise repo.RepoError(f"dist/clusters/{env}/ holds {len(found)} GitRepository objects, expected 1")
    return str(found[0].path.relative_to(checkout)), found[0].obj


def create_bootstrap_secrets(kubectl: Kubectl, plans: list[bootstrap.SecretPlan]) -> None:
    namespaces = sorted({p.namespace for p in plans})
    for namespace in namespaces:
        code, out, _ = kubectl.run("create", "namespace", namespace)
        if code != 0 and "AlreadyExists" not in out:
            raise ComponentError("bootstrap", f"kubectl create namespace {namespace}: {out}")
    for plan in plans:
        code, out, _ = kubectl.run(*plan.argv)
        if code != 0:
            raise ComponentError("bootstrap", f"kubectl create {plan.kind.lower()} {plan.name}: {out}")


def unit_paths(checkout: Path, env: str) -> list[str]:
    """The directories the engine's units sync, except the engine's own (dist/clusters/<env>)."""

    found = []
    for resource in manifests.load([checkout / DIST / engine_dir(env)]):
        path = dig(resource.obj, "spec", "path") or dig(resource.obj, "spec", "source", "path")
        if isinstance(path, str):
            path = path.removeprefix("./").rstrip("/")
            if not path.startswith(f"{DIST}/{CLUSTERS}/"):
                found.append(path)
    return sorted(set(found))


def apply_cluster_dir(kubectl: Kubectl, checkout: Path, env: str) -> tuple[list[str], str | None]:
    """README step 4: kubectl apply -f dist/clusters/<env>/; returns (the API's warnings, what it refused).
    A refusal is the commit's fault, not the rehearsal's: it is reported as a broken promise."""
    code, out, warnings = kubectl.run("apply", "-f", str(checkout / DIST / engine_dir(env)))
    refused = None
    if code != 0:
        refused = " ".join(
            line.replace(str(checkout) + "/", "").strip() for line in out.splitlines() if line.startswith("Error")
        )
    return warnings, refused or (out if code != 0 else None)


def unit_problems(api: Api, state: flux.FluxWait, namespace: str) -> list[tuple[str, str, list[str]]]:
    from gitops.rehearse.cluster import events_for

    found = []
    for unit in state.units.values():
        if unit.ready_after is None:
            events = events_for(api, namespace, "Kustomization", unit.name)
            message = " ".join(unit.message.split())
            found.append(
                (
                    f"Kustomization {namespace}/{unit.name}",
                    f"not Ready ({unit.reason or 'no status'}): {message}",
                    events,
                )
            )
    for violation in state.order_violations():
        found.append(("Kustomization", violation, []))
    if state.stalled:
        found.append(("(delivery)", f"stopped waiting for the health checks: {state.stalled}", []))
    return found
