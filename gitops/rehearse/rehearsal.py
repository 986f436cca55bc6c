"""One environment's rehearsal, start to end: cluster up, deliver, drill, tear down."""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

from gitops.rehearse import bootstrap, controlplane, crds, delivery, flux, nodes, project, repo, storage
from gitops.rehearse.drills import converge, drain, rollout
from gitops.rehearse.findings import EnvReport, Failure
from gitops.rehearse.gitserver import GitServer
from gitops.rehearse.kube import Kubectl
from gitops.rehearse.procs import ComponentError
from gitops.rehearse.session import Session
from gitops.rehearse.tools import Tools

NODES_READY_TIMEOUT = 60.0


@dataclass(frozen=True)
class Options:
    repo: Path
    head: str
    base: str | None
    drills: tuple[str, ...]


def _wait_nodes(api, names: list[str], session: Session) -> None:
    deadline = time.monotonic() + NODES_READY_TIMEOUT
    while set(names) - nodes.ready_nodes(api):
        session.supervisor.check_alive()
        if time.monotonic() > deadline:
            missing = sorted(set(names) - nodes.ready_nodes(api))
            raise ComponentError("kwok", f"nodes not Ready within {NODES_READY_TIMEOUT:.0f} s: {', '.join(missing)}",
                                 session.supervisor.processes["kwok"].tail())
        time.sleep(0.2)


def _describe_nodes(cluster: project.Cluster) -> str:
    sizes = sorted({(n.cpu_millis, n.memory_bytes) for n in cluster.nodes})
    shown = ", ".join(f"{project.format_cpu(c)} CPU / {project.format_memory(m)}" for c, m in sizes)
    return f"{len(cluster.nodes)} simulated node(s) ({shown}, {cluster.architecture or 'amd64'})"


def _dry_run(kubectl: Kubectl, checkout: Path, paths: list[str]) -> tuple[list[str], list[str]]:
    """(warnings, rejections) for every object of the units: a server-side dry run of each path."""
    warnings, rejected = [], []
    for path in paths:
        code, out, found = kubectl.run("apply", "--server-side", "--dry-run=server", "--force-conflicts",
                                       "--field-manager=rehearsal-dry-run", "-R", "-f", str(checkout / path))
        if code != 0:
            errors = [line for line in out.splitlines() if line.strip() and "(server dry run)" not in line]
            rejected.append(f"{path}: " + " ".join(line.strip() for line in errors))
        warnings += [f"{path}: {w}" for w in found]
    return warnings, rejected


def rehearse(env: project.Environment, tools: Tools, options: Options, report: EnvReport) -> None:
    """Fill report; raises ComponentError/RepoError when the rehearsal cannot run."""
    begin = time.monotonic()
    with Session() as session:
        plane = controlplane.start(session, tools)
        report.control_plane_seconds = plane.started_seconds
        api = plane.api
        kubectl = Kubectl(tools["kubectl"], plane.kubeconfig, session.supervisor)
        served = repo.create_served(session.root, options.repo, [c for c in (options.head, options.base) if c])
        plain = repo.checkout(served, options.head, session.root / "head")
        resources = project.load_manifests([plain / "dist" / env.name])
        declared = project.read_declared(resources)
        if declared.cluster is None:
            raise repo.RepoError(f"dist/{env.name}/ has no declarations ConfigMap with a node inventory")
        report.nodes = _describe_nodes(declared.cluster)
        nodes.start_kwok(session, tools, plane.kubeconfig)
        names = nodes.create_nodes(api, declared.cluster)
        api.create("/apis/storage.k8s.io/v1/storageclasses", storage.storage_class())
        provisioner = storage.Provisioner(api)
        provisioner.start()
        session.on_close(provisioner.stop)
        flux.install_crds(kubectl, api, crds.K3S)
        _wait_nodes(api, names, session)
        plans = bootstrap.secret_plans(declared, resources)
        namespaces = sorted({r.namespace for r in resources if r.kind == "Deployment"})
        if env.engine == "flux":
            delivered = _deliver_flux(session, tools, plane, kubectl, served, env, options, plans)
        else:
            from gitops.rehearse import argocd

            delivered = argocd.deliver(kubectl, api, served, options.head, env, plans, session)
            report.notes.append("Argo CD is not run: its Applications are applied to the real CRDs, and each "
                                "unit's directory is applied server-side in sync-wave order (a stand-in)")
        report.delivery_seconds, report.units = delivered.seconds, delivered.units
        report.substitutions = delivered.substitutions
        warnings, rejected = _dry_run(kubectl, delivered.checkout, delivered.paths)
        expected = sorted(f"{r.namespace}/{r.name}" for r in resources if r.kind == "Deployment")
        drill = converge.run(api, namespaces, names, delivered.warnings + warnings, expected)
        for rejection in rejected:
            drill.fail("(apply)", f"rejected by the API server (server-side dry run): {rejection}",
                       "change the object so the API server accepts it")
        for obj, what, events in delivered.problems:
            drill.fail(obj, what, "read the controller's message and events", events)
        report.drills.append(drill)
        if "drain" in options.drills and not drill.findings:
            report.drills.append(drain.run(api, kubectl, namespaces, names))
        if "rollout" in options.drills and not drill.findings:
            report.drills.append(rollout.run(api, kubectl, namespaces, names))
        report.notes.append(_sops_note(resources))
        if provisioner.errors:
            report.notes.append("local-path stand-in: " + "; ".join(sorted(set(provisioner.errors))[:3]))
    report.wall_seconds = time.monotonic() - begin


def _sops_note(resources: list[project.Resource]) -> str:
    sops = [r for r in resources if r.kind == "Secret" and "sops" in r.obj]
    if not sops:
        return "SOPS: no encrypted Secrets in this environment"
    return f"SOPS: {len(sops)} encrypted Secret(s) not rehearsed (no age key given)"


def _deliver_flux(session, tools, plane, kubectl, served, env, options, plans) -> delivery.Delivered:
    namespace = "flux-system"
    server = GitServer(session.root, session.ports.take(), session.supervisor.pgid)
    server.start()
    session.on_close(server.stop)
    head, sub, checkout, branch = delivery.serve_commit(
        served, options.head, session.root / "checkouts", env.name, server.url(repo.REPOSITORY))
    repo.point_branch(served, branch, head)
    started = time.monotonic()
    # README step 1, flux install: the flux-system namespace, the CRDs, the two controllers.
    code, out, _ = kubectl.run("create", "namespace", namespace)
    if code != 0:
        raise ComponentError("bootstrap", f"kubectl create namespace {namespace}: {out}")
    flux.install_crds(kubectl, plane.api, crds.FLUX)
    flux.start_controllers(session, tools, str(plane.kubeconfig), namespace)
    # Step 2: the auth Secret `flux create secret git` makes (keys username, password).
    secret = env.repository_secret
    if secret:
        code, out, _ = kubectl.run("-n", namespace, "create", "secret", "generic", secret,
                                   f"--from-literal=username={server.username}",
                                   f"--from-literal=password={server.password}")
        if code != 0:
            raise ComponentError("bootstrap", f"creating the auth Secret {secret}: {out}")
    # Step 3: the namespace and the declared Secrets; step 4: hand the cluster to git.
    delivery.create_bootstrap_secrets(kubectl, plans)
    warnings = delivery.apply_cluster_dir(kubectl, checkout, env.name)
    state = delivery.wait_flux(plane.api, session, namespace, head, started)
    result = delivery.Delivered(checkout=checkout, commit=head, seconds=time.monotonic() - started)
    result.units = sorted(((u.name, u.ready_after) for u in state.units.values()),
                          key=lambda u: (u[1] is None, u[1] or 0))
    result.problems = delivery.unit_problems(plane.api, state, namespace)
    result.warnings = warnings
    result.paths = delivery.unit_paths(checkout, env.name)
    result.substitutions = [
        f"{sub.file}: {sub.field} {sub.old} -> {sub.new} (commit {head[:12]} on top of {options.head[:12]})",
        f"Secret {namespace}/{secret}: username/password of the loopback git server" if secret else
        "no repository Secret (config names none)",
    ]
    if not server.requests:
        result.problems.append(("GitRepository", "source-controller never fetched from the loopback server", []))
    return result


def failure_of(err: Exception) -> Failure:
    if isinstance(err, ComponentError):
        return Failure(err.component, err.what, err.log_tail)
    return Failure("rehearsal", f"{type(err).__name__}: {err}" if not isinstance(err, repo.RepoError) else str(err))
