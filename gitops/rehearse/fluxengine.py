"""Flux environments, delivered as production does: the README's bootstrap, then git.

Each commit the rehearsal delivers is served as a commit on top of it that changes only the
GitRepository's spec.url (and leaves out SOPS files when there is no age key, sops.py); the
served branch is then moved to it and source-controller is asked to fetch (what `flux
reconcile source git` does). Every Kustomization must then turn Ready at that served commit.
"""

from __future__ import annotations

import time
from pathlib import Path

from gitops.k8s import crds, manifests
from gitops.k8s.workloads import dig
from gitops.layout import DIST, engine_dir
from gitops.rehearse import delivery, flux, repo
from gitops.rehearse.bootstrap import SecretPlan
from gitops.rehearse.controlplane import ControlPlane
from gitops.rehearse.engine import Stalled, never_stalled
from gitops.rehearse.environment import Environment
from gitops.rehearse.gitserver import GitServer
from gitops.rehearse.kube import Kubectl
from gitops.rehearse.procs import ComponentError
from gitops.rehearse.session import Session
from gitops.rehearse.sops import SopsPlan, create_decryption_secrets, decryption_secrets
from gitops.rehearse.tools import Tools

NAMESPACE = "flux-system"


class FluxEngine:
    """An Engine (engine.py): the real source- and kustomize-controller, fetching from the loopback server."""

    label = "Flux"
    notes: tuple[str, ...] = ()  # nothing stands in: the real controllers run
    kept: tuple[str, ...] = ()  # Flux has no Prune=false: what leaves git is pruned unless prune-protected

    def __init__(
        self,
        session: Session,
        tools: Tools,
        plane: ControlPlane,
        kubectl: Kubectl,
        served: Path,
        env: Environment,
        plans: list[SecretPlan],
        sops_plan: SopsPlan,
        stalled: Stalled = never_stalled,
    ) -> None:
        self.session, self.tools, self.plane, self.kubectl = session, tools, plane, kubectl
        self.served, self.env, self.plans, self.sops_plan = served, env, plans, sops_plan
        self.stalled = stalled
        self.server = GitServer(session.root, session.ports.take(), session.supervisor.pgid)
        self.substitutions: list[str] = []
        self.branch = "main"
        self.source: str | None = None  # the GitRepository's name
        self._served: dict[str, str] = {}

    def serve(self, plain: str) -> str:
        """The served commit for plain: the URL substitution on top of it."""
        if plain not in self._served:
            checkout = repo.checkout(self.served, plain, self.session.root / "checkouts" / f"plain-{plain[:12]}")
            path, obj = delivery.gitrepository(checkout, self.env.name)
            self.branch = str(dig(obj, "spec", "ref", "branch") or "main")
            self.source = obj["metadata"]["name"]
            left_out = [p for p in self.sops_plan.left_out() if repo.files(self.served, plain, p)]
            head, sub = repo.substitute(
                self.served,
                plain,
                path,
                str(dig(obj, "spec", "url")),
                self.server.url(repo.REPOSITORY),
                remove=left_out,
            )
            self._served[plain] = head
            self.substitutions.append(
                f"{sub.file}: {sub.field} {sub.old} -> {sub.new} (commit {head[:12]} on top of {plain[:12]})"
            )
            self.substitutions += [f"{p}: left out (commit {head[:12]}; no age key)" for p in left_out]
        return self._served[plain]

    def checkout(self, served: str) -> Path:
        return repo.checkout(self.served, served, self.session.root / "checkouts" / f"served-{served[:12]}")

    def deliver(self, plain: str) -> delivery.Delivered:
        """README steps 1 to 4 with plain served from loopback; waits for every Kustomization."""
        self.server.start()
        self.session.on_close(self.server.stop)
        head = self.serve(plain)
        repo.point_branch(self.served, self.branch, head)
        checkout = self.checkout(head)
        started = time.monotonic()
        kubectl = self.kubectl
        # Step 1, flux install: the flux-system namespace, the CRDs, the two controllers.
        code, out, _ = kubectl.run("create", "namespace", NAMESPACE)
        if code != 0:
            raise ComponentError("bootstrap", f"kubectl create namespace {NAMESPACE}: {out}")
        flux.install_crds(kubectl, self.plane.api, crds.FLUX)
        flux.start_controllers(self.session, self.tools, str(self.plane.kubeconfig), NAMESPACE)
        # Step 2: the auth Secret `flux create secret git` makes (keys username, password).
        secret = self.env.repository_secret
        if secret:
            code, out, _ = kubectl.run(
                "-n",
                NAMESPACE,
                "create",
                "secret",
                "generic",
                secret,
                f"--from-literal=username={self.server.username}",
                f"--from-literal=password={self.server.password}",
            )
            if code != 0:
                raise ComponentError("bootstrap", f"creating the auth Secret {secret}: {out}")
        cluster_dir = checkout / DIST / engine_dir(self.env.name)
        create_decryption_secrets(kubectl, self.sops_plan, decryption_secrets(manifests.load([cluster_dir])))
        # Step 3: the namespace and the declared Secrets; step 4: hand the cluster to git.
        delivery.create_bootstrap_secrets(kubectl, self.plans)
        warnings, refused = delivery.apply_cluster_dir(kubectl, checkout, self.env.name)
        if refused:
            result = delivery.Delivered(
                checkout=checkout,
                commit=head,
                seconds=time.monotonic() - started,
                paths=delivery.unit_paths(checkout, self.env.name),
            )
            result.problems.append((f"dist/clusters/{self.env.name}/", f"kubectl apply refused it: {refused}", []))
        else:
            result = self._wait(head, checkout, started)
        result.warnings = warnings
        result.substitutions = [
            *self.substitutions,
            f"Secret {NAMESPACE}/{secret}: username/password of the loopback git server"
            if secret
            else "no repository Secret (config names none)",
        ]
        if not self.server.requests and not refused:
            result.problems.append(("GitRepository", "source-controller never fetched from the loopback server", []))
        return result

    def sync(self, served: str) -> delivery.Delivered:
        """Move the served branch to served and have Flux fetch and apply it."""
        if self.source is None:
            raise ComponentError("flux", "sync before the first delivery: no GitRepository is served yet")
        repo.point_branch(self.served, self.branch, served)
        started = time.monotonic()
        flux.request_reconcile(self.plane.api, NAMESPACE, flux.GITREPOSITORIES, self.source)
        return self._wait(served, self.checkout(served), started)

    def derive(self, served: str, remove: list[str], message: str) -> str:
        """A commit on the served branch's line that removes files (the prune drill's commit)."""
        return repo.commit_change(self.served, served, message, remove=remove)

    def restore(self, tree_of: str, parent: str, message: str) -> str:
        return repo.commit_tree_of(self.served, tree_of, parent, message)

    def _wait(self, served: str, checkout: Path, started: float) -> delivery.Delivered:
        state = flux.wait_ready(
            self.plane.api, self.session, NAMESPACE, served, started, delivery.FLUX_READY_TIMEOUT, stalled=self.stalled
        )
        result = delivery.Delivered(checkout=checkout, commit=served, seconds=time.monotonic() - started)
        result.units = sorted(
            ((u.name, u.ready_after) for u in state.units.values()), key=lambda u: (u[1] is None, u[1] or 0)
        )
        result.problems = delivery.unit_problems(self.plane.api, state, NAMESPACE)
        result.paths = delivery.unit_paths(checkout, self.env.name)
        return result
