"""Drill 4, prune: what git no longer holds is deleted, except what is protected from pruning.

With --base, the objects the change removes must be gone once the head is applied, and the
prune-protected ones among them (the namespace, PVCs: their data) must still be there. When the
change removes nothing (or without --base), the drill makes its own commit on the served branch:
it removes the files of the namespace, of every PVC, and of one unprotected object of the same
unit, lets the engine apply it, checks that the protected objects survive and the other one is
gone, then commits the tree back (what a revert does) and checks that the object returns.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from gitops.annotations import ARGO_CD, FLUX, prune_protected_by
from gitops.k8s import rest
from gitops.rehearse import poll
from gitops.rehearse.delivery import Delivered
from gitops.rehearse.engine import Engine
from gitops.rehearse.findings import DrillResult
from gitops.rehearse.kube import Api

NAME = "prune"
# The engine of an environment (config's delivery.engine) by the name gitops/annotations.py gives it.
ENGINES = {"flux": FLUX, "argocd": ARGO_CD}
# Kinds whose absence stops no pod from running, so that the drill disturbs nothing it does not check.
HARMLESS = ("NetworkPolicy", "PodDisruptionBudget", "Ingress")
GONE_TIMEOUT = 60.0


@dataclass(frozen=True)
class Target:
    kind: str
    api_version: str
    namespace: str
    name: str
    path: str  # repository-relative file
    protected: bool

    @property
    def ref(self) -> str:
        return f"{self.kind} {self.namespace + '/' if self.namespace else ''}{self.name}"


def protected(engine: str, obj: dict) -> bool:
    """Whether the environment's engine leaves obj in the cluster when it leaves git."""
    return ENGINES[engine] in prune_protected_by(obj)


def target(engine: str, resource, checkout) -> Target:
    obj = resource.obj
    return Target(
        resource.kind,
        obj.get("apiVersion", ""),
        resource.namespace or "",
        resource.name,
        str(resource.path.relative_to(checkout)),
        protected(engine, obj),
    )


def removed(engine: str, before: list, after: list, before_checkout, after_checkout) -> list[Target]:
    """Objects in before that after no longer holds."""
    kept = {(r.kind, r.namespace, r.name) for r in after}
    return sorted(
        (target(engine, r, before_checkout) for r in before if (r.kind, r.namespace, r.name) not in kept),
        key=lambda t: t.path,
    )


def drill_targets(engine: str, resources: list, checkout) -> list[Target]:
    """The namespace and PVC files (protected) and one harmless unprotected object of their unit."""
    chosen = [
        target(engine, r, checkout)
        for r in resources
        if r.kind in ("Namespace", "PersistentVolumeClaim") and protected(engine, r.obj)
    ]
    units = {t.path.rsplit("/", 1)[0] for t in chosen}
    for kind in HARMLESS:
        spare = sorted(
            (
                target(engine, r, checkout)
                for r in resources
                if r.kind == kind
                and not protected(engine, r.obj)
                and str(r.path.relative_to(checkout)).rsplit("/", 1)[0] in units
            ),
            key=lambda t: t.path,
        )
        if spare:
            return sorted(chosen, key=lambda t: t.path) + spare[:1]
    return sorted(chosen, key=lambda t: t.path)


def api_path(item: Target) -> str:
    return rest.path(item.api_version, item.kind, item.namespace, item.name)


def state(api: Api, item: Target) -> str:
    """'present', 'terminating' or 'gone'."""
    live = api.find(api_path(item))
    if live is None:
        return "gone"
    return "terminating" if live["metadata"].get("deletionTimestamp") else "present"


def _settled(api: Api, item: Target, started: float, timeout: float) -> str:
    """The item's state once an unprotected one is no longer present, or once the drill's time is up."""
    seen = [state(api, item)]
    if item.protected or seen[0] != "present":
        return seen[0]

    def left() -> bool:
        seen[0] = state(api, item)
        return seen[0] != "present"

    poll.until(left, timeout, started=started)
    return seen[0]


def judge(result: DrillResult, api: Api, items: list[Target], why: str, timeout: float = GONE_TIMEOUT) -> None:
    """After the engine applied a commit without items: protected ones present, the rest gone."""
    started = time.monotonic()
    for item in items:
        now = _settled(api, item, started, timeout)
        if item.protected and now != "present":
            result.fail(
                item.ref,
                f"{now} after {why}, though it is protected from pruning",
                "keep the prune-protection annotation on it (charts set it on namespaces and PVCs)",
            )
        elif item.protected:
            result.fact(f"{item.ref} kept after {why} (protected from pruning)")
        elif now == "present":
            result.fail(
                item.ref,
                f"still present {timeout:.0f} s after {why}",
                "the engine must prune what git no longer holds: prune: true on the unit",
            )
        else:
            result.fact(f"{item.ref} pruned after {why}")


def summary(items: list[Target]) -> str:
    pruned = [i for i in items if not i.protected]
    kept = [i.kind for i in items if i.protected]
    parts = [f"pruned {len(pruned)} removed object{'' if len(pruned) == 1 else 's'}"]
    if kept:
        parts.append("kept " + " and ".join(sorted(set(kept), key=kept.index)))
    return ", ".join(parts)


def _delivery_problems(result: DrillResult, delivered: Delivered) -> None:
    for obj, what, events in delivered.problems:
        result.fail(obj, what, delivered.fixes.get(obj, "read the controller's message and events"), events)


def run_removed(api: Api, items: list[Target]) -> DrillResult:
    """--base: the head is applied; judge what the change removed."""
    result = DrillResult(NAME)
    started = time.monotonic()
    judge(result, api, items, "the change removed it")
    result.seconds = time.monotonic() - started
    result.summary = summary(items)
    return result


def run_drill_commit(api: Api, engine: Engine, served: str, items: list[Target]) -> DrillResult:
    """Remove the items' files in a commit on top of served, apply, judge, commit the tree back, apply."""
    result = DrillResult(NAME)
    started = time.monotonic()
    files = "".join(f"{item.path}: removed\n" for item in items)
    commit = engine.derive(served, [item.path for item in items], f"rehearsal: prune drill\n\n{files}")
    _delivery_problems(result, engine.sync(commit))
    judge(result, api, items, "a commit removed its file")
    back = engine.restore(served, commit, "rehearsal: restore what the prune drill removed\n")
    _delivery_problems(result, engine.sync(back))
    for item in items:
        if not item.protected and state(api, item) != "present":
            result.fail(item.ref, "not recreated once its file was back", "read the engine's events")
    result.seconds = time.monotonic() - started
    result.summary = summary(items) + " (drill commit, then restored)"
    result.fact(
        f"drill commit {commit[:12]} removed {', '.join(i.path for i in items)}; commit {back[:12]} put them back"
    )
    return result
