"""Argo CD environments: a stand-in, since no Argo CD controller runs.

The README's bootstrap is followed (argocd namespace, the real Argo CD CRDs, namespace and
Secrets, the root Application applied with kubectl); then what Argo CD would sync is applied
with kubectl, as argosync.py orders it: the root Application's directory, then each child
Application in sync-wave order, each healthy (Deployments Available) before the next, as the
README's Application health check makes Argo CD wait. Inside an Application, objects go wave by
wave and in gitops-engine's kind order, server-side when it says ServerSideApply=true, its
namespace created when it says CreateNamespace=true; what the previous sync applied and git no
longer holds is deleted (foreground, as Argo CD prunes) unless it says Prune=false. What a real
Argo CD adds (diffing, self-heal, hooks, retries, its own health rules) is not rehearsed.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

from gitops.k8s import crds, manifests, rest, status
from gitops.k8s.workloads import dig
from gitops.layout import DIST, engine_dir
from gitops.rehearse import argosync, cluster, delivery, flux, poll, repo
from gitops.rehearse.bootstrap import SecretPlan
from gitops.rehearse.engine import Stalled, never_stalled
from gitops.rehearse.environment import Environment
from gitops.rehearse.kube import Api, Kubectl
from gitops.rehearse.procs import ComponentError
from gitops.rehearse.session import Session

WAVE_TIMEOUT = 300.0


def applications(checkout: Path, env: str) -> list[dict]:
    return [r.obj for r in manifests.load([checkout / DIST / engine_dir(env)]) if r.kind == "Application"]


def source_path(app: dict) -> str:
    return str(dig(app, "spec", "source", "path") or ".").removeprefix("./").rstrip("/")


def apply_args(app: dict) -> list[str]:
    """kubectl apply arguments (reading objects from stdin) that honour the Application's sync options."""
    args = ["apply"]
    if "ServerSideApply=true" in argosync.options(app):
        args += ["--server-side", "--force-conflicts", "--field-manager=argocd-controller"]
    return [*args, "-f", "-"]


def delete_args(obj: dict) -> list[str]:
    group, kind, namespace, name = argosync.key(obj)
    resource = f"{kind}.{group}" if group else kind
    return [
        "delete",
        *(["-n", namespace] if namespace else []),
        f"{resource}/{name}",
        "--cascade=foreground",
        "--wait=false",
        "--ignore-not-found",
    ]


def _stream(objects: list[dict]) -> bytes:
    return "".join(json.dumps(o) + "\n" for o in objects).encode()


class ArgoStandIn:
    """An Engine (engine.py) that applies with kubectl what Argo CD would sync; no Argo CD runs."""

    label = "Argo CD stand-in"
    notes = (
        "Argo CD is not run: its Applications are applied to the real CRDs, and each "
        "unit's directory is applied server-side in sync-wave and kind order, pruned as its "
        "options say (a stand-in)",
    )

    def __init__(
        self,
        session: Session,
        kubectl: Kubectl,
        api: Api,
        served: Path,
        env: Environment,
        plans: list[SecretPlan],
        stalled: Stalled = never_stalled,
    ) -> None:
        self.session, self.kubectl, self.api, self.served, self.env, self.plans = (
            session,
            kubectl,
            api,
            served,
            env,
            plans,
        )
        self.stalled = stalled
        self.synced: dict[str, list[dict]] = {}  # Application name -> what its last sync applied
        self.kept: list[str] = []  # objects left in the cluster by Prune=false, as "Kind ns/name"
        self.substitutions: list[str] = []  # nothing is substituted: there is no URL to point elsewhere

    def serve(self, plain: str) -> str:
        return plain  # the stand-in applies from the commit itself: no URL to substitute

    def checkout(self, commit: str) -> Path:
        return repo.checkout(self.served, commit, self.session.root / "checkouts" / f"argocd-{commit[:12]}")

    def deliver(self, plain: str) -> delivery.Delivered:
        apps = applications(self.checkout(plain), self.env.name)
        namespace = apps[0]["metadata"]["namespace"] if apps else "argocd"
        code, out, _ = self.kubectl.run("create", "namespace", namespace)
        if code != 0:
            raise ComponentError("bootstrap", f"kubectl create namespace {namespace}: {out}")
        flux.install_crds(self.kubectl, self.api, crds.ARGO_CD)
        delivery.create_bootstrap_secrets(self.kubectl, self.plans)
        result = self.sync(plain)
        result.substitutions = ["none: the stand-in applies each commit's directories itself"]
        return result

    def sync(self, commit: str) -> delivery.Delivered:
        checkout = self.checkout(commit)
        started = time.monotonic()
        result = delivery.Delivered(checkout=checkout, commit=commit)
        apps = applications(checkout, self.env.name)
        clusters_dir = f"{DIST}/{engine_dir(self.env.name)}"
        root = [a for a in apps if source_path(a) == clusters_dir]
        children = [a for a in apps if source_path(a) != clusters_dir]
        # The README's last step applies the root Application; its sync applies the directory.
        for app in root:
            self._sync_app(app, checkout, result, wait=False)
        for app in sorted(children, key=lambda a: (argosync.wave(a), a["metadata"]["name"])):
            result.paths.append(source_path(app))
            healthy = self._sync_app(app, checkout, result, wait=True)
            result.units.append((app["metadata"]["name"], time.monotonic() - started if healthy else None))
        result.seconds = time.monotonic() - started
        return result

    def derive(self, served: str, remove: list[str], message: str) -> str:
        return repo.commit_change(self.served, served, message, remove=remove)

    def restore(self, tree_of: str, parent: str, message: str) -> str:
        return repo.commit_tree_of(self.served, tree_of, parent, message)

    def _sync_app(self, app: dict, checkout: Path, result: delivery.Delivered, wait: bool) -> bool:
        name = app["metadata"]["name"]
        ref = f"Application {app['metadata']['namespace']}/{name}"
        named = dig(app, "spec", "destination", "namespace")
        destination = named if isinstance(named, str) and named else None
        if destination and "CreateNamespace=true" in argosync.options(app):
            self.kubectl.run("create", "namespace", destination)
        target = [r.obj for r in manifests.load([checkout / source_path(app)])]
        for obj in target:
            if destination and not dig(obj, "metadata", "namespace") and rest.namespaced(str(obj.get("kind"))):
                obj.setdefault("metadata", {})["namespace"] = destination
        plan = argosync.plan(app, target, self.synced.get(name, []))
        self.kept += [
            f"{o['kind']} {o['metadata'].get('namespace', '')}/{o['metadata']['name']}".replace(" /", " ")
            for o in plan.kept
        ]
        for wave, prunes, applies in plan.waves:
            for task in prunes:
                code, out, _ = self.kubectl.run(*delete_args(task.obj))
                if code != 0:
                    result.problems.append((ref, f"prune failed: {out}", []))
            if applies:
                code, out, warnings = self.kubectl.run(*apply_args(app), input=_stream([t.obj for t in applies]))
                result.warnings += warnings
                if code != 0:
                    result.problems.append((ref, f"sync failed (wave {wave}): {out}", []))
                    return False
            healthy = self._healthy(destination) if wait else None
            if healthy is not None and not healthy.held:
                why = healthy.stopped or self.stalled()
                result.problems.append(
                    (ref, f"wave {wave} not healthy within {WAVE_TIMEOUT:.0f} s" + (f": {why}" if why else ""), [])
                )
                return False
        self.synced[name] = target
        return True

    def _healthy(self, destination: str | None) -> poll.Waited:
        """Wait until every Deployment of the Application's namespaces is Available, as its health check does."""
        namespaces = sorted({ns for ns in (destination, self.env.namespace) if ns})

        def available() -> bool:
            deployments = [d for ns in namespaces for d in self.api.items(cluster.DEPLOYMENTS.format(ns=ns))]
            return all(status.deployment_available(d) for d in deployments)

        return poll.until(available, WAVE_TIMEOUT, stop=self.stalled)
