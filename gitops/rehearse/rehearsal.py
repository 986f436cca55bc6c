"""One environment's rehearsal, start to end: stage up, deliver, drill, tear down.

Without --base: deliver the head, then converge, drain, rollout (forced restart), prune (a drill
commit) and lose-node. With --base: deliver the base, roll to the head (the rollout drill), then
converge (of the head), prune (what the change removed), drain and lose-node. The report lists
the drills in one order either way.
"""

from __future__ import annotations

import functools
import time
from dataclasses import dataclass
from pathlib import Path

from gitops.k8s import manifests, prerequisites
from gitops.layout import DIST, environment_dirs
from gitops.rehearse import bootstrap, cluster, poll, repo, sops
from gitops.rehearse import stage as stages
from gitops.rehearse.argocd import ArgoEngine
from gitops.rehearse.delivery import Delivered
from gitops.rehearse.drills import converge, drain, lose_node, prune, rollout
from gitops.rehearse.drills.freshness import ConfigMapKey, changed_config_maps
from gitops.rehearse.engine import Engine
from gitops.rehearse.environment import Environment
from gitops.rehearse.findings import DrillResult, EnvReport, Failure
from gitops.rehearse.fluxengine import FluxEngine
from gitops.rehearse.kube import Api, Kubectl
from gitops.rehearse.procs import ComponentError
from gitops.rehearse.session import Session
from gitops.rehearse.tools import Tools

ORDER = ("converge", "drain", "rollout", "prune", "lose-node")
ADOPT_ORDER = ("adopt", "drain")


@dataclass(frozen=True)
class Options:
    repo: Path
    head: str
    base: str | None
    drills: tuple[str, ...]
    age_key: Path | None = None
    skip_steps: tuple[str, ...] = ()  # steps of an adopt plan left out (tests show what each one prevents)


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
    return ArgoEngine(session, tools, stage.plane, stage.kubectl, stage.served, env, plans, stalled)


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
                stage.api,
                stage.namespaces,
                stage.nodes,
                lambda: engine.sync(engine.serve(options.head)),
                _changed_config_maps(stage, base, env),
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
        report.notes += stage.charts
        report.notes += [f"stand-in for {s}" for s in stage.ingress_status.describe()]
        if engine.kept:
            report.notes.append("left by Prune=false: " + ", ".join(sorted(set(engine.kept))))
        if stage.provisioner.errors:
            report.notes.append("local-path stand-in: " + "; ".join(sorted(set(stage.provisioner.errors))[:3]))
    report.wall_seconds = time.monotonic() - begin


def _changed_config_maps(stage: stages.Stage, base: str, env: Environment) -> dict[ConfigMapKey, dict]:
    """The ConfigMaps of the environment whose data the change from base modifies, with the head's data."""
    old = repo.checkout(stage.served, base, stage.served.parent / "checkouts" / f"base-{base[:12]}")
    return changed_config_maps(manifests.load([old / DIST / env.name]), stage.resources)


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
    _edge_placed(stage, drill, timeout)
    for rejection in rejected:
        drill.fail(
            "(apply)",
            f"rejected by the API server (server-side dry run): {rejection}",
            "change the object so the API server accepts it",
        )
    for obj, what, events in delivered.problems:
        drill.fail(obj, what, delivered.fixes.get(obj, "read the controller's message and events"), events)
    return drill


def _edge_placed(stage: stages.Stage, drill: DrillResult, timeout: float) -> None:
    """The rendered Traefik DaemonSets: one Ready pod on every node, placed by the scheduler with the chart's
    host ports, requests and priority class."""
    every = (len(stage.nodes), len(stage.nodes))
    for daemonset in stage.chart_daemonsets:
        path = f"/apis/apps/v1/namespaces/{daemonset.namespace}/daemonsets/{daemonset.name}"
        poll.until(functools.partial(_everywhere, stage.api, path, every), timeout, 0.5)
        ready, desired = _ready_scheduled(stage.api, path)
        if ready == desired == len(stage.nodes):
            drill.fact(f"{daemonset}: {ready}/{len(stage.nodes)} pods Ready, one on every node")
        else:
            drill.fail(
                str(daemonset),
                f"{ready} of {len(stage.nodes)} nodes run a Ready pod of the rendered chart ({desired} scheduled)",
                "read the pods' events: a host port, the requests or the priority class keep them off a node",
            )


def _everywhere(api: Api, path: str, every: tuple[int, int]) -> bool:
    return _ready_scheduled(api, path) == every


def _ready_scheduled(api: Api, path: str) -> tuple[int, int]:
    """A DaemonSet's Ready and scheduled pod counts, from its status."""
    status = (api.find(path) or {}).get("status") or {}
    return int(status.get("numberReady") or 0), int(status.get("desiredNumberScheduled") or 0)


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


def rehearse_adopt(env: Environment, tools: Tools, options: Options, report: EnvReport, live_path: Path) -> None:
    """The cutover from live_path's objects, as `main.py adopt` plans it for the commit under test; fills report."""
    from gitops.adopt import planner, source
    from gitops.adopt import steps as planned
    from gitops.rehearse.drills import adopt

    begin = time.monotonic()
    with Session() as session:
        stage = stages.build(session, tools, options, env)
        report.control_plane_seconds = stage.plane.started_seconds
        report.nodes = stages.describe_nodes(stage.cluster)
        plan = planner.plan_for(live_path, stage.plain / DIST, env.name, f"config/{env.name}.yaml")
        from gitops.adopt.ours import load as load_ours

        live_set = source.read(live_path, plan.namespace, load_ours(stage.plain / DIST, env.name).keys)
        sops_plan = sops.plan(stage.resources, stage.plain, options.age_key)
        needed = before_merge(stage, sops_plan)
        engine = _engine(session, tools, stage, env, sops_plan, needed)
        drill = DrillResult(adopt.NAME)
        report.drills.append(drill)
        started = time.monotonic()
        live = adopt.create_live(stage.api, stage.kubectl, stage.provisioner, plan, live_set, live_path, drill)
        report.notes += live.notes
        if drill.findings:
            report.wall_seconds = time.monotonic() - begin
            return
        refused = any(p.kind == "unit-refused" for p in plan.predictions)
        seen = adopt.Takeover()
        made = {f"{n.kind} {n.namespace}/{n.name}" for n in needed}  # the bootstrap's, not the operator's
        kinds = {o.kind for o in live_set.objects} | {"Secret"}
        sampler = adopt.TakeoverSampler(stage.api, [plan.namespace])
        seen.sampler = sampler
        with sampler:
            for step in plan.steps:
                if step.phase == "before" and step.id not in options.skip_steps:
                    for command in step.commands:
                        adopt.run_command(command, stage.kubectl, stage.provisioner, drill, step)
            seen.delivered = engine.deliver(options.head)
            recreated = [p.value for p in plan.predictions if p.kind == "recreated" and isinstance(p.value, int)]
            if recreated:  # force: the first attempt fails after deleting; the next one, retryInterval later, creates
                seen.delivered = adopt.wait_units(stage.api, seen.delivered, 3 * max(recreated) + 120)
            if not refused:
                converge.wait_available(stage.api, [plan.namespace], converge.AVAILABLE_TIMEOUT)
            seen.orphans = [o for o in adopt.unowned(stage.api, plan.namespace, kinds) if o not in made]
            seen.writers = adopt.second_writers(stage.api)
            seen.volumes_after = adopt.volumes(stage.api, plan.namespace)
            for prediction in plan.predictions:
                if prediction.kind == "removed" and isinstance(prediction.value, dict):
                    version = str(prediction.value.get("apiVersion"))
                    seen.after[prediction.subject] = adopt.fetch(stage.api, prediction.subject, version)
            if not refused:
                for step in plan.steps:
                    if step.phase == "after" and step.id not in options.skip_steps:
                        if step.id == planned.VERIFY:
                            adopt.settle_budgets(stage.api, plan.namespace)
                            seen.stale = adopt.stale_budgets(stage.api, plan.namespace)
                            seen.multiple = adopt.multiple_budget_events(stage.api, plan.namespace)
                        for command in step.commands:
                            adopt.run_command(command, stage.kubectl, stage.provisioner, drill, step)
                converge.wait_available(stage.api, [plan.namespace], converge.AVAILABLE_TIMEOUT)
        for prediction in plan.predictions:  # after sampling: it starts a Job
            if prediction.kind == "job-refused":
                seen.jobs[prediction.subject] = adopt.job_refused(stage.api, prediction.subject)
        stop = [p.subject for p in plan.predictions if p.kind == "not-replaced"]
        if stop:  # after sampling: it stops pods on purpose
            seen.not_replaced = adopt.not_replaced(stage.api, stop)
        delivered = seen.delivered
        report.delivery_seconds, report.units = delivered.seconds, delivered.units
        report.substitutions, report.engine_label = delivered.substitutions, engine.label
        seen.skipped = options.skip_steps
        adopt.compare(plan, live, seen, drill)
        adopt.compare_budgets(seen, drill)
        for item in plan.blocking:
            lines = ", ".join(f"{c.file} {c.key}" for c in item.config)
            fix = f"config: {lines}" if lines else "the plan's config lines for the items above take it away too"
            drill.fail(item.object, f"blocking, as the plan says: {item.what}", fix)
        drill.seconds = time.monotonic() - started
        steps_run = [
            s.id
            for s in plan.steps
            if (s.phase != "sync" or s.id == planned.FIRST_SYNC) and s.id not in options.skip_steps
        ]
        if options.skip_steps:
            report.notes.append(f"left out on purpose: the plan's steps {', '.join(options.skip_steps)}")
        drill.summary = (
            f"took over from {live_path} following the plan's steps ({', '.join(steps_run)})"
            if not refused
            else f"the first sync was refused, as the plan says ({len(plan.blocking)} blocking item(s))"
        )
        if not refused and "drain" in options.drills:
            report.drills.append(drain.run(stage.api, stage.kubectl, [plan.namespace], stage.nodes))
        if stage.provisioner.errors:
            report.notes.append("local-path stand-in: " + "; ".join(sorted(set(stage.provisioner.errors))[:3]))
    report.wall_seconds = time.monotonic() - begin
