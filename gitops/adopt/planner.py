"""The cutover plan from the live objects and the environment's dist/: each rule is Kubernetes' or Flux's
(gitops/k8s), and each was shown on the rehearsal's real control plane (`main.py rehearse --adopt`
holds the cluster to the plan's predictions; tests/e2e/rehearse_adopt.py shows each consequence).

The plan assumes the bootstrap of docs/operations.md: Flux's units as dist/clusters/<env>/ declares
them, applied once by hand; the live objects made with `kubectl apply` (what a hand-written directory
is for), unless an export says otherwise.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from gitops.adopt import steps as stepmod
from gitops.adopt.model import (
    ADOPTED,
    CONFLICTING,
    CREATED,
    DATA,
    ORPHANED,
    REPLACED,
    ConfigLine,
    Item,
    Plan,
    Prediction,
)
from gitops.adopt.ours import Ours, Unit
from gitops.adopt.source import LiveObject, LiveSet
from gitops.k8s import budgets, immutable, live, networkpolicies, ownership, podsecurity, references, rollout, selectors
from gitops.k8s.manifests import Fields, Resource
from gitops.k8s.placement import pinned_node, volume_node
from gitops.k8s.quantities import QuantityError, format_memory, memory_bytes
from gitops.k8s.workloads import claims, dig, mapping, pod_labels, pod_spec, replicas, sequence
from gitops.layout import APPS

WORKLOAD_KINDS = ("Deployment", "StatefulSet", "DaemonSet")
SHOWN_CHANGES = 12


@dataclass
class Context:
    live: LiveSet
    ours: Ours
    config_file: str  # config/<env>.yaml, where keepLive lines go
    plan: Plan
    blocked: set[str] = field(default_factory=set)  # units a refusal keeps from being applied
    unadmitted: set[str] = field(default_factory=set)  # workloads whose running pods our policies stop admitting
    index: dict[tuple[str, str, str], Resource] = field(default_factory=dict)
    refusing: set[str] = field(default_factory=set)  # units an unforced refusal stops

    def is_blocked(self, resource: Resource) -> bool:
        unit = self.ours.unit(resource)
        return unit is not None and unit.name in self.blocked

    # The live workloads of the namespace and their pods' labels (the old pods during the takeover).
    def live_workloads(self) -> list[LiveObject]:
        return [o for o in self.live.objects if o.kind in WORKLOAD_KINDS and o.namespace == self.ours.namespace]

    def ours_for(self, obj: LiveObject) -> Resource | None:
        """Ours with the same kind, namespace and name (the group may be written differently: apps, extensions)."""
        if not self.index:
            self.index.update({(r.kind, r.namespace, r.name): r for r in self.ours.resources})
        return self.index.get((obj.kind, obj.namespace, obj.name))


def _short(value: object, width: int = 70) -> str:
    if value is _MISSING:
        return "(none)"
    text = value if isinstance(value, str) else _json(value)
    text = " ".join(str(text).split())
    return text if len(text) <= width else text[: width - 1] + "…"


def _json(value: object) -> str:
    import json

    return json.dumps(value, sort_keys=True, default=str)


_MISSING = object()


def _fewest(obj: Fields) -> int | None:
    """The fewest Ready while the workload rolls (gitops/k8s/rollout.py), for kinds with a replica count."""
    found = rollout.plan(obj, None)
    return found.fewest_ready if found is not None else None


def _start(obj: Fields) -> int | None:
    """The longest a new pod may take to turn Ready: its slowest container's start window."""
    return rollout.start_seconds(pod_spec(obj))


def _keep_line(
    ctx: Context, service: str, why: str, *, selector: Fields | None = None, claim: str | None = None
) -> ConfigLine:
    value: dict[str, object] = {}
    if selector:
        value["selector"] = dict(selector)
    if claim:
        value["claim"] = claim
    return ConfigLine(ctx.config_file, ("services", service, "keepLive"), value, why)


def _size_line(ctx: Context, service: str, size: str, why: str) -> ConfigLine:
    return ConfigLine(ctx.config_file, ("services", service, "storage", "size"), size, why)


# --- adopted objects: refusals, one-ofs, field changes ------------------------------------------------


def _changes(live_obj: LiveObject, ours: Resource, gone: list[list[object]] | None = None) -> list[str]:
    """The fields the first sync changes, as `field: live -> ours`; fields only the API server filled in
    are not changes, nor are what kubectl never applied and ours does not set (the server keeps them).
    gone, when given, receives the paths of the fields removed (keys, and {field: value} for a list item)."""
    from gitops.review.diff.fields import diff, render_path
    from gitops.review.diff.model import MISSING

    def view(obj: Fields) -> Fields:
        meta = mapping(obj.get("metadata"))
        kept = {k: meta[k] for k in ("labels", "annotations") if k in meta}
        return {
            **{k: v for k, v in obj.items() if k not in ("metadata", "status", "apiVersion", "kind")},
            "metadata": kept,
        }

    from gitops.review.diff.fields import leaves

    applied = view(live_obj.applied or {})
    found = []
    removed: list[str] = []
    changed: list[str] = []
    added: dict[str, list[str]] = {}
    from gitops.review.diff.model import Embedded, FieldChange, Named

    def spelled(change: FieldChange) -> list[FieldChange]:  # a removed list item stays one line
        if change.new is MISSING and change.path and isinstance(change.path[-1], Named):
            return [change]
        return list(leaves(change))

    for change in (leaf for c in diff(view(live_obj.obj), view(ours.obj)) for leaf in spelled(c)):
        if change.old is MISSING and change.new in ({}, []):
            continue
        path = render_path(change.path)
        if change.new is MISSING:
            from gitops.review.diff.fields import get

            plain = [seg for seg in change.path if not isinstance(seg, Embedded)]
            # Inside an embedded document (valuesContent) the whole text is replaced: every removal is one.
            if len(plain) == len(change.path) and get(applied, *plain) is MISSING:
                continue  # filled in by the API server, or by a controller: kept
            removed.append(f"{path}: {_short(change.old)} -> removed")
            if gone is not None and len(plain) == len(change.path):
                gone.append([{seg.field: seg.value} if isinstance(seg, Named) else seg for seg in plain])
        elif change.old is MISSING:
            if live.defaulted(change.path, change.new):
                continue
            parent = change.path[:-1]
            if parent and parent[-1] in ("labels", "annotations"):
                added.setdefault(render_path(parent), []).append(f"{change.path[-1]}={_short(change.new, 40)}")
            else:
                added.setdefault(path, []).append(_short(change.new))
        else:
            changed.append(f"{path}: {_short(change.old)} -> {_short(change.new)}")
    found = removed + changed
    for path, values in added.items():
        found.append(f"{path}: added {', '.join(values)}")
    return found


def _unit_consequence(ctx: Context, unit: Unit | None) -> str:
    if unit is None:
        return "the apply is refused"
    later = ctx.ours.later_units(unit)
    waits = f"; {', '.join(u.name for u in later)} (dependsOn) is never applied" if later else ""
    every = f"{unit.retry_seconds // 60}m" if unit.retry_seconds >= 60 else f"{unit.retry_seconds}s"
    before = [u for u in ctx.ours.units.values() if unit in ctx.ours.later_units(u) and u.name in ctx.refusing]
    if before:
        return (
            f"{unit.name} waits for {before[0].name}, which is refused, so it is never applied; once it is, its "
            f"dry-run fails on this too and it retries every {every}{waits}"
        )
    return f"Flux's {unit.name} fails at its dry-run and retries every {every}, applying nothing of that stage{waits}"


FORCE_ANNOTATION = "kustomize.toolkit.fluxcd.io/force"


def forced(ctx: Context, ours: Resource, refusals: list[immutable.Refusal]) -> bool:
    """Whether Flux deletes and recreates the object over these refusals: force on its unit or on the object."""
    unit = ctx.ours.unit(ours)
    on = (unit is not None and unit.force) or ours.annotations.get(FORCE_ANNOTATION) == "enabled"
    return on and all(r.forced_recreate for r in refusals)


def _refused(ctx: Context, obj: LiveObject, ours: Resource, refusals: list[immutable.Refusal]) -> Item:
    unit = ctx.ours.unit(ours)
    fields = ", ".join(f"{r.field} ({r.message})" for r in refusals)
    item = Item(
        REPLACED,
        str(ours),
        f"refused: {fields}",
        source=obj.where,
        blocking=True,
        rule="gitops/k8s/immutable.py (observed: Flux 1.9.6 and kube-apiserver 1.34)",
    )
    if forced(ctx, ours, refusals):
        retry = unit.retry_seconds if unit else 0
        pods = replicas(ours.obj) or 1
        who = f"all {pods} replicas" if pods > 1 else "its pod"
        item.what = f"replaced (force): {fields}"
        item.details.append(
            f"Force is on: Flux deletes it, fails that attempt (the deleted object's managedFields cleanup), and "
            f"creates it at the next one, {retry} s later: {who} at 0 Ready for at least {retry} s plus start-up "
            "(observed: api 0/3 for 242 s with retryInterval 2m)."
        )
        if ours.kind == "Deployment":
            ctx.plan.predictions.append(Prediction("recreated", str(ours), retry, "force deletes and recreates it"))
        for refusal in refusals:
            item.config += _refusal_lines(ctx, obj, ours, refusal)
        return item
    item.details.append(_unit_consequence(ctx, unit) + ".")
    count = replicas(ours.obj)
    if any(r.forced_recreate for r in refusals):
        if ours.kind == "PersistentVolumeClaim":
            item.details.append(
                "With force (spec.force or kustomize.toolkit.fluxcd.io/force: enabled) Flux would delete the claim "
                "and create it again: a new, empty volume, and the old one deleted with its data (reclaimPolicy "
                "Delete)."
            )
        else:
            retry = unit.retry_seconds if unit else 0
            start = _start(ours.obj)
            window = f"at least {retry} s (the unit's retryInterval)" + (
                f" plus up to {start} s of start-up" if start else ""
            )
            item.details.append(
                f"With force, Flux deletes it and creates it only at the next attempt: "
                f"{'all ' + str(count) + ' replicas' if count and count > 1 else 'its pod'} at 0 Ready for {window} "
                "(observed: the first attempt fails on the deleted object's managedFields cleanup)."
            )
    else:
        item.details.append("Force does not help: the API server forbids it (403), so Flux never recreates it.")
    for refusal in refusals:
        item.config += _refusal_lines(ctx, obj, ours, refusal)
    if not item.config:
        item.details.append("No config line keeps this: rename ours or delete the live object in a planned window.")
    return item


def _service_name(resource: Resource) -> str:
    return str(dig(resource.obj, "metadata", "labels", "app.kubernetes.io/name") or resource.name)


def _refusal_lines(ctx: Context, obj: LiveObject, ours: Resource, refusal: immutable.Refusal) -> list[ConfigLine]:
    service = _service_name(ours)
    if refusal.field == "spec.selector" and ours.kind == "Deployment":
        selector = mapping(dig(obj.obj, "spec", "selector"))
        if set(selector) == {"matchLabels"}:
            count = replicas(ours.obj) or 1
            down = "both replicas" if count == 2 else f"all {count} replicas" if count > 1 else "its pod"
            why = (
                f"the running Deployment selects {selectors.format_labels(selector['matchLabels'])} and spec.selector "
                f"is immutable: replacing it takes {down} down. Its Service, budget and network policies then "
                "select the running pods too, so nothing loses traffic or protection while they roll"
            )
            return [_keep_line(ctx, service, why, selector=selector["matchLabels"])]
    if refusal.field == "spec.resources.requests.storage":
        size = dig(obj.obj, "spec", "resources", "requests", "storage")
        try:
            whole = memory_bytes(size) % 2**30 == 0
        except QuantityError:
            whole = False
        if whole:
            why = f"the live claim {obj.name} is {size}; local-path cannot resize a bound claim"
            return [_size_line(ctx, service, format_memory(memory_bytes(size)), why)]
    return []


def _adopted(ctx: Context, obj: LiveObject, ours: Resource) -> Item:
    changes = _changes(obj, ours)
    what = "adopted in place" + (f": {len(changes)} field(s) change" if changes else ", nothing changes")
    item = Item(ADOPTED, str(ours), what, source=obj.where, rule="gitops/k8s/ownership.py")
    if obj.writer in ("kubectl apply", ""):
        item.steps.append(stepmod.HANDOVER)
    one_ofs = ownership.one_of_conflicts(obj.obj, ours.obj, obj.applied)
    for one in one_ofs:
        step = stepmod.HANDOVER if one.applied else stepmod.DEFAULTS
        if step not in item.steps:
            item.steps.append(step)
        item.details.append(
            f"{one.field}: live {one.live}, ours {one.ours}: without step '{step}', Flux's dry-run keeps both and "
            f"fails at every retry ({one.message})"
        )
    item.details += changes[:SHOWN_CHANGES]
    if len(changes) > SHOWN_CHANGES:
        item.details.append(f"... and {len(changes) - SHOWN_CHANGES} more")
    return item


# --- the rules --------------------------------------------------------------------------------------------


def _live_pods(ctx: Context) -> list[tuple[LiveObject, Fields]]:
    return [(w, pod_labels(w.obj)) for w in ctx.live_workloads()]


def _service_gap(ctx: Context, obj: LiveObject, ours: Resource) -> Item | None:
    """A Service whose selector switches to labels no old pod carries: no endpoints until a new pod is Ready."""
    live_selector, ours_selector = dig(obj.obj, "spec", "selector"), dig(ours.obj, "spec", "selector")
    served = [(w, labels) for w, labels in _live_pods(ctx) if selectors.service_selects(live_selector, labels)]
    if not served or any(selectors.service_selects(ours_selector, labels) for _, labels in served):
        return None
    workload, labels = served[0]
    ours_workload = ctx.ours.find(workload.kind, workload.namespace, workload.name)
    count = replicas(workload.obj) or 1
    start = _start(ours_workload.obj) if ours_workload else None
    item = Item(
        CONFLICTING,
        str(ours),
        f"selector switches to {selectors.format_labels(mapping(ours_selector))}, which no running pod carries: "
        f"0 endpoints from the apply until the first new pod is Ready" + (f" (up to {start} s)" if start else ""),
        source=obj.where,
        blocking=count > 1,
        rule="gitops/k8s/selectors.py (observed: endpoints at 0 while the first new pods started)",
    )
    item.details.append(
        f"the running pods of {workload} carry only {selectors.format_labels(labels)}"
        + (f"; {count} replicas serve it today" if count > 1 else "")
    )
    live_deployment_selector = mapping(dig(workload.obj, "spec", "selector")).get("matchLabels")
    if isinstance(live_deployment_selector, dict) and selectors.service_selects(live_selector, labels):
        why = (
            f"the Service selects the running pods by {selectors.format_labels(mapping(live_selector))}; "
            "ours would select none of them until new pods are Ready"
        )
        item.config.append(_keep_line(ctx, workload.name, why, selector=live_deployment_selector))
    if not ctx.is_blocked(ours):
        ctx.plan.predictions.append(Prediction("endpoints", str(ours), 0, "the selector switch leaves no endpoint"))
    else:
        item.details.append("(not while its unit is refused: nothing of it is applied)")
    return item


def _endpoints(ctx: Context, obj: LiveObject, ours: Resource) -> Prediction:
    """Old and new pods both selected: the Service keeps endpoints while its workload rolls, unless the workload
    stops its old pods first (Recreate), when it has none until the new pod is Ready."""
    served = [w for w, labels in _live_pods(ctx) if selectors.service_selects(dig(obj.obj, "spec", "selector"), labels)]
    for workload in served:
        theirs = ctx.ours.find(workload.kind, workload.namespace, workload.name)
        if theirs is not None and _fewest(theirs.obj) == 0:
            return Prediction("endpoints", str(ours), 0, f"{workload.name} stops its old pod before the new one starts")
    return Prediction("endpoints", str(ours), 1, "old and new pods both selected")


def _budgets(ctx: Context, obj: LiveObject) -> Item:
    """A live budget ours does not have: two budgets on our pods block every eviction, else an orphan."""
    ours_budgets = [r.obj for r in ctx.ours.of_kind("PodDisruptionBudget")]
    covered = [
        r
        for r, labels in ctx.ours.pod_labels()
        if r.namespace == obj.namespace and selectors.selects(dig(obj.obj, "spec", "selector"), labels)
    ]
    doubled = [
        r for r in covered if not budgets.evictable_alone(pod_labels(r.obj), r.namespace, [*ours_budgets, obj.obj])
    ]
    if doubled:
        shown = ", ".join(r.name for r in doubled)
        item = Item(
            CONFLICTING,
            str(obj),
            f"would be a second budget over the pods of {shown} once ours exists: the eviction API refuses every "
            f"eviction of them (HTTP {budgets.MULTIPLE_BUDGETS_STATUS}) and kubectl drain gives up; delete it just "
            "before the first sync (step 'budgets')",
            source=obj.where,
            steps=[stepmod.BUDGETS],
            rule="gitops/k8s/budgets.py (observed: HTTP 500 and every drain failed; a stale budget after the fact)",
        )
        item.details.append(f"verbatim: {budgets.MULTIPLE_BUDGETS}")
        item.details.append(
            "not after ours exists: while two budgets select a pod, the disruption controller recounts only one of "
            "them per pod event, so deleting the old one then leaves ours stale at 0 allowed disruptions and drains "
            "hang until a pod changes"
        )
        item.details.append(
            "between its deletion and honeydue-apps applying ours, the old pods have no budget: drain nothing then "
            "(the Namespace's Pod Security says the same)"
        )
        if any(ctx.is_blocked(r) for r in doubled):
            item.details.append("(while the sync is refused ours never exists: keep the old budget until it is fixed)")
        return item
    return _orphan(ctx, obj, "selects none of our pods once they replaced the old ones: deleting it changes nothing")


def _rules(ingress: Fields) -> set[tuple[str, str]]:
    found = set()
    for rule in sequence(dig(ingress, "spec", "rules")):
        host = str(mapping(rule).get("host") or "*")
        for path in sequence(dig(rule, "http", "paths")):
            found.add((host, str(mapping(path).get("path") or "/")))
    return found


def _backends(ingress: Fields) -> dict[tuple[str, str], str]:
    found = {}
    for rule in sequence(dig(ingress, "spec", "rules")):
        host = str(mapping(rule).get("host") or "*")
        for path in sequence(dig(rule, "http", "paths")):
            service = mapping(dig(path, "backend", "service"))
            port = mapping(service.get("port"))
            found[(host, str(mapping(path).get("path") or "/"))] = (
                f"{service.get('name')}:{port.get('number') or port.get('name')}"
            )
    return found


def _ingress(ctx: Context, obj: LiveObject) -> Item:
    mine = [r for r in ctx.ours.of_kind("Ingress") if r.namespace == obj.namespace]
    overlaps = [(r, _rules(r.obj) & _rules(obj.obj)) for r in mine]
    overlaps = [(r, shared) for r, shared in overlaps if shared]
    if not overlaps:
        return _orphan(ctx, obj, "routes hosts none of ours serves: deleting it stops that routing")
    live_backends = _backends(obj.obj)
    differ = []
    shown = []
    for r, shared in overlaps:
        ours_backends = _backends(r.obj)
        for rule in sorted(shared):
            shown.append(f"{rule[0]}{rule[1]} ({r.name})")
            if live_backends.get(rule, "").split(":")[0] != ours_backends.get(rule, "").split(":")[0]:
                differ.append(f"{rule[0]}{rule[1]}: {live_backends.get(rule)} vs ours {ours_backends.get(rule)}")
    item = Item(
        CONFLICTING,
        str(obj),
        f"two Ingress rules for one host and path once ours exist: {', '.join(shown)}",
        source=obj.where,
        steps=[stepmod.INGRESS],
        blocking=bool(differ),
        rule="observed: both Ingresses accepted, no warning; which router Traefik picks is Traefik's choice",
    )
    if differ:
        item.details.append("they route to different Services: " + "; ".join(differ))
    else:
        item.details.append("both route to the same Services, so traffic is the same until the old one is deleted")
    return item


def _second_writer(ctx: Context, obj: LiveObject) -> Item | None:
    if obj.writer == "k3s auto-deploy":
        item = Item(
            CONFLICTING,
            str(obj),
            "two managers: k3s's deploy controller applies it from its auto-deploy directory at every k3s start, "
            "Flux from git: each k3s restart flips it back, each flip restarts what it configures",
            source=obj.where,
            steps=[stepmod.K3S_FILE],
            rule="gitops/k8s/ownership.py (k3s pkg/deploy; not rehearsable: no k3s runs in the rehearsal)",
        )
        item.details.append(f"the file: {obj.k3s_file or ownership.K3S_MANIFESTS + '/<file>'} on every server node")
        return item
    if obj.writer in ("Helm", "Argo CD", "Flux"):
        return Item(
            CONFLICTING,
            str(obj),
            f"two managers: {obj.writer} writes it too, and will write it back after every Flux apply",
            source=obj.where,
            blocking=True,
            rule="gitops/k8s/ownership.py",
            details=[
                f"remove it from {obj.writer}'s release or application (without deleting it) before the first sync"
            ],
        )
    return None


def _orphan(ctx: Context, obj: LiveObject, effect: str) -> Item:
    resource = "persistentvolumeclaim" if obj.kind == "PersistentVolumeClaim" else obj.kind.lower()
    ns = f"-n {obj.namespace} " if obj.namespace else ""
    return Item(
        ORPHANED,
        str(obj),
        effect,
        details=[f"remove after the cutover: kubectl {ns}delete {resource} {obj.name}"],
        source=obj.where,
        steps=[stepmod.ORPHANS],
        rule="observed: Flux prunes only its inventory; these keep running as they are",
    )


def _readers(ctx: Context, kind: str, name: str) -> tuple[list[str], list[str]]:
    """(live workloads, our workloads) whose pods reference the ConfigMap or Secret."""
    live_readers = [
        str(w)
        for w in ctx.live.objects
        if pod_spec(w.obj) is not None
        and any(r.kind == kind and r.name == name for r in references.pod_references(pod_spec(w.obj) or {}, "spec"))
    ]
    ours_readers = [
        str(r)
        for r in ctx.ours.workloads()
        if any(x.kind == kind and x.name == name for x in references.pod_references(pod_spec(r.obj) or {}, "spec"))
    ]
    return live_readers, ours_readers


def _orphan_effect(ctx: Context, obj: LiveObject) -> Item:
    kind = obj.kind
    if kind in ("ConfigMap", "Secret"):
        live_readers, ours_readers = _readers(ctx, kind, obj.name)
        if ours_readers:
            return _orphan(ctx, obj, f"read by ours ({', '.join(ours_readers)}) but owned by no unit: keep it")
        before = f"read today by {', '.join(live_readers)}; " if live_readers else ""
        return _orphan(ctx, obj, f"{before}no pod of ours reads it: deleting it after the cutover changes nothing")
    if kind == "PodDisruptionBudget":
        return _budgets(ctx, obj)
    if kind == "Ingress":
        return _ingress(ctx, obj)
    if kind in WORKLOAD_KINDS or kind in ("CronJob", "Job"):
        spec = pod_spec(obj.obj) or {}
        refused = podsecurity.restricted_violations(spec)
        effect = f"keeps running as it is ({kind})"
        item = _orphan(ctx, obj, effect)
        if refused and _enforces_restricted(ctx):
            item.details.append(
                "after the first sync the namespace enforces Pod Security restricted: every pod it starts from then on "
                f"is refused ({', '.join(refused)})"
            )
            if kind == "CronJob":
                ctx.plan.predictions.append(
                    Prediction("job-refused", str(obj), True, "Pod Security refuses its Jobs' pods")
                )
        return item
    if kind == "Service":
        return _orphan(ctx, obj, "routes to pods by its own selector; deleting it removes that name")
    return _orphan(ctx, obj, f"{kind}: nothing of ours uses it")


def _enforces_restricted(ctx: Context) -> bool:
    return any(podsecurity.levels(r.labels)["enforce"] == podsecurity.RESTRICTED for r in ctx.ours.of_kind("Namespace"))


def _pod_security(ctx: Context, ns_live: LiveObject, refused_units: set[str]) -> Item | None:
    if not _enforces_restricted(ctx):
        return None
    levels = podsecurity.levels(mapping(dig(ns_live.obj, "metadata", "labels")))
    if levels["enforce"] == podsecurity.RESTRICTED:
        return None
    violating = [(w, podsecurity.restricted_violations(pod_spec(w.obj) or {})) for w in ctx.live_workloads()]
    violating = [(w, v) for w, v in violating if v]
    if not violating:
        return None
    shown = ", ".join(w.name for w, _ in violating)
    item = Item(
        CONFLICTING,
        f"Namespace {ns_live.name}",
        f"gets Pod Security enforce: restricted in the first stage of the first sync, before anything else; the "
        f"running pods of {shown} violate it: from then on, an old pod that stops is not replaced",
        source=ns_live.where,
        rule="gitops/k8s/podsecurity.py (observed: FailedCreate 'violates PodSecurity \"restricted:v1.34\"')",
    )
    shown_violations = list(dict.fromkeys(x for _, v in violating for x in v))
    item.details.append(f"their violations (the API server's words): {', '.join(shown_violations)}")
    if refused_units:
        item.blocking = True
        item.details.append(
            "the sync is refused (above), yet the Namespace is applied first anyway: the old pods stay, and any "
            "that is evicted, drained or crashes is never replaced (observed: worker and redis at 0 for good after "
            "one drain)"
        )
        for w, _ in violating:
            ctx.plan.predictions.append(
                Prediction(
                    "not-replaced", str(w), True, "Pod Security refuses its old template after the Namespace is applied"
                )
            )
    else:
        item.details.append(
            "the first sync replaces every one of them with pods that pass; do not drain or restart anything between "
            "the first sync and honeydue-apps Ready"
        )
    return item


def _network(ctx: Context, refused_units: set[str]) -> list[Item]:
    """Our NetworkPolicies land with the infrastructure unit, before the apps move: old pods they do not
    select as allowed lose the traffic they had (k3s enforces policies)."""
    policies = [r.obj for r in ctx.ours.of_kind("NetworkPolicy")]
    if not policies:
        return []
    found = []
    for workload, labels in _live_pods(ctx):
        theirs = ctx.ours.find(workload.kind, workload.namespace, workload.name)
        if theirs is None:
            continue
        new_labels = pod_labels(theirs.obj)
        for direction, rules in ((networkpolicies.INGRESS, "ingress"), (networkpolicies.EGRESS, "egress")):
            lost = [
                p
                for p in policies
                if sequence(dig(p, "spec", rules))
                and networkpolicies.isolating(new_labels, workload.namespace, [p], direction)
                and not networkpolicies.isolating(labels, workload.namespace, [p], direction)
            ]
            isolated = networkpolicies.isolating(labels, workload.namespace, policies, direction)
            if not lost or not isolated:
                continue
            count = replicas(workload.obj) or 1
            if direction == networkpolicies.INGRESS and not ctx.is_blocked(theirs):
                ctx.unadmitted.add(workload.name)
            names = ", ".join(str(dig(p, "metadata", "name")) for p in lost)
            if direction == networkpolicies.INGRESS:
                what = f"admits the new pods of {workload.name}, not its running ones"
                loss = "they get no traffic"
                keep = "our network policies must admit the running pods too, by labels they carry"
            else:
                what = f"lets the new pods of {workload.name} connect out, not its running ones"
                loss = "they can connect nowhere (no DNS, no database)"
                keep = "our network policies must let the running pods connect out too, by labels they carry"
            item = Item(
                CONFLICTING,
                f"NetworkPolicy {workload.namespace}/{names}",
                f"{what} ({selectors.format_labels(labels)}), which {dig(isolated[0], 'metadata', 'name')} "
                f"isolates: from the infrastructure apply until new pods replace them, {loss}",
                blocking=count > 1,
                rule="gitops/k8s/networkpolicies.py (k3s enforces policies; the rehearsal stores them and checks which "
                "pods they admit)",
            )
            live_selector = mapping(dig(workload.obj, "spec", "selector")).get("matchLabels")
            if isinstance(live_selector, dict):
                item.config.append(
                    _keep_line(
                        ctx,
                        workload.name,
                        keep,
                        selector=live_selector,
                    )
                )
            found.append(item)
    # Clients: a policy admitting pods of a service from its clients' labels; old clients lack them.
    for policy in policies:
        for rule in sequence(dig(policy, "spec", "ingress")):
            for peer in sequence(mapping(rule).get("from")):
                pod_selector = mapping(peer).get("podSelector")
                if pod_selector is None:
                    continue
                for workload, labels in _live_pods(ctx):
                    ours_workload = ctx.ours.find(workload.kind, workload.namespace, workload.name)
                    if ours_workload is None or not selectors.selects(pod_selector, pod_labels(ours_workload.obj)):
                        continue
                    if selectors.selects(pod_selector, labels):
                        continue
                    target = dig(policy, "metadata", "name")
                    item = Item(
                        CONFLICTING,
                        f"NetworkPolicy {dig(policy, 'metadata', 'namespace')}/{target}",
                        f"admits {workload.name} by {selectors.format_selector(pod_selector)}; its running pods carry "
                        f"{selectors.format_labels(labels)}: they lose their connection until replaced",
                        blocking=(replicas(workload.obj) or 1) > 1,
                        rule="gitops/k8s/networkpolicies.py",
                    )
                    live_selector = mapping(dig(workload.obj, "spec", "selector")).get("matchLabels")
                    if isinstance(live_selector, dict):
                        item.config.append(
                            _keep_line(
                                ctx,
                                workload.name,
                                "the running pods must stay admitted by our policies",
                                selector=live_selector,
                            )
                        )
                    found.append(item)
    if refused_units:
        for item in found:
            item.blocking = False
            item.details.append("(moot while the sync is refused: the policies are in the refused unit)")
    return found


def _claim_size(claim: Fields) -> str | None:
    size = dig(claim, "spec", "resources", "requests", "storage")
    return str(size) if size is not None else None


def _data(ctx: Context, refused: set[str]) -> list[Item]:
    """Each of our claims against the live claim its workload mounts today."""
    found = []
    for workload in ctx.ours.workloads():
        ours_claims = claims(pod_spec(workload.obj) or {})
        if not ours_claims:
            continue
        live_workload = ctx.live.find(workload.kind, workload.namespace, workload.name)
        live_claims = claims(pod_spec(live_workload.obj) or {}) if live_workload else {}
        for volume, claim_name in sorted(ours_claims.items()):
            live_claim_name = live_claims.get(volume) or (
                next(iter(live_claims.values())) if len(live_claims) == 1 else None
            )
            ours_claim = ctx.ours.find("PersistentVolumeClaim", workload.namespace, claim_name)
            if live_claim_name is None:
                continue
            live_claim = ctx.live.find("PersistentVolumeClaim", workload.namespace, live_claim_name)
            pv = next(
                (v for v in ctx.live.volumes() if live.bound_claim(v.obj) == (workload.namespace, live_claim_name)),
                None,
            )
            node = volume_node(pv.obj) if pv else None
            where = f" ({pv.name} on {node})" if pv and node else ""
            subject = f"PersistentVolumeClaim {workload.namespace}/{live_claim_name}"
            if live_claim_name != claim_name:
                item = Item(
                    DATA,
                    subject,
                    f"{workload.name}'s data stays on the live claim{where}; ours mounts {claim_name}: a new, empty "
                    "volume. The old claim stays Bound, unused (and deleting it deletes the data)",
                    source=live_claim.where if live_claim else "",
                    blocking=True,
                    rule="observed: new claim provisioned on the same node, old one left Bound",
                )
                size = _claim_size(live_claim.obj) if live_claim else None
                item.config.append(
                    _keep_line(
                        ctx,
                        workload.name,
                        f"{workload.name}'s data is on the live claim {live_claim_name}",
                        claim=live_claim_name,
                    )
                )
                if size and ours_claim is not None and _claim_size(ours_claim.obj) != size:
                    item.config.append(
                        _size_line(
                            ctx,
                            workload.name,
                            size,
                            f"the live claim {live_claim_name} is {size}; local-path cannot resize a bound claim",
                        )
                    )
                if ours_claim is not None and not ctx.is_blocked(ours_claim):
                    ctx.plan.predictions.append(
                        Prediction("claim", subject, "new", "another name is another volume", until=claim_name)
                    )
                found.append(item)
                continue
            pinned = pinned_node(pod_spec(workload.obj) or {})
            item = Item(
                DATA,
                subject,
                f"kept: {workload.name} mounts the same claim, so the same volume{where}",
                source=live_claim.where if live_claim else "",
                rule="observed: adopted in place, same PersistentVolume, Redis restarted on it",
            )
            if node and pinned and node != pinned:
                item.blocking = True
                item.what = f"the volume is on {node}, ours pins {workload.name} to {pinned}: its pod stays Pending"
                item.config.append(
                    ConfigLine(
                        ctx.config_file,
                        ("services", workload.name, "storage", "node"),
                        node,
                        f"the live volume of {live_claim_name} is on {node}",
                    )
                )
            owner = _owner_change(live_workload, workload)
            if owner:
                item.details.append(owner)
                item.steps.append(stepmod.CHOWN)
            if item.details or item.blocking:  # an unchanged claim on its volume needs saying no more
                found.append(item)
            if not (refused & {str(workload), subject}) and not ctx.is_blocked(workload):
                ctx.plan.predictions.append(Prediction("claim", subject, "kept", "the same claim keeps its volume"))
    return found


def _run_as(obj: Fields | None) -> int | None:
    spec = pod_spec(obj) or {}
    users = {
        mapping(c.get("securityContext")).get("runAsUser")
        for c in sequence(spec.get("containers"))
        if isinstance(c, dict)
    }
    users.discard(None)
    if len(users) == 1:
        value = users.pop()
        return value if isinstance(value, int) else None
    value = mapping(spec.get("securityContext")).get("runAsUser")
    return value if isinstance(value, int) else None


def _owner_change(live_workload: LiveObject | None, ours: Resource) -> str | None:
    before, after = _run_as(live_workload.obj if live_workload else None), _run_as(ours.obj)
    if after is None or before == after:
        return None
    who = "the image's own user" if before is None else f"user {before}"
    return (
        f"its files were written by {who}; ours runs as {after}, and a local-path volume is a host path, which the "
        "kubelet never applies fsGroup to: chown it on the node before the first sync (step 'chown')"
    )


def _deployment_rollout(ctx: Context, obj: LiveObject, ours: Resource) -> None:
    fewest = _fewest(ours.obj)
    if fewest is None:
        return
    changes = _changes(obj, ours)
    template_changes = [c for c in changes if c.startswith("spec.template")]
    if not template_changes:
        fewest = replicas(ours.obj) or 0
    why = "RollingUpdate keeps replicas - maxUnavailable Ready" if fewest else "Recreate stops the old pod first"
    ctx.plan.predictions.append(Prediction("fewest-ready", str(ours), fewest, why))


def plan(live_set: LiveSet, ours: Ours, config_file: str, paths: list[str]) -> Plan:
    result = Plan(ours.env, ours.namespace, paths, live_set.exported)
    ctx = Context(live_set, ours, config_file, result)
    result.set_aside = sorted(f"{o}: {o.made_by_cluster}" for o in live_set.cluster_made)
    items: list[Item] = []
    refused: set[str] = set()
    refused_units: set[str] = set()
    adopted: list[tuple[LiveObject, Resource]] = []
    for obj in live_set.objects:  # first, which units a refusal stops (their consequences name each other)
        theirs = ctx.ours_for(obj)
        refusals = immutable.refusals(obj.obj, theirs.obj) if theirs is not None else []
        if theirs is not None and refusals and not forced(ctx, theirs, refusals) and (u := ours.unit(theirs)):
            ctx.refusing.add(u.name)
    for obj in live_set.objects:
        theirs = ctx.ours_for(obj)
        writer = _second_writer(ctx, obj)
        if writer is not None and theirs is not None:
            items.append(writer)
        if theirs is None:
            continue
        refusals = immutable.refusals(obj.obj, theirs.obj)
        if refusals and forced(ctx, theirs, refusals):
            items.append(_refused(ctx, obj, theirs, refusals))
            continue
        if refusals:
            items.append(_refused(ctx, obj, theirs, refusals))
            refused.add(str(theirs))
            unit = ours.unit(theirs)
            if unit is not None:
                refused_units.add(unit.name)
            continue
        adopted.append((obj, theirs))
    blocked = set(refused_units)
    for unit in list(ours.units.values()):
        if unit.name in refused_units:
            blocked |= {u.name for u in ours.later_units(unit)}
    ctx.blocked = blocked
    changing: list[tuple[LiveObject, Resource]] = []
    for obj, theirs in adopted:
        item = _adopted(ctx, obj, theirs)
        if item.details:  # an object that stays as it is needs no item and no step: Flux just takes it over
            items.append(item)
            changing.append((obj, theirs))
        applied = not ctx.is_blocked(theirs)
        if theirs.kind == "Service":
            gap = _service_gap(ctx, obj, theirs)
            if gap is not None:
                items.append(gap)
            elif applied:
                result.predictions.append(_endpoints(ctx, obj, theirs))
        if theirs.kind == "Deployment" and applied:
            _deployment_rollout(ctx, obj, theirs)
        gone: list[list[object]] = []
        _changes(obj, theirs, gone)
        if gone and applied:
            result.predictions.append(
                Prediction(
                    "removed",
                    str(theirs),
                    {"apiVersion": theirs.api_version, "paths": gone},
                    "Flux owns what kubectl applied and does not set it",
                )
            )
    for obj in ctx.live_workloads():
        theirs = ctx.ours_for(obj)
        if obj.kind == "Deployment" and theirs is not None and ctx.is_blocked(theirs):
            count = replicas(obj.obj) or 0
            result.predictions.append(
                Prediction("fewest-ready", str(obj), count, "its unit is refused: nothing of it changes")
            )
    for obj, theirs in adopted:
        if theirs.kind == "Namespace":
            security = _pod_security(ctx, obj, refused_units)
            if security is not None:
                items.append(security)
    # Referenced but not in the input: the Secrets (and ConfigMaps) the live pods read.
    present = {(o.kind, o.name) for o in live_set.objects}
    named: set[tuple[str, str]] = set()
    for workload in ctx.live_workloads():
        for reference in references.pod_references(pod_spec(workload.obj) or {}, "spec"):
            key = (reference.kind, str(reference.name))
            if key in present or key in named or ctx.ours.find(reference.kind, workload.namespace, key[1]):
                continue
            if _readers(ctx, *key)[1]:
                continue  # ours reads it too: one of the Secrets the bootstrap names, which exists already
            named.add(key)
            live_readers, ours_readers = _readers(ctx, *key)
            effect = f"read by {', '.join(live_readers)} (not in the input; named only)"
            effect += (
                "; no pod of ours reads it" if not ours_readers else f"; ours reads it too: {', '.join(ours_readers)}"
            )
            items.append(
                Item(
                    ORPHANED,
                    f"{key[0]} {workload.namespace}/{key[1]}",
                    effect,
                    details=[
                        f"remove after the cutover: kubectl -n {workload.namespace} delete {key[0].lower()} {key[1]}"
                    ],
                    steps=[stepmod.ORPHANS],
                    rule="gitops/k8s/references.py",
                )
            )
    for obj in live_set.objects:
        if ctx.ours_for(obj) is not None:
            continue
        if obj.kind == "PersistentVolumeClaim":
            continue  # _data says what it holds
        items.append(_orphan_effect(ctx, obj))
    data = _data(ctx, refused)
    items += data
    kept_claims = {i.object for i in data if not i.blocking}
    for obj in live_set.objects:
        if obj.kind == "PersistentVolumeClaim" and ctx.ours_for(obj) is None and str(obj) not in kept_claims:
            items.append(
                _orphan(
                    ctx,
                    obj,
                    "holds data: deleting it deletes its volume (reclaimPolicy Delete); copy what it holds first",
                )
            )
    taken = {id(theirs) for o in live_set.objects if (theirs := ctx.ours_for(o)) is not None}
    for resource in ours.resources:
        if id(resource) not in taken:
            unit = ours.unit(resource)
            items.append(Item(CREATED, str(resource), f"created by {unit.name if unit else 'the first sync'}", rule=""))
    items += _network(ctx, refused_units)
    for prediction in list(result.predictions):
        if prediction.kind == "endpoints" and prediction.value:
            name = prediction.subject.rpartition("/")[2]
            lost = name in ctx.unadmitted
            why = "our policies admit only the new pods" if lost else "our policies admit old and new pods"
            result.predictions.append(Prediction("reachable", prediction.subject, 0 if lost else 1, why))
    result.items = _merge_config(items)
    if refused_units:
        first = next(
            u.name for u in ours.units.values() if u.name in refused_units and not set(u.depends_on) & refused_units
        )
        result.predictions.append(
            Prediction("unit-refused", first, _refusal_messages(result.items), "an immutable field differs")
        )
    else:
        result.predictions.append(Prediction("units-ready", ours.env, True, "nothing refused"))
        result.predictions.append(Prediction("drain", "every node", True, "one budget per pod once step 'budgets' ran"))
        deleted_before = {i.object for i in result.items if stepmod.BUDGETS in i.steps}  # gone before the sync
        orphans = sorted(
            ({str(o) for o in live_set.objects if ctx.ours_for(o) is None} - deleted_before)
            | {i.object for i in result.items if i.section == ORPHANED}
        )
        result.predictions.append(Prediction("orphans", ours.namespace, orphans, "Flux prunes only its inventory"))
        writers = sorted(i.object for i in result.items if i.section == CONFLICTING and "two managers" in i.what)
        result.predictions.append(Prediction("managers", ours.namespace, writers, "kubectl's entries handed to Flux"))
    stepmod.build(result, ctx.live, ours, changing, data)
    if not live_set.exported:
        result.notes.append(
            "read from hand-written manifests: assumed applied with `kubectl apply` as written; an export "
            "(kubectl get -o yaml --show-managed-fields) also shows who else writes each object and where its volume is"
        )
    return result


def _refusal_messages(items: Iterable[Item]) -> list[str]:
    found = [immutable.IMMUTABLE, immutable.RESIZE, immutable.SHRINK]
    found += [ownership.HANDLER_MESSAGE, ownership.RECREATE_MESSAGE]
    return found


def _merge_config(items: list[Item]) -> list[Item]:
    """One keepLive line per service: the selector and the claim together, the reasons joined."""
    merged: dict[tuple[str, tuple[str, ...]], ConfigLine] = {}
    for item in items:
        for line in item.config:
            key = (line.file, line.path)
            before = merged.get(key)
            if before is None:
                merged[key] = line
            elif isinstance(before.value, dict) and isinstance(line.value, dict):
                adds = set(line.value) - set(before.value)
                why = f"{before.why}; {line.why}" if adds else before.why
                merged[key] = ConfigLine(line.file, line.path, {**before.value, **line.value}, why)
    for item in items:
        item.config = [merged[(line.file, line.path)] for line in item.config]
        unique: list[ConfigLine] = []
        for line in item.config:
            if line not in unique:
                unique.append(line)
        item.config = unique
    return items


def ours_pods_apps(ours: Ours) -> list[Resource]:
    return [r for r in ours.workloads() if (u := ours.unit(r)) is not None and u.directory.endswith(APPS)]


def plan_for(live_path: Path, dist: Path, env: str, config_file: str) -> Plan:
    """The plan for env (dist/<env>/ under dist) from the live objects under live_path; InputError on bad input."""
    from gitops.adopt import ours as ours_mod
    from gitops.adopt import source
    from gitops.errors import UsageError

    ours = ours_mod.load(dist, env)
    if ours.engine != "flux":
        raise UsageError(f"--env {env} is delivered by {ours.engine or 'no engine'}; adopt plans Flux's takeover")
    found = source.read(live_path, ours.namespace, ours.keys)
    return plan(found, ours, config_file, [str(live_path)])
