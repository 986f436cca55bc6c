"""Argo CD environments: a stand-in, since no Argo CD controller runs.

The README's bootstrap is followed (argocd namespace, the real Argo CD CRDs, namespace and
Secrets, the root Application applied with kubectl), then what Argo CD would sync is applied
with kubectl: the root Application's directory, then each child Application's directory,
server-side when it says ServerSideApply=true, its namespace created when it says
CreateNamespace=true, in sync-wave order, each wave healthy (Deployments Available) before
the next, as Argo CD's wave ordering requires.
"""

from __future__ import annotations

import time
from pathlib import Path

from gitops.rehearse import cluster, delivery, flux, project, repo
from gitops.rehearse.crds import ARGOCD
from gitops.rehearse.kube import Api, Kubectl
from gitops.rehearse.procs import ComponentError

WAVE = "argocd.argoproj.io/sync-wave"
WAVE_TIMEOUT = 300.0


def applications(checkout: Path, env: str) -> list[dict]:
    return [r.obj for r in project.load_manifests([checkout / "dist" / project.CLUSTERS / env])
            if r.kind == "Application"]


def wave(app: dict) -> int:
    return int((app["metadata"].get("annotations") or {}).get(WAVE, "0"))


def apply_args(app: dict, checkout: Path) -> list[str]:
    """kubectl apply arguments that honour the Application's source and sync options."""
    spec = app["spec"]
    source = spec.get("source") or {}
    options = set((spec.get("syncPolicy") or {}).get("syncOptions") or [])
    args = ["apply"]
    if "ServerSideApply=true" in options:
        args += ["--server-side", "--force-conflicts", "--field-manager=argocd-controller"]
    if (source.get("directory") or {}).get("recurse"):
        args.append("-R")
    return args + ["-f", str(checkout / source.get("path", ".").removeprefix("./"))]


def _wait_wave(api: Api, namespaces: list[str], timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        deployments = [d for ns in namespaces for d in api.items(cluster.DEPLOYMENTS.format(ns=ns))]
        if all(cluster.available(d) for d in deployments):
            return True
        time.sleep(0.5)
    return False


def deliver(kubectl: Kubectl, api: Api, served: Path, head: str, env: project.Environment, plans, session):
    checkout = repo.checkout(served, head, session.root / "checkouts" / f"argocd-{head[:12]}")
    started = time.monotonic()
    result = delivery.Delivered(checkout=checkout, commit=head)
    apps = applications(checkout, env.name)
    namespace = apps[0]["metadata"]["namespace"] if apps else "argocd"
    code, out, _ = kubectl.run("create", "namespace", namespace)
    if code != 0:
        raise ComponentError("bootstrap", f"kubectl create namespace {namespace}: {out}")
    flux.install_crds(kubectl, api, ARGOCD)
    delivery.create_bootstrap_secrets(kubectl, plans)
    clusters_dir = f"dist/{project.CLUSTERS}/{env.name}"
    children = []
    for app in apps:
        path = ((app["spec"].get("source") or {}).get("path") or "").removeprefix("./").rstrip("/")
        if path == clusters_dir:
            # The README's step 5 applies the root Application; its sync applies the directory.
            code, out, warnings = kubectl.run("apply", "-n", namespace, "-f", str(checkout / clusters_dir))
            result.warnings += warnings
            if code != 0:
                result.problems.append((f"Application {namespace}/{app['metadata']['name']}",
                                        f"its directory was not accepted: {out}", []))
        else:
            children.append(app)
            result.paths.append(path)
    for app in sorted(children, key=lambda a: (wave(a), a["metadata"]["name"])):
        name = app["metadata"]["name"]
        destination = (app["spec"].get("destination") or {}).get("namespace")
        options = set((app["spec"].get("syncPolicy") or {}).get("syncOptions") or [])
        if destination and "CreateNamespace=true" in options:
            kubectl.run("create", "namespace", destination)
        code, out, warnings = kubectl.run(*apply_args(app, checkout))
        result.warnings += warnings
        if code != 0:
            result.problems.append((f"Application {namespace}/{name}", f"sync failed: {out}", []))
            result.units.append((name, None))
            continue
        namespaces = sorted({ns for ns in [destination, env.namespace] if ns})
        healthy = _wait_wave(api, namespaces, WAVE_TIMEOUT)
        result.units.append((name, time.monotonic() - started if healthy else None))
        if not healthy:
            result.problems.append((f"Application {namespace}/{name}",
                                    f"wave {wave(app)} not healthy within {WAVE_TIMEOUT:.0f} s", []))
    result.seconds = time.monotonic() - started
    return result
