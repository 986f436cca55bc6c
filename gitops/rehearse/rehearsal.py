"""One environment's rehearsal, start to end: stage up, deliver, drill, tear down.

Without --base: deliver the head, then converge, drain, rollout (forced restart), prune (a drill
commit) and lose-node. With --base: deliver the base, roll to the head (the rollout drill), then
converge (of the head), prune (what the change removed), drain and lose-node. The report lists
the drills in one order either way.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

from gitops.k8s import manifests, prerequisites
from gitops.layout import DIST, environment_dirs
from gitops.rehearse import bootstrap, cluster, repo, sops
from gitops.rehearse import stage as stages
from gitops.rehearse.argocd import ArgoStandIn
from gitops.rehearse.delivery import Delivered
from gitops.rehearse.drills import converge, drain, lose_node, prune, rollout
from gitops.rehearse.engine import Engine
from gitops.rehearse.environment import Environment
from gitops.rehearse.findings import DrillResult, EnvReport, Failure
from gitops.rehearse.fluxengine import FluxEngine
from gitops.rehearse.kube import Kubectl
from gitops.rehearse.procs import ComponentError
from gitops.rehearse.session import Session
from gitops.rehearse.tools import Tools

ORDER = ("converge", "drain", "rollout", "prune", "lose-node")


@dataclass(frozen=True)
class Options:
    repo: Path
    head: str
    base: str | None
    drills: tuple[str, ...]
    age_key: Path | None = None


def _dry_run(kubectl: Kubectl, checkout: Path, paths: list[str]) -> tuple[list[str], list[str]]:
    """(warnings, rejections) for every object of the units: a server-side dry run of each path.
    SOPS files are left out: the engine applies them decrypted, without their sops metadata."""
    import json

    warnings, rejected = [], []
    for path in paths:
        objects = [r.obj for r in manifests.load([checkout / path]) if not (r.kind == "Secret" and "sops" in r.obj)]
        code, out, found = kubectl.run(
            "apply",
            "--server-side",
            "--dry-run=server",
            "--force-conflicts",
            "--field-manager=rehearsal-dry-run",
            "-f",
            "-",
            input="".join(json.dumps(o) + "\n" for o in objects).encode(),
        )
        if code != 0:
            errors = [line for line in out.splitlines() if line.strip() and "(server dry run)" not in line]
            rejected.append(f"{path}: " + " ".join(line.strip() for line in errors))
        warnings += [f"{path}: {w}" for w in found]
    return warnings, rejected


def _usable_base(served: Path, base: str, env: str, report: EnvReport) -> bool:
    if all(repo.files(served, base, f"{DIST}/{d}") for d in environment_dirs(env)):
        return True
    report.notes.append(f"base {base[:12]} has no dist/{env}/ to converge: rehearsed the head alone")
    return False


def before_merge(stage: stages.Stage, plan: sops.SopsPlan) -> list[prerequisites.Needed]:
    """What `main.py diff` would tell the operator to create, for what the engine delivers here: a SOPS file left
    out of the served commit (no --age-key) is the bootstrap's to create, with placeholders."""
    left_out = set(plan.left_out())
    delivered = [r for r in stage.resources if str(r.path.relative_to(stage.plain)) not in left_out]
    return prerequisites.needed(delivered, stage.declared)


def _engine(
    session: Session,
    tools: Tools,
    stage: stages.Stage,
    env: Environment,
    plan: sops.SopsPlan,
    needed: list[prerequisites.Needed],
) -> Engine:
    """The environment's engine, told to stop waiting once a pod stays unschedulable."""
    plans = bootstrap.secret_plans(needed, stage.resources)

    def stalled() -> str | None:
        return cluster.stuck(stage.api, stage.namespaces)

    if env.engine == "flux":
        return FluxEngine(session, tools, stage.plane, stage.kubectl, stage.served, env, plans, plan, stalled)
    return ArgoStandIn(session, stage.kubectl, stage.api, stage.served, env, plans, stalled)


def rehearse(env: Environment, tools: Tools, options: Options, report: EnvReport) -> None:
    """Fill report; raises ComponentError/RepoError when the rehearsal cannot run."""
    begin = time.monotonic()
    with Session() as session:
        stage = stages.build(session, tools, options, env)
        report.control_plane_seconds = stage.plane.started_seconds
        report.nodes = stages.describe_nodes(stage.cluster)
        plan = sops.plan(stage.resources, stage.plain, options.age_key)
        needed = before_merge(stage, plan)
        engine = _engine(session, tools, stage, env, plan, needed)
        base = options.base if options.base and _usable_base(stage.served, options.base, env.name, report) else None
        drills = report.drills  # filled as each drill finishes, so a run that stops keeps what it found
        if base:
            first = engine.deliver(base)
            if first.problems:
                report.notes.append(f"base {base[:12]} did not converge: " + "; ".join(w for _, w, _ in first.problems))
            moved, delivered = rollout.run_move(
                stage.api, stage.namespaces, stage.nodes, lambda: engine.sync(engine.serve(options.head))
            )
            drills.append(moved)
            delivered.substitutions = first.substitutions + [
                s for s in engine.substitutions if s not in first.substitutions
            ]
        else:
            delivered = engine.deliver(options.head)
        report.delivery_seconds, report.units = delivered.seconds, delivered.units
        report.substitutions, report.engine_label = delivered.substitutions, engine.label
        report.notes += engine.notes
        drills.insert(0, _converge(stage, delivered, needed))
        if not drills[0].findings:
            drills += _disturb(stage, engine, options, env, delivered, base)
        drills.sort(key=lambda d: ORDER.index(d.name))
        _sops(stage, plan, report)
        report.notes += [
            f"stand-in for what k3s's helm-controller would run: {s} (the chart values' requests)"
            for s in stage.stand_ins
        ]
        if engine.kept:
            report.notes.append("left by Prune=false: " + ", ".join(sorted(set(engine.kept))))
        if stage.provisioner.errors:
            report.notes.append("local-path stand-in: " + "; ".join(sorted(set(stage.provisioner.errors))[:3]))
    report.wall_seconds = time.monotonic() - begin


def _converge(stage: stages.Stage, delivered: Delivered, needed: list[prerequisites.Needed]) -> DrillResult:
    warnings, rejected = _dry_run(stage.kubectl, delivered.checkout, delivered.paths)
    expected = sorted(f"{r.namespace}/{r.name}" for r in stage.resources if r.kind == "Deployment")
    # When the delivery already failed, what is missing will not come: look, do not wait.
    timeout = converge.AVAILABLE_TIMEOUT if not delivered.problems else 5.0
    drill = converge.run(
        stage.api,
        stage.namespaces,
        stage.nodes,
        delivered.warnings + warnings,
        expected,
        timeout,
        converge.listed(needed),
    )
    for rejection in rejected:
        drill.fail(
            "(apply)",
            f"rejected by the API server (server-side dry run): {rejection}",
            "change the object so the API server accepts it",
        )
    for obj, what, events in delivered.problems:
        drill.fail(obj, what, "read the controller's message and events", events)
    return drill


def _disturb(
    stage: stages.Stage, engine: Engine, options: Options, env: Environment, delivered: Delivered, base: str | None
) -> list[DrillResult]:
    """The drills that disturb a converged cluster, each leaving it converged again."""
    found = []
    wanted = set(options.drills)
    if "prune" in wanted:
        found.append(_prune(stage, engine, env, delivered, base))
    if "drain" in wanted:
        found.append(drain.run(stage.api, stage.kubectl, stage.namespaces, stage.nodes))
    if "rollout" in wanted and not base:
        found.append(rollout.run(stage.api, stage.kubectl, stage.namespaces, stage.nodes))
    if "lose-node" in wanted:
        found.append(lose_node.run(stage.api, stage.namespaces, stage.cluster, stage.resources))
    return found


def _prune(
    stage: stages.Stage, engine: Engine, env: Environment, delivered: Delivered, base: str | None
) -> DrillResult:
    if base:
        old = repo.checkout(stage.served, base, stage.served.parent / "checkouts" / f"prune-base-{base[:12]}")
        dirs = [f"{DIST}/{d}" for d in environment_dirs(env.name)]
        before = manifests.load([old / d for d in dirs])
        after = manifests.load([stage.plain / d for d in dirs])
        gone = prune.removed(env.engine, before, after, old, stage.plain)
        if gone:
            return prune.run_removed(stage.api, gone)
    items = prune.drill_targets(env.engine, stage.resources, stage.plain)
    return prune.run_drill_commit(stage.api, engine, delivered.commit, items)


def _sops(stage: stages.Stage, plan: sops.SopsPlan, report: EnvReport) -> None:
    facts: list[str] = []
    if plan.rehearsed:
        problems, facts = sops.verify(stage.api, plan)
        converged = next((d for d in report.drills if d.name == "converge"), None)
        for problem in problems:
            if converged is not None:
                converged.fail(problem.split(":")[0], problem, "read kustomize-controller's decryption error")
    report.notes.append(sops.note(plan, facts))


def failure_of(err: Exception) -> Failure:
    if isinstance(err, ComponentError):
        return Failure(err.component, err.what, err.log_tail)
    return Failure("rehearsal", f"{type(err).__name__}: {err}" if not isinstance(err, repo.RepoError) else str(err))
