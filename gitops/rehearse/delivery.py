"""Deliver the commit under test as production does: Flux from git, or the Argo CD stand-in.

Flux: the served branch holds the commit under test plus the URL substitution; the README's
bootstrap is then followed (controllers, auth Secret, namespace and Secrets, `kubectl apply -f
dist/clusters/<env>/`) and every Kustomization must turn Ready at the served commit.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path

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
    warnings: list[str] = field(default_factory=list)
    paths: list[str] = field(default_factory=list)  # the units' repository-relative directories


def gitrepository(checkout: Path, env: str) -> tuple[str, dict]:
    """(repository-relative file, object) of the environment's GitRepository."""
    from gitops.rehearse import project

    found = [r for r in project.load_manifests([checkout / "dist" / project.CLUSTERS / env])
             if r.kind == "GitRepository"]
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
            raise ComponentError("bootstrap", f"kubectl create secret {plan.name}: {out}")


def serve_commit(served: Path, under_test: str, checkout_root: Path, env: str, server_url: str,
                 branch_hint: str | None = None) -> tuple[str, repo.Substitution, Path, str]:
    """Substitute the URL on top of under_test; returns (commit, substitution, checkout, branch)."""
    plain = repo.checkout(served, under_test, checkout_root / f"plain-{under_test[:12]}")
    path, obj = gitrepository(plain, env)
    spec = obj.get("spec") or {}
    branch = branch_hint or (spec.get("ref") or {}).get("branch") or "main"
    head, sub = repo.substitute(served, under_test, path, spec["url"], server_url)
    return head, sub, repo.checkout(served, head, checkout_root / f"served-{head[:12]}"), branch


def unit_paths(checkout: Path, env: str) -> list[str]:
    """The directories the engine's units sync, except the engine's own (dist/clusters/<env>)."""
    from gitops.rehearse import project

    found = []
    for resource in project.load_manifests([checkout / "dist" / project.CLUSTERS / env]):
        spec = resource.obj.get("spec") or {}
        path = spec.get("path") or (spec.get("source") or {}).get("path")
        if isinstance(path, str):
            path = path.removeprefix("./").rstrip("/")
            if not path.startswith(f"dist/{project.CLUSTERS}/"):
                found.append(path)
    return sorted(set(found))


def apply_cluster_dir(kubectl: Kubectl, checkout: Path, env: str) -> list[str]:
    """README step 4: kubectl apply -f dist/clusters/<env>/; returns the API's warnings."""
    code, out, warnings = kubectl.run("apply", "-f", str(checkout / "dist" / "clusters" / env))
    if code != 0:
        raise ComponentError("bootstrap", f"kubectl apply -f dist/clusters/{env}/: {out}")
    return warnings


def wait_flux(api: Api, session, namespace: str, commit: str, started: float,
              timeout: float = FLUX_READY_TIMEOUT) -> flux.FluxWait:
    return flux.wait_ready(api, session, namespace, commit, started, timeout)


def unit_problems(api: Api, state: flux.FluxWait, namespace: str) -> list[tuple[str, str, list[str]]]:
    from gitops.rehearse.cluster import events_for

    found = []
    for unit in state.units.values():
        if unit.ready_after is None:
            events = events_for(api, namespace, "Kustomization", unit.name)
            message = " ".join(unit.message.split())
            found.append((f"Kustomization {namespace}/{unit.name}",
                          f"not Ready ({unit.reason or 'no status'}): {message}", events))
    for violation in state.order_violations():
        found.append(("Kustomization", violation, []))
    return found


def elapsed(since: float) -> float:
    return time.monotonic() - since
