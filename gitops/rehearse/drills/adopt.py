"""The adopt drill: the operator's running cluster first, then the cutover exactly as `main.py adopt` plans it.

1. The live objects arrive the way the operator made them: the hand-written directory with
   `kubectl apply -R -f` (an export: what kubectl applied, from each object's last-applied
   configuration), after its Namespace and the Secrets its pods read (placeholders, made by hand);
   every pod Ready, every claim Bound, and in each volume's directory on its node (the local-path
   stand-in's) a file standing in for the data, owned by the image's user (999) when the
   rehearsal may chown.
2. The plan's steps in order: its kubectl commands as printed, its node commands on the stand-in's
   directories, and the bootstrap of docs/operations.md by the engine; a sampler watches every
   Deployment, Service endpoint and NetworkPolicy admission meanwhile.
3. The plan's predictions against what the cluster did: units Ready or refused with the plan's
   reason, fewest Ready per Deployment, endpoints and admitted endpoints per Service, each claim's
   volume, node and data, evictions refused while two budgets stand, objects left to no unit, objects
   with a second writer, old pods never replaced. A difference is a bug in the plan (exit 1); so is
   a blocking item, which the report names with the config line that takes it away.
"""

from __future__ import annotations

import json
import os
import time
from dataclasses import dataclass, field
from pathlib import Path

from gitops.adopt import steps as planned
from gitops.adopt.model import Command, Plan, Step
from gitops.adopt.source import LiveSet
from gitops.k8s import budgets, networkpolicies, ownership, rest, selectors, status
from gitops.k8s.placement import volume_node
from gitops.k8s.workloads import claims, dig, mapping, pod_spec, sequence
from gitops.rehearse import cluster, poll, storage
from gitops.rehearse.delivery import Delivered
from gitops.rehearse.drills.converge import wait_available
from gitops.rehearse.findings import DrillResult
from gitops.rehearse.kube import Api, Kubectl
from gitops.rehearse.sampler import Sampler

NAME = "adopt"
LIVE_TIMEOUT = 180.0
DATA_FILE = "appendonlydir/appendonly.aof.1.incr.aof"  # where Redis 7 appends, standing in for any data
IMAGE_USER = 999  # the redis image's own user: who wrote the data before the cutover
NOT_REPLACED_SECONDS = 8.0
INGRESS_CLASS_NAME = "traefik"
INGRESS_CLASS = {
    "apiVersion": "networking.k8s.io/v1",
    "kind": "IngressClass",
    "metadata": {"name": INGRESS_CLASS_NAME, "annotations": {"ingressclass.kubernetes.io/is-default-class": "true"}},
    "spec": {"controller": "traefik.io/ingress-controller"},
}
FLUX_LABEL = "kustomize.toolkit.fluxcd.io/name"


@dataclass
class ServiceTrack:
    name: str
    min_ready: int | None = None
    min_reachable: int | None = None

    def observe(self, ready: int, reachable: int) -> None:
        self.min_ready = ready if self.min_ready is None else min(self.min_ready, ready)
        self.min_reachable = reachable if self.min_reachable is None else min(self.min_reachable, reachable)


class TakeoverSampler(Sampler):
    """The drills' sampler, and per Service its ready endpoints and those our NetworkPolicies let anyone reach."""

    def __init__(self, api: Api, namespaces: list[str], period: float = 0.25) -> None:
        super().__init__(api, namespaces, period)
        self.services: dict[str, ServiceTrack] = {}
        self.selectors: dict[str, dict] = {}  # namespace/name -> the Deployment's selector when last seen

    def sample(self) -> None:
        super().sample()
        now = time.monotonic()
        for ns in self.namespaces:
            listed = set()
            for deployment in self.api.items(cluster.DEPLOYMENTS.format(ns=ns)):
                key = f"{ns}/{deployment['metadata']['name']}"
                listed.add(key)
                self.selectors[key] = mapping(dig(deployment, "spec", "selector"))
            pods = {p["metadata"]["name"]: p for p in self.api.items(cluster.PODS.format(ns=ns))}
            # A Deployment that is gone (deleted to be created again) still counts: by the pods its selector picked.
            for key, track in self.tracks.items():
                if key.startswith(f"{ns}/") and key not in listed:
                    mine = [
                        p
                        for p in pods.values()
                        if selectors.selects(self.selectors.get(key), p["metadata"].get("labels"))
                    ]
                    track.observe(
                        sum(status.pod_ready(p) for p in mine), sum(status.pod_alive(p) for p in mine), set(), now
                    )
            policies = self.api.items(f"/apis/networking.k8s.io/v1/namespaces/{ns}/networkpolicies")
            slices = self.api.items(f"/apis/discovery.k8s.io/v1/namespaces/{ns}/endpointslices")
            for service in self.api.items(f"/api/v1/namespaces/{ns}/services"):
                name = service["metadata"]["name"]
                port = mapping((sequence(dig(service, "spec", "ports")) or [{}])[0])
                target = port.get("targetPort") or port.get("port")
                ready = reachable = 0
                for eps in slices:
                    if dig(eps, "metadata", "labels", "kubernetes.io/service-name") != name:
                        continue
                    for endpoint in sequence(eps.get("endpoints")):
                        if dig(endpoint, "conditions", "ready") is not True:
                            continue
                        ready += 1
                        pod = pods.get(str(dig(endpoint, "targetRef", "name")))
                        labels = mapping(dig(pod, "metadata", "labels")) if pod else {}
                        reachable += networkpolicies.reachable(labels, ns, target, policies)
                self.services.setdefault(f"{ns}/{name}", ServiceTrack(f"{ns}/{name}")).observe(ready, reachable)


@dataclass
class Live:
    """The operator's cluster as the drill made it."""

    volumes: dict[str, tuple[str, str]] = field(default_factory=dict)  # "ns/claim" -> (volume, node)
    markers: dict[str, Path] = field(default_factory=dict)  # "ns/claim" -> the file standing in for its data
    notes: list[str] = field(default_factory=list)


def _apply(kubectl: Kubectl, objects: list[dict]) -> tuple[int, str]:
    if not objects:
        return 0, ""
    code, out, _ = kubectl.run("apply", "-f", "-", input="".join(json.dumps(o) + "\n" for o in objects).encode())
    return code, out


def _placeholders(kubectl: Kubectl, plan: Plan) -> list[str]:
    """The Secrets the live pods read that the input does not hold, made by hand as the operator did."""
    made = []
    for item in plan.items:
        kind, _, ref = item.object.partition(" ")
        if kind != "Secret" or "named only" not in item.what:
            continue
        namespace, _, name = ref.partition("/")
        argv: tuple[str, ...] = ("-n", namespace, "create", "secret")
        if "regcred" in name or "registry" in name or "pull" in name:
            argv += ("docker-registry", name, "--docker-server=registry.invalid", "--docker-username=rehearsal")
            argv += ("--docker-password=rehearsal-placeholder",)
        else:
            argv += ("generic", name, "--from-literal=placeholder=rehearsal")
        kubectl.run(*argv)
        made.append(f"Secret {namespace}/{name}")
    return made


def _owner(volume: dict) -> tuple[str, str] | None:
    ref = mapping(dig(volume, "spec", "claimRef"))
    return (str(ref.get("namespace")), str(ref.get("name"))) if ref.get("name") else None


def volumes(api: Api, namespace: str) -> dict[str, tuple[str, str]]:
    """ "namespace/claim" -> (its volume, the volume's node), for the Bound claims of the namespace."""
    found = {}
    for claim in api.items(f"/api/v1/namespaces/{namespace}/persistentvolumeclaims"):
        name, volume = claim["metadata"]["name"], dig(claim, "spec", "volumeName")
        if dig(claim, "status", "phase") != "Bound" or not volume:
            continue
        pv = api.find(f"/api/v1/persistentvolumes/{volume}")
        found[f"{namespace}/{name}"] = (str(volume), str(volume_node(pv) if pv else ""))
    return found


def create_live(
    api: Api,
    kubectl: Kubectl,
    provisioner: storage.Provisioner,
    plan: Plan,
    live: LiveSet,
    path: Path,
    result: DrillResult,
) -> Live:
    """The operator's cluster: the live input applied as the operator did, pods Ready, data in each volume."""
    made = Live()
    # k3s's bundled Traefik makes it: the stage's rendered chart has, unless the environment configures no Traefik.
    if api.find(f"/apis/networking.k8s.io/v1/ingressclasses/{INGRESS_CLASS_NAME}") is None:
        api.create("/apis/networking.k8s.io/v1/ingressclasses", INGRESS_CLASS)
    namespaces = [o for o in live.objects if o.kind == "Namespace"]
    code, out = _apply(kubectl, [o.applied or o.obj for o in namespaces])
    if not namespaces:
        kubectl.run("create", "namespace", plan.namespace)
    made.notes += [f"made by hand first: {s}" for s in _placeholders(kubectl, plan)]
    if live.exported:
        # What kubectl applied, object by object, from the last-applied configuration.
        objects = [o.applied or o.obj for o in live.objects if o.kind not in ("Namespace", "Secret")]
        code, out = _apply(kubectl, objects)
        how = "kubectl apply of each object's last-applied configuration"
    else:
        code, out, _ = kubectl.run("apply", "-R", "-f", str(path))
        how = f"kubectl apply -R -f {path}"
    if code != 0:
        result.fail("(live)", f"{how} failed: {out}", "the live input must apply as the operator applied it")
        return made
    made.notes.append(f"the live objects: {how}")
    listing = wait_available(api, [plan.namespace], LIVE_TIMEOUT)
    waiting = [d["metadata"]["name"] for d in listing if not status.deployment_available(d)]
    if waiting:
        result.fail("(live)", f"the live Deployments never became Available: {', '.join(waiting)}", "read the events")
    poll.until(lambda: len(volumes(api, plan.namespace)) >= _claims_mounted(api, plan.namespace), 60, 0.5)
    made.volumes = volumes(api, plan.namespace)
    root = os.geteuid() == 0
    for claim, (volume_name, _) in made.volumes.items():
        pv = api.find(f"/api/v1/persistentvolumes/{volume_name}")
        directory = provisioner.directory(pv) if pv else None
        if directory is None:
            continue
        marker = directory / DATA_FILE
        marker.parent.mkdir(parents=True, exist_ok=True)
        marker.write_text(f"rehearsal data of {claim} in {volume_name}\n")
        if root:
            for item in (marker.parent, marker):
                os.chown(item, IMAGE_USER, IMAGE_USER)
        made.markers[claim] = marker
    return made


def _claims_mounted(api: Api, namespace: str) -> int:
    mounted = set()
    for deployment in api.items(cluster.DEPLOYMENTS.format(ns=namespace)):
        mounted |= set(claims(pod_spec(deployment) or {}).values())
    return len(mounted)


def _node_path(provisioner: storage.Provisioner, node: str, path: str) -> list[Path]:
    if provisioner.disk is None:
        return []
    base = provisioner.disk / node
    return sorted(base.glob(path.lstrip("/")))


BUDGETS_SETTLE_SECONDS = 60.0


def settle_budgets(api: Api, namespace: str) -> None:
    """Wait until the disruption controller has counted every budget's pods again (after a rollout), so that a
    drain meets the budgets as they stand, not a count from before."""

    def settled() -> bool:
        for budget in api.items(f"/apis/policy/v1/namespaces/{namespace}/poddisruptionbudgets"):
            state = mapping(budget.get("status"))
            if state.get("observedGeneration") != dig(budget, "metadata", "generation"):
                return False
            if (state.get("expectedPods") or 0) > 0 and state.get("currentHealthy") != state.get("expectedPods"):
                return False
        return True

    poll.until(settled, BUDGETS_SETTLE_SECONDS, 0.5)


def stale_budgets(api: Api, namespace: str) -> list[str]:
    """Budgets whose status counts other than the Ready pods their selector picks (a stale count)."""
    pods = [p for p in api.items(cluster.PODS.format(ns=namespace)) if not status.terminating(p)]
    found = []
    for budget in api.items(f"/apis/policy/v1/namespaces/{namespace}/poddisruptionbudgets"):
        ready = sum(
            status.pod_ready(p)
            for p in pods
            if selectors.selects(dig(budget, "spec", "selector"), dig(p, "metadata", "labels"))
        )
        counted = dig(budget, "status", "currentHealthy")
        if counted != ready:
            allowed = dig(budget, "status", "disruptionsAllowed")
            found.append(
                f"PodDisruptionBudget {namespace}/{budget['metadata']['name']} counts {counted} healthy of the {ready} "
                f"Ready pods it selects ({allowed} disruptions allowed)"
            )
    return found


def multiple_budget_events(api: Api, namespace: str) -> int:
    events = api.items(f"/api/v1/namespaces/{namespace}/events")
    return sum(1 for e in events if e.get("reason") == budgets.MULTIPLE_BUDGETS_EVENT)


def run_command(
    command: Command, kubectl: Kubectl, provisioner: storage.Provisioner, result: DrillResult, step: Step
) -> None:
    if command.bootstrap:
        return
    if command.argv:
        stdin = None
        if command.stdin_argv:
            code, out, _ = kubectl.run(*command.stdin_argv)
            if code != 0:
                result.fail(f"step {step.id}", f"`{command.text}` failed: {out}", "a bug in the plan's command")
                return
            stdin = out.encode()
        code, out, _ = kubectl.run(*command.argv, input=stdin)
        if code != 0 and step.id != planned.VERIFY:
            result.fail(f"step {step.id}", f"`{command.text}` failed: {out}", "a bug in the plan's command")
        elif step.id == planned.VERIFY and code != 0:
            result.fail(
                f"step {step.id}",
                f"`{command.text}` refused: {out.splitlines()[-1:]}",
                "the plan said every node can be drained",
            )
        return
    if command.chown is not None:
        path, uid, gid = command.chown
        found = _node_path(provisioner, command.node, path)
        if not found:
            result.fail(f"step {step.id}", f"no directory {path} on {command.node}", "a bug in the plan's chown step")
            return
        if os.geteuid() != 0:
            result.fact(
                f"step {step.id}: not root, so {path} keeps its owner here (the files are checked for presence)"
            )
            return
        for directory in found:
            os.chown(directory, uid, gid)
            for parent, dirs, files in os.walk(directory):
                for name in dirs + files:
                    os.chown(Path(parent) / name, uid, gid)
        return
    if command.remove:
        result.fact(f"step {step.id}: {command.text}: not rehearsed (no k3s runs here)")


def unowned(api: Api, namespace: str, kinds: set[str]) -> list[str]:
    paths = {
        "ConfigMap": "/api/v1/namespaces/{ns}/configmaps",
        "Secret": "/api/v1/namespaces/{ns}/secrets",
        "PersistentVolumeClaim": "/api/v1/namespaces/{ns}/persistentvolumeclaims",
        "Service": "/api/v1/namespaces/{ns}/services",
        "Deployment": "/apis/apps/v1/namespaces/{ns}/deployments",
        "PodDisruptionBudget": "/apis/policy/v1/namespaces/{ns}/poddisruptionbudgets",
        "Ingress": "/apis/networking.k8s.io/v1/namespaces/{ns}/ingresses",
        "NetworkPolicy": "/apis/networking.k8s.io/v1/namespaces/{ns}/networkpolicies",
        "CronJob": "/apis/batch/v1/namespaces/{ns}/cronjobs",
    }
    found = []
    for kind in sorted(kinds & set(paths)):
        for obj in api.items(paths[kind].format(ns=namespace)):
            meta = obj["metadata"]
            if (
                FLUX_LABEL in mapping(meta.get("labels"))
                or (kind, meta["name"]) in {("ConfigMap", "kube-root-ca.crt")}
                or obj.get("type") == "kubernetes.io/service-account-token"
            ):
                continue
            found.append(f"{kind} {namespace}/{meta['name']}")
    return sorted(found)


def _inventory(api: Api) -> list[tuple[str, str, str, str, str]]:
    """(group, version, kind, namespace, name) of everything Flux's Kustomizations applied."""
    found = []
    for unit in api.items("/apis/kustomize.toolkit.fluxcd.io/v1/namespaces/flux-system/kustomizations"):
        for entry in sequence(dig(unit, "status", "inventory", "entries")):
            namespace, name, group, kind = [*str(dig(entry, "id")).split("_"), "", "", "", ""][:4]
            found.append((group, str(dig(entry, "v")), kind, namespace, name))
    return found


def second_writers(api: Api) -> dict[str, list[str]]:
    """Objects Flux applied that another manager still writes (not a controller's status or its own fields)."""
    found = {}
    for group, version, kind, namespace, name in _inventory(api):
        if kind in ("GitRepository", "Kustomization"):
            continue
        obj = api.find(rest.path(f"{group}/{version}" if group else version, kind, namespace, name))
        if obj is None:
            continue
        others = [str(m) for m in ownership.managers(obj) if m.name != ownership.FLUX_MANAGER and not m.controller]
        if others:
            found[f"{kind} {namespace + '/' if namespace else ''}{name}"] = others
    return found


def not_replaced(api: Api, subjects: list[str]) -> dict[str, str | None]:
    """Stop one pod of each workload (what a drain or a crash does) and see whether it comes back: subject ->
    None when a replacement started, else the reason from the ReplicaSet's events."""
    stopped: dict[str, tuple[dict, set[str]]] = {}
    found: dict[str, str | None] = {}
    for subject in subjects:
        namespace, _, name = subject.partition(" ")[2].partition("/")
        deployment = api.find(f"/apis/apps/v1/namespaces/{namespace}/deployments/{name}")
        pods = [p for p in cluster.pods_of(api, deployment) if not status.terminating(p)] if deployment else []
        if deployment is None or not pods:
            found[subject] = "no pod to stop"
            continue
        api.delete(f"/api/v1/namespaces/{namespace}/pods/{pods[0]['metadata']['name']}")
        stopped[subject] = (deployment, {p["metadata"]["name"] for p in pods})

    def replaced(subject: str) -> bool:
        deployment, before = stopped[subject]
        return any(p["metadata"]["name"] not in before for p in cluster.pods_of(api, deployment))

    poll.until(lambda: all(replaced(s) for s in stopped), NOT_REPLACED_SECONDS, 0.5)
    for subject, (deployment, _) in stopped.items():
        if replaced(subject):
            found[subject] = None
            continue
        events = [e for e in cluster.workload_events(api, deployment) if "PodSecurity" in e]
        found[subject] = events[-1] if events else f"no pod replaced within {NOT_REPLACED_SECONDS:.0f} s"
    return found


def _walk(obj: object, path: list) -> object:
    """The value at a path of keys and {field: value} list items; None when any part is missing."""
    node = obj
    for segment in path:
        if isinstance(segment, dict):
            [(field_name, value)] = segment.items()
            node = next((i for i in sequence(node) if mapping(i).get(field_name) == value), None)
        else:
            node = mapping(node).get(segment)
        if node is None:
            return None
    return node


def _shown_path(path: list) -> str:
    return "".join(f"[{next(iter(s.values()))}]" if isinstance(s, dict) else f".{s}" for s in path).lstrip(".")


def fetch(api: Api, subject: str, api_version: str) -> dict | None:
    kind, _, ref = subject.partition(" ")
    namespace, _, name = ref.rpartition("/")
    return api.find(rest.path(api_version, kind, namespace, name))


def job_refused(api: Api, subject: str) -> str | None:
    """Start a Job from the CronJob, as its schedule would: the refusal of its pod, or None if a pod started."""
    namespace, _, name = subject.partition(" ")[2].partition("/")
    job = f"{name[:40]}-rehearsal"
    cronjob = api.find(f"/apis/batch/v1/namespaces/{namespace}/cronjobs/{name}")
    if cronjob is None:
        return "no such CronJob"
    body = {
        "apiVersion": "batch/v1",
        "kind": "Job",
        "metadata": {"name": job, "namespace": namespace},
        "spec": dig(cronjob, "spec", "jobTemplate", "spec"),
    }
    api.create(f"/apis/batch/v1/namespaces/{namespace}/jobs", body)
    found: list[str] = []

    def refused() -> bool:
        found[:] = [e for e in cluster.events_for(api, namespace, "Job", job) if "PodSecurity" in e]
        return bool(found)

    poll.until(refused, NOT_REPLACED_SECONDS * 2, 0.5)
    return found[-1] if found else None


@dataclass
class Takeover:
    """What the drill saw, for the predictions."""

    delivered: Delivered | None = None
    sampler: TakeoverSampler | None = None
    volumes_after: dict[str, tuple[str, str]] = field(default_factory=dict)
    orphans: list[str] = field(default_factory=list)
    writers: dict[str, list[str]] = field(default_factory=dict)
    not_replaced: dict[str, str | None] = field(default_factory=dict)
    after: dict[str, dict | None] = field(default_factory=dict)  # objects as the first sync left them
    stale: list[str] | None = None  # budgets counting other than their Ready pods, before the verify step
    multiple: int = 0  # MultiplePodDisruptionBudgets events
    skipped: tuple[str, ...] = ()
    jobs: dict[str, str | None] = field(default_factory=dict)  # CronJob -> why its Job's pod was refused


def compare(plan: Plan, live: Live, seen: Takeover, result: DrillResult) -> None:
    """Every prediction against what the cluster did: a difference is a bug in the plan."""

    def wrong(subject: str, said: str, did: str) -> None:
        result.fail(
            subject,
            f"the plan said {said}; the cluster: {did}",
            "a bug in the plan (gitops/adopt): its rule or its prediction is wrong",
        )

    units = {name: (t, msg) for name, t, msg in _units(seen.delivered)}
    tracks = seen.sampler.tracks if seen.sampler else {}
    services = seen.sampler.services if seen.sampler else {}
    for p in plan.predictions:
        if p.kind == "units-ready":
            late = [f"{n} ({m})" for n, (t, m) in units.items() if t is None]
            if late:
                wrong("units", "every unit becomes Ready", f"not Ready: {'; '.join(late)}")
            else:
                result.fact(
                    "as planned: every unit Ready ("
                    + ", ".join(f"{n} {t:.1f} s" for n, (t, _) in units.items() if t is not None)
                    + ")"
                )
        elif p.kind == "unit-refused":
            ready, message = units.get(p.subject, (None, "no such unit"))
            fragments = p.value if isinstance(p.value, list) else []
            if ready is None and any(f in message for f in fragments):
                result.fact(f"as planned: {p.subject} refused: {message}")
            else:
                wrong(
                    p.subject,
                    "it is refused (" + " | ".join(fragments) + ")",
                    "Ready" if ready is not None else message,
                )
        elif p.kind == "fewest-ready":
            key = p.subject.partition(" ")[2]
            track = tracks.get(key)
            if track is None:
                wrong(p.subject, f"never below {p.value} Ready", "never sampled")
                continue
            fewest = track.min_ready or 0
            shown = f"{key.split('/')[-1]} fewest Ready {fewest}/{track.replicas}" + (
                f" (0 for {track.zero_seconds:.1f} s)" if fewest == 0 else ""
            )
            if isinstance(p.value, int) and fewest < p.value:
                wrong(p.subject, f"never below {p.value} Ready", shown)
            else:
                result.fact(f"as planned: {shown}")
        elif p.kind in ("endpoints", "reachable"):
            service = services.get(p.subject.partition(" ")[2])
            if service is None:
                continue
            low = (service.min_ready if p.kind == "endpoints" else service.min_reachable) or 0
            ok = low >= 1 if p.value else low == 0
            text = (
                f"{p.subject}: fewest ready endpoints {service.min_ready}"
                if p.kind == "endpoints"
                else f"{p.subject}: fewest endpoints our NetworkPolicies admit traffic to {service.min_reachable}"
            )
            if ok:
                result.fact(f"as planned: {text}")
            else:
                wrong(
                    p.subject, f"at least {p.value} ready endpoint(s)" if p.value else "no endpoint for a while", text
                )
        elif p.kind == "claim":
            ref = p.subject.partition(" ")[2]
            before, after = live.volumes.get(ref), seen.volumes_after.get(ref)
            marker = live.markers.get(ref)
            if p.value == "kept":
                there = marker is not None and marker.is_file()
                kept = before is not None and after == before and there
                owner = f", owned by user {marker.stat().st_uid}" if marker and there and os.geteuid() == 0 else ""
                shown = f"{before[0]} on {before[1]}" if before else "none"
                same = "the same" if after == before else (f"{after[0]} on {after[1]}" if after else "none")
                text = f"{ref}: volume {shown} before, {same} after, data {'there' + owner if there else 'gone'}"
                if kept:
                    result.fact(f"as planned: {text}")
                else:
                    wrong(p.subject, "it keeps its volume, node and data", text)
            else:
                namespace = ref.partition("/")[0]
                ours = seen.volumes_after.get(f"{namespace}/{p.until}")
                shown = f"{before[0]} on {before[1]}" if before else "none"
                if after == before and ours is not None and ours[0] != (before or ("",))[0]:
                    result.fact(
                        f"as planned: {ref} kept its volume {shown}, unused; ours ({p.until}) got a new, empty one: "
                        f"{ours[0]} on {ours[1]}"
                    )
                else:
                    wrong(
                        p.subject,
                        f"{ref} stays as it is and {p.until} gets a new volume",
                        f"{ref}: {shown} -> {after}; {p.until}: {ours}",
                    )
        elif p.kind == "orphans":
            expected = set(p.value) if isinstance(p.value, list) else set()
            extra, missing = set(seen.orphans) - expected, expected - set(seen.orphans)
            if extra or missing:
                wrong(
                    "orphans",
                    f"left to no unit: {', '.join(sorted(expected))}",
                    f"also {', '.join(sorted(extra)) or 'nothing'}; not {', '.join(sorted(missing)) or 'missing none'}",
                )
            else:
                result.fact(f"as planned: left to no unit after the first sync: {', '.join(seen.orphans)}")
        elif p.kind == "managers":
            expected = set(p.value) if isinstance(p.value, list) else set()
            if set(seen.writers) != expected:
                wrong(
                    "managers",
                    f"objects with a second writer: {', '.join(sorted(expected)) or 'none'}",
                    "; ".join(f"{o}: {', '.join(m)}" for o, m in sorted(seen.writers.items())) or "none",
                )
            else:
                result.fact("as planned: every object Flux applied has Flux as its one writer (controllers aside)")
        elif p.kind == "recreated":
            key = p.subject.partition(" ")[2]
            track = tracks.get(key)
            zero = track.zero_seconds if track else 0.0
            value = p.value if isinstance(p.value, int) else 0
            text = f"{key.split('/')[-1]} fewest Ready {track.min_ready if track else 'n/a'}, 0 Ready for {zero:.0f} s"
            if track is not None and not track.min_ready and zero >= 0.8 * value:
                result.fact(f"as planned: {text} (force: deleted, then created {value} s later at the next attempt)")
            else:
                wrong(p.subject, f"force deletes it and it is at 0 Ready for at least {value} s", text)
        elif p.kind == "removed":
            obj = seen.after.get(p.subject)
            paths = [list(x) for x in sequence(mapping(p.value).get("paths"))]
            still = [x for x in paths if obj is not None and _walk(obj, x) is not None]
            shown = ", ".join(_shown_path(x) for x in paths)
            if obj is None or still:
                wrong(p.subject, f"the first sync removes {shown}", "still there" if obj is not None else "no object")
            else:
                result.fact(f"as planned: {p.subject}: removed by the first sync: {shown}")
        elif p.kind == "job-refused":
            why = seen.jobs.get(p.subject)
            if why:
                result.fact(f"as planned: {p.subject}: the Job it starts gets no pod: {why}")
            else:
                wrong(p.subject, "Pod Security refuses every pod it starts", "a pod of its Job was created")
        elif p.kind == "not-replaced":
            why = seen.not_replaced.get(p.subject)
            if why is None and p.subject in seen.not_replaced:
                wrong(p.subject, "an old pod that stops is not replaced", "a replacement started")
            elif why is not None:
                result.fact(f"as planned: {p.subject}: a stopped pod was not replaced: {why}")


def compare_budgets(seen: Takeover, result: DrillResult) -> None:
    """Every budget counts its pods once the old ones are gone (the plan's step 'budgets'); without the step, what
    two budgets over one pod did."""
    if seen.stale is None:
        return
    if planned.BUDGETS in seen.skipped:
        result.fact(
            f"left out step 'budgets': {seen.multiple} {budgets.MULTIPLE_BUDGETS_EVENT} event(s); "
            + ("; ".join(seen.stale) or "every budget's count current")
        )
    elif seen.stale:
        result.fail("budgets", "the plan said every budget counts its pods; the cluster: " + "; ".join(seen.stale),
                    "a bug in the plan (gitops/adopt): its rule or its prediction is wrong")  # fmt: skip
    else:
        result.fact("as planned: every budget counts the Ready pods it selects (one budget per pod)")


def _units(delivered: Delivered | None) -> list[tuple[str, float | None, str]]:
    if delivered is None:
        return []
    messages = {obj.split("/")[-1]: what for obj, what, _ in delivered.problems}
    return [(name, t, messages.get(name, "")) for name, t in delivered.units]


def wait_units(api: Api, delivered: Delivered, timeout: float) -> Delivered:
    """Wait until every Kustomization is Ready (after a failed first attempt, at a later one); the units' times
    are then measured from the first delivery's start."""
    from gitops.rehearse import flux

    begin = time.monotonic() - delivered.seconds
    ready: dict[str, float] = {}

    def done() -> bool:
        items = api.items(flux.KUSTOMIZATIONS.format(ns="flux-system"))
        for item in items:
            if status.is_true(item, "Ready"):
                ready.setdefault(item["metadata"]["name"], time.monotonic() - begin)
        return bool(items) and len(ready) == len(items)

    poll.until(done, timeout, 1.0)
    units = [(name, ready.get(name, t)) for name, t in delivered.units]
    problems = [p for p in delivered.problems if p[0].split("/")[-1] not in ready]
    return Delivered(
        checkout=delivered.checkout, commit=delivered.commit, units=units, seconds=time.monotonic() - begin,
        substitutions=delivered.substitutions, problems=problems, warnings=delivered.warnings, paths=delivered.paths,
    )  # fmt: skip
