"""Argo CD environments, delivered by the real Argo CD: docs/operations.md's bootstrap, then git.

Argo CD v3.2.11's application-controller and repo-server (and Redis) run as local processes
(argoprocs.py) and read the repository from the same loopback smart-HTTP server Flux uses. The
bootstrap of docs/operations.md ("Delivering with Argo CD") is followed step by step:

1. Install: the `argocd` namespace, the CRDs and the settings objects (argocd-cm, argocd-secret,
   ...) of the release's own manifests/install.yaml; the components start after step 2, which is
   what the page's controller restart comes to. argocd-server is not run; the one thing it does at
   start that the delivery needs, creating the `default` AppProject the root Application names, is
   done as it does it (server/server.go, initializeDefaultProject).
2. The Application health check: docs/argocd-cm-application-health.yaml, patched into argocd-cm with
   the page's command, unchanged.
3. The repository Secret, with the page's two kubectl commands (the loopback URL and the server's
   generated credentials in place of the real ones).
4. The namespace and the declared Secrets (placeholder values), as for Flux.
5. `kubectl apply` of the root Application's file.

Each commit is served as a commit on top of it whose only change is the repository URL, in every
Application's spec.source.repoURL and the AppProject's sourceRepos (the root Application re-applies
dist/clusters/<env>/ from git, so a URL changed in the cluster by hand would be reverted). A later
commit is delivered the way a push is: the served branch moves, then each Application gets
Argo CD's hard-refresh annotation (what `argocd app get --hard-refresh` sets), one at a time, the
latest sync wave first (the worst order a poll could reach them in), and automated sync does the
rest. Every Application must then be Synced and Healthy at the served commit; a later-wave
Application must not appear before the earlier waves are Healthy. Argo CD's verdicts (operation
messages, health, conditions) are reported as it wrote them.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

from gitops.annotations import ARGO_SYNC_WAVE
from gitops.k8s import crds, manifests
from gitops.k8s.manifests import load_documents
from gitops.k8s.workloads import dig, mapping, sequence
from gitops.layout import DIST, PROJECT, engine_dir
from gitops.rehearse import argoprocs, argostate, delivery, flux, poll, repo
from gitops.rehearse.bootstrap import SecretPlan
from gitops.rehearse.controlplane import ControlPlane
from gitops.rehearse.engine import Stalled, never_stalled
from gitops.rehearse.environment import Environment
from gitops.rehearse.gitserver import GitServer
from gitops.rehearse.kube import ApiError, Kubectl
from gitops.rehearse.procs import ComponentError
from gitops.rehearse.session import Session
from gitops.rehearse.tools import Tools

# docs/operations.md, step 2: the argocd-cm change the page shows, as a file the operator and the rehearsal
# both apply (tests/rehearse/test_argocd.py holds the page's copy equal to it).
HEALTH_PATCH = PROJECT / "docs" / "argocd-cm-application-health.yaml"
# docs/operations.md, step 3: the repository Secret (what `argocd repo add` writes).
REPOSITORY_SECRET = "repo-honeydue-gitops"
SECRET_TYPE_LABEL = "argocd.argoproj.io/secret-type=repository"
SETTINGS_KINDS = ("ConfigMap", "Secret")
DELIVERY_TIMEOUT = 300.0
# An error condition Argo CD keeps this long is its verdict, not a moment of start-up.
CONDITION_GRACE = 15.0


def health_patch_command(namespace: str, patch: Path) -> list[str]:
    """docs/operations.md step 2, as kubectl arguments."""
    return ["-n", namespace, "patch", "configmap", "argocd-cm", "--type", "merge", "--patch-file", str(patch)]


def repository_commands(namespace: str, url: str, username: str, password: str) -> list[list[str]]:
    """docs/operations.md step 3, as kubectl arguments: the Secret, then the label Argo CD finds it by."""
    return [
        [
            "-n",
            namespace,
            "create",
            "secret",
            "generic",
            REPOSITORY_SECRET,
            "--from-literal=type=git",
            f"--from-literal=url={url}",
            f"--from-literal=username={username}",
            f"--from-literal=password={password}",
        ],
        ["-n", namespace, "label", "secret", REPOSITORY_SECRET, SECRET_TYPE_LABEL],
    ]


def default_project(namespace: str) -> dict:
    """The AppProject argocd-server creates at start when there is none (server/server.go,
    initializeDefaultProject): any repository, any destination, every cluster-scoped kind."""
    return {
        "apiVersion": "argoproj.io/v1alpha1",
        "kind": "AppProject",
        "metadata": {"name": "default", "namespace": namespace},
        "spec": {
            "sourceRepos": ["*"],
            "destinations": [{"server": "*", "namespace": "*"}],
            "clusterResourceWhitelist": [{"group": "*", "kind": "*"}],
        },
    }


def install_settings(text: bytes) -> list[dict]:
    """The settings objects of upstream's install manifest (ConfigMaps and Secrets: argocd-cm,
    argocd-secret, ...), as `kubectl apply -n argocd -f install.yaml` creates them."""
    return [
        doc
        for doc in load_documents(text.decode())
        if isinstance(doc, dict) and doc.get("kind") in SETTINGS_KINDS and doc.get("apiVersion") == "v1"
    ]


def url_fields(obj: dict, url: str) -> list[str]:
    """Where an Application or AppProject names the repository url (its field paths)."""
    found = []
    if obj.get("kind") == "Application":
        if dig(obj, "spec", "source", "repoURL") == url:
            found.append("spec.source.repoURL")
        sources = sequence(dig(obj, "spec", "sources"))
        found += [f"spec.sources[{i}].repoURL" for i, s in enumerate(sources) if mapping(s).get("repoURL") == url]
    elif obj.get("kind") == "AppProject":
        repos = sequence(dig(obj, "spec", "sourceRepos"))
        found += [f"spec.sourceRepos[{i}]" for i, r in enumerate(repos) if r == url]
    return found


def source_path(app: dict) -> str:
    """An Application's source directory, repository-relative as dist/ names directories."""
    return str(dig(app, "spec", "source", "path") or "").removeprefix("./").rstrip("/")


@dataclass(frozen=True)
class Unit:
    """One Application of the served commit: its sync wave, and whether it is the root (app of apps)."""

    name: str
    wave: int
    root: bool

    @property
    def label(self) -> str:
        return f"{self.name} (root)" if self.root else f"{self.name} (wave {self.wave})"


def units(checkout: Path, env: str) -> list[Unit]:
    """The Applications dist/clusters/<env>/ holds, children by wave then name, the root last."""
    clusters = f"{DIST}/{engine_dir(env)}"
    found = []
    for resource in manifests.load([checkout / clusters]):
        if resource.kind != "Application":
            continue
        try:
            wave = int(str(dig(resource.obj, "metadata", "annotations", ARGO_SYNC_WAVE) or "0"))
        except ValueError:
            wave = 0
        found.append(Unit(resource.name, wave, source_path(resource.obj) == clusters))
    return sorted(found, key=lambda u: (u.root, u.wave, u.name))


@dataclass
class Watch:
    """What the wait for one commit saw of each Application, measured from `started`."""

    started: float
    delivered: dict[str, float] = field(default_factory=dict)
    healthy: set[str] = field(default_factory=set)  # seen Healthy (the health check the waves wait on)
    early: list[tuple[str, str]] = field(default_factory=list)  # (later, earlier): present before it was Healthy
    failing_since: dict[str, float] = field(default_factory=dict)  # an error condition, continuously since
    last: dict[str, dict] = field(default_factory=dict)
    stalled: str | None = None
    timed_out: bool = False

    def look(self, apps: dict[str, dict], expected: list[Unit], commit: str, check_order: bool) -> None:
        now = time.monotonic() - self.started
        self.last = apps
        for unit in expected:
            app = apps.get(unit.name)
            if app is None:
                continue
            if unit.name not in self.delivered and argostate.delivered(app, commit):
                self.delivered[unit.name] = now
            if argostate.errors(app) or argostate.refused(app, commit):
                self.failing_since.setdefault(unit.name, now)
            else:
                self.failing_since.pop(unit.name, None)
        self.healthy |= {n for n, app in apps.items() if argostate.health(app)[0] == "Healthy"}
        if check_order:
            # One listing is one consistent view: a later wave in it while an earlier one is not yet Healthy
            # in it (or was never seen so) is a sync that did not wait.
            children = [u for u in expected if not u.root]
            for later in children:
                for earlier in children:
                    pair = (later.name, earlier.name)
                    waited = earlier.wave >= later.wave or later.name not in apps or earlier.name in self.healthy
                    if not waited and pair not in self.early:
                        self.early.append(pair)

    def given_up(self, commit: str) -> bool:
        """Argo CD's verdict is in for some Application: a sync it gave up or retries, or a lasting error."""
        now = time.monotonic() - self.started
        return any(
            argostate.refused(self.last.get(name, {}), commit) is not None or now - since >= CONDITION_GRACE
            for name, since in self.failing_since.items()
        )


class ArgoEngine:
    """An Engine (engine.py): the real Argo CD application-controller and repo-server, fetching from the
    loopback git server."""

    label = "Argo CD"

    def __init__(
        self,
        session: Session,
        tools: Tools,
        plane: ControlPlane,
        kubectl: Kubectl,
        served: Path,
        env: Environment,
        plans: list[SecretPlan],
        stalled: Stalled = never_stalled,
    ) -> None:
        self.session, self.tools, self.plane, self.kubectl = session, tools, plane, kubectl
        self.served, self.env, self.plans = served, env, plans
        self.stalled = stalled
        self.server = GitServer(session.root, session.ports.take(), session.supervisor.pgid)
        self.substitutions: list[str] = []
        self.kept: list[str] = []
        self.notes: list[str] = []
        self.branch = "main"
        self.namespace = "argocd"
        self._served: dict[str, str] = {}

    def serve(self, plain: str) -> str:
        """The served commit for plain: the repository URL pointed at the loopback server, on top of it."""
        if plain in self._served:
            return self._served[plain]
        checkout = repo.checkout(self.served, plain, self.session.root / "checkouts" / f"plain-{plain[:12]}")
        old, new = self.env.repository_url, self.server.url(repo.REPOSITORY)
        replace, found = {}, []
        for resource in manifests.load([checkout / DIST / engine_dir(self.env.name)]):
            fields = url_fields(resource.obj, old)
            if resource.kind == "Application":
                self.branch = str(dig(resource.obj, "spec", "source", "targetRevision") or self.branch)
                self.namespace = resource.namespace or self.namespace
            if not fields:
                continue
            path = str(resource.path.relative_to(checkout))
            text = repo.git(self.served, "show", f"{plain}:{path}")
            if text.count(old) != len(fields):
                raise repo.RepoError(f"{path} at {plain[:10]}: expected {old} exactly at {', '.join(fields)}")
            replace[path] = text.replace(old, new)
            found += [(path, name) for name in fields]
        message = "rehearsal: serve from loopback\n\n" + "".join(f"{p}: {f} {old} -> {new}\n" for p, f in found)
        head = repo.commit_change(self.served, plain, message, replace=replace)
        self._served[plain] = head
        self.substitutions += [f"{p}: {f} {old} -> {new} (commit {head[:12]} on top of {plain[:12]})" for p, f in found]
        return head

    def checkout(self, served: str) -> Path:
        return repo.checkout(self.served, served, self.session.root / "checkouts" / f"served-{served[:12]}")

    def deliver(self, plain: str) -> delivery.Delivered:
        """docs/operations.md's five steps with plain served from loopback; waits for every Application."""
        self.server.start()
        self.session.on_close(self.server.stop)
        head = self.serve(plain)
        repo.point_branch(self.served, self.branch, head)
        checkout = self.checkout(head)
        started = time.monotonic()
        self._install()
        self._run("step 2, the Application health check", health_patch_command(self.namespace, HEALTH_PATCH))
        processes = argoprocs.start(
            self.session, self.tools, self.plane.kubeconfig, self.plane.api.server, self.namespace
        )
        url = self.server.url(repo.REPOSITORY)
        for argv in repository_commands(self.namespace, url, self.server.username, self.server.password):
            self._run("step 3, the repository Secret", argv)
        delivery.create_bootstrap_secrets(self.kubectl, self.plans)
        root = [u for u in units(checkout, self.env.name) if u.root]
        code, out, warnings = self.kubectl.run("apply", "-n", self.namespace, "-f", str(self._root_file(checkout)))
        if code != 0 or not root:
            result = delivery.Delivered(checkout=checkout, commit=head, seconds=time.monotonic() - started)
            refused = " ".join(line.replace(str(checkout) + "/", "") for line in out.splitlines() if line.strip())
            result.problems.append(
                (f"dist/clusters/{self.env.name}/", f"kubectl apply refused the root Application: {refused}", [])
            )
        else:
            result = self._wait(head, checkout, started, check_order=True)
        result.warnings = warnings
        result.substitutions = [
            *self.substitutions,
            f"Secret {self.namespace}/{REPOSITORY_SECRET}: the loopback URL, and the loopback git server's "
            "username/password",
            "destination https://kubernetes.default.svc: the rehearsal's API server (ARGOCD_FAKE_IN_CLUSTER with its "
            "admin kubeconfig, instead of the controller's ServiceAccount)",
            f"AppProject {self.namespace}/default: created as argocd-server creates it at start (argocd-server is "
            "not run)",
        ]
        self.notes = [
            f"Argo CD {self._version()}: {processes.describe()}; the install manifest's settings objects, "
            "the rehearsal's admin credentials instead of its ServiceAccounts and RBAC",
        ]
        if not self.server.requests and code == 0:
            result.problems.append(("Application", "the repo-server never fetched from the loopback server", []))
        return result

    def _version(self) -> str:
        return self.tools.paths["argocd"].parent.parent.name.removeprefix("argocd-")

    def sync(self, served: str) -> delivery.Delivered:
        """Move the served branch to served, hard-refresh every Application, wait for them to apply it.

        A webhook or a poll reaches the Applications in no promised order, and a poll reaches each on its
        own timer (timeout.reconciliation, with jitter), minutes apart. The rehearsal takes the worst
        order: one Application at a time, the latest sync wave first, each once the one before is Synced
        and Healthy, the root last; whatever relies on Argo CD applying the units in wave order on every
        commit shows (it does so only when the root syncs the Applications themselves)."""
        repo.point_branch(self.served, self.branch, served)
        started = time.monotonic()
        checkout = self.checkout(served)
        expected = sorted(units(checkout, self.env.name), key=lambda u: (u.root, -u.wave, u.name))
        path = argostate.APPLICATIONS.format(ns=quote(self.namespace))
        watch = Watch(started)
        for unit in expected:
            self.plane.api.merge_patch(
                f"{path}/{quote(unit.name)}", {"metadata": {"annotations": {argostate.REFRESH: "hard"}}}
            )
            if unit.name not in self._watch(served, [unit], watch, check_order=False).delivered:
                break  # the final wait reports it
        return self._wait(served, checkout, started, check_order=False, watch=watch)

    def derive(self, served: str, remove: list[str], message: str) -> str:
        """A commit on the served branch's line that removes files (the prune drill's commit)."""
        return repo.commit_change(self.served, served, message, remove=remove)

    def restore(self, tree_of: str, parent: str, message: str) -> str:
        return repo.commit_tree_of(self.served, tree_of, parent, message)

    def _run(self, step: str, argv: list[str]) -> None:
        code, out, _ = self.kubectl.run(*argv)
        if code != 0:
            raise ComponentError("bootstrap", f"{step}: kubectl {' '.join(argv[:5])}: {out}")

    def _install(self) -> None:
        """Step 1: the namespace, the CRDs and the settings objects of the release's install manifest."""
        self._run("step 1, install", ["create", "namespace", self.namespace])
        flux.install_crds(self.kubectl, self.plane.api, crds.ARGO_CD)
        for obj in install_settings(crds.module_file(crds.ARGO_CD_INSTALL)):
            self.plane.api.create(
                f"/api/v1/namespaces/{quote(self.namespace)}/{obj['kind'].lower()}s",
                {**obj, "metadata": {**obj["metadata"], "namespace": self.namespace}},
            )
        try:  # as argocd-server does: only when there is none
            self.plane.api.create(
                argostate.APPPROJECTS.format(ns=quote(self.namespace)), default_project(self.namespace)
            )
        except ApiError as err:
            if err.status != 409:
                raise

    def _root_file(self, checkout: Path) -> Path:
        clusters = f"{DIST}/{engine_dir(self.env.name)}"
        for resource in manifests.load([checkout / clusters]):
            if resource.kind == "Application" and source_path(resource.obj) == clusters:
                return resource.path
        return checkout / clusters  # no root Application: apply the directory, and let the wait say what is missing

    def _watch(self, commit: str, expected: list[Unit], watch: Watch, *, check_order: bool) -> Watch:
        """Until the Applications are Synced and Healthy at commit, Argo CD's verdict is in, or waiting is pointless."""
        path = argostate.APPLICATIONS.format(ns=quote(self.namespace))

        def settled() -> bool:
            watch.look({argostate.name(a): a for a in self.plane.api.items(path)}, expected, commit, check_order)
            return all(u.name in watch.delivered for u in expected) or watch.given_up(commit)

        waited = poll.until(
            settled,
            DELIVERY_TIMEOUT,
            stop=self.stalled,
            alive=self.session.supervisor.check_alive,
            started=watch.started,
        )
        watch.timed_out, watch.stalled = waited.timed_out, waited.stopped
        return watch

    def _wait(
        self, commit: str, checkout: Path, started: float, *, check_order: bool, watch: Watch | None = None
    ) -> delivery.Delivered:
        """Every Application's wait (watch: what earlier waits for some of them saw), and what it found."""
        expected = units(checkout, self.env.name)
        watch = self._watch(commit, expected, watch or Watch(started), check_order=check_order)
        result = delivery.Delivered(checkout=checkout, commit=commit, seconds=time.monotonic() - started)
        result.units = [(u.label, watch.delivered.get(u.name)) for u in expected]
        result.paths = delivery.unit_paths(checkout, self.env.name)
        result.problems, result.fixes = self._problems(watch, expected, commit)
        for app in watch.last.values():
            self.kept += [k for k in argostate.kept(app, commit) if k not in self.kept]
        return result

    def _problems(
        self, watch: Watch, expected: list[Unit], commit: str
    ) -> tuple[list[tuple[str, str, list[str]]], dict[str, str]]:
        """(object, what, events) for each broken promise, and the fix Argo CD's verdict points at per object."""
        found: list[tuple[str, str, list[str]]] = []
        fixes: dict[str, str] = {}
        for unit in expected:
            ref = f"Application {self.namespace}/{unit.name}"
            app = watch.last.get(unit.name)
            if app is None:
                found.append((ref, "never created: the root Application did not sync it", []))
                fixes[ref] = "the root Application stops at the wave that failed: fix the finding above"
                continue
            said = argostate.verdict(app, commit)
            if unit.name not in watch.delivered:
                found.append((ref, f"not Synced and Healthy at the served commit: {said.what}", list(said.events)))
                fixes[ref] = said.fix
            else:
                found += [(ref, f"Argo CD's condition: {c}", []) for c in argostate.conditions(app)]
        for later, earlier in watch.early:
            ref = f"Application {self.namespace}/{later}"
            found.append((ref, f"created before {earlier}, of an earlier sync wave, was Healthy", []))
            fixes[ref] = (
                "give Argo CD its health check for Applications (argocd-cm, docs/operations.md step 2): "
                "without one, the root counts a child Healthy the moment it exists"
            )
        if watch.stalled:
            found.append(("(delivery)", f"stopped waiting for Argo CD: {watch.stalled}", []))
        elif watch.timed_out:
            found.append(
                ("(delivery)", f"not every Application Synced and Healthy within {DELIVERY_TIMEOUT:.0f} s", [])
            )
        return found, fixes
