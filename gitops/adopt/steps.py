"""The ordered steps of one cutover: docs/operations.md's bootstrap, specialised to what runs, with the
steps before and after it that the plan's items need, each with what to expect and how to go back.

Every command is what the operator types; kubectl commands also carry their arguments, so that
`main.py rehearse --adopt` runs exactly them (node commands it stands in for on the local-path
stand-in's directories; the bootstrap itself is its engine's, step by step as docs/operations.md says).
"""

from __future__ import annotations

import json
import shlex
from typing import TYPE_CHECKING

from gitops.adopt.model import CONFLICTING, DATA, ORPHANED, Command, Item, Plan, Step
from gitops.k8s import declared, ownership
from gitops.k8s.placement import pinned_node, volume_node
from gitops.k8s.workloads import dig, mapping, pod_spec, sequence
from gitops.layout import DIST, engine_dir

if TYPE_CHECKING:
    from gitops.adopt.ours import Ours
    from gitops.adopt.source import LiveObject, LiveSet
    from gitops.k8s.manifests import Resource

BACKUP, HANDOVER, DEFAULTS, K3S_FILE, CHOWN = "backup", "handover", "defaults", "k3s-file", "chown"
FLUX_INSTALL, FLUX_AUTH, SECRETS, FIRST_SYNC = "flux-install", "flux-auth", "secrets", "first-sync"
BUDGETS, INGRESS, ORPHANS, VERIFY = "budgets", "ingress", "orphans", "verify"
BOOTSTRAP = (FLUX_INSTALL, FLUX_AUTH, SECRETS, FIRST_SYNC)
STORAGE_ROOT = "/var/lib/rancher/k3s/storage"
DEFAULT_UID = 10001  # config's services.<name>.runAsUser default


def _kubectl(*argv: str, stdin: tuple[str, ...] = ()) -> Command:
    text = "kubectl " + " ".join(shlex.quote(a) for a in argv)
    if stdin:
        text = "kubectl " + " ".join(shlex.quote(a) for a in stdin) + " | " + text
    return Command(text, tuple(argv), stdin)


def _ns(obj: LiveObject) -> tuple[str, ...]:
    return ("-n", obj.namespace) if obj.namespace else ()


def _handover(adopted: list[tuple[LiveObject, Resource]]) -> Step | None:
    commands = []
    for obj, _ in adopted:
        if obj.writer not in ("kubectl apply", "") or obj.kind == "Secret":
            continue
        ref = f"{obj.kind.lower()}/{obj.name}"
        commands.append(
            _kubectl(
                *_ns(obj),
                "apply",
                "--server-side",
                f"--field-manager={ownership.FLUX_MANAGER}",
                "-f",
                "-",
                stdin=(*_ns(obj), "apply", "view-last-applied", ref, "-o", "yaml"),
            )
        )
    if not commands:
        return None
    return Step(
        HANDOVER,
        "Hand kubectl's fields to Flux",
        "Flux takes over kubectl's fields only after an object's dry-run passes, and a dry-run that still holds "
        "kubectl's member of a one-of (a probe's exec beside ours tcpSocket) never passes. Applying what kubectl "
        "applied, server-side as kustomize-controller, moves kubectl's entry to Flux's manager first "
        "(kubectl migrates client-side-apply ownership); nothing in the objects changes, no pod restarts.",
        commands,
        expect="each object: serverside-applied; kubectl get -o yaml --show-managed-fields shows kustomize-controller "
        "(Apply) where kubectl-client-side-apply was, and no last-applied annotation",
        rollback="nothing to undo: the objects are unchanged. A later `kubectl apply -f` of the old files still works "
        "(kubectl warns that the annotation is missing and adds it back).",
    )


def _defaults(plan: Plan, adopted: list[tuple[LiveObject, Resource]]) -> Step | None:
    commands = []
    notes = []
    for obj, ours in adopted:
        for one in ownership.one_of_conflicts(obj.obj, ours.obj, obj.applied):
            if one.applied:
                continue
            if one.field == "spec.strategy" and one.ours == "Recreate":
                patch = [{"op": "replace", "path": "/spec/strategy", "value": {"type": "Recreate"}}]
                commands.append(
                    _kubectl(*_ns(obj), "patch", obj.kind.lower(), obj.name, "--type=json", "-p", json.dumps(patch))
                )
                notes.append(f"{obj}: {one.path} (the API server's default)")
            else:
                notes.append(f"{obj}: {one.path} needs a patch to ours before the first sync (it restarts the pods)")
    if not commands:
        return None
    return Step(
        DEFAULTS,
        "Set ours where the live object holds an API default of another kind",
        "A member the API server defaulted (" + "; ".join(notes) + ") is owned by no one after the hand-over, so "
        "Flux's dry-run keeps it beside ours and fails at every retry. Setting ours first changes no pod template: "
        "nothing restarts.",
        commands,
        expect="deployment.apps/<name> patched; its pods keep running",
        rollback="kubectl patch it back (e.g. strategy RollingUpdate); nothing restarted",
    )


def _chown(plan: Plan, live_set: LiveSet, ours: Ours) -> Step | None:
    commands = []
    for item in plan.items:
        if item.section != DATA or CHOWN not in item.steps:
            continue
        claim = item.object.split("/", 1)[-1]
        volume = next((v for v in live_set.volumes() if dig(v.obj, "spec", "claimRef", "name") == claim), None)
        workload = next(
            (w for w in ours.workloads() if claim in json.dumps(mapping(pod_spec(w.obj)).get("volumes"))), None
        )
        node = (volume_node(volume.obj) if volume else None) or (
            pinned_node(pod_spec(workload.obj) or {}) if workload else None
        )
        path = dig(volume.obj, "spec", "hostPath", "path") if volume else None
        if not isinstance(path, str):
            path = f"{STORAGE_ROOT}/pvc-*_{ours.namespace}_{claim}"
        security = mapping(dig(pod_spec(workload.obj) if workload else {}, "securityContext"))
        user, group = security.get("runAsUser"), security.get("runAsGroup")
        uid = user if isinstance(user, int) else DEFAULT_UID
        gid = group if isinstance(group, int) else uid
        text = f"on {node or 'the node of the volume'}: sudo chown -R {uid}:{gid} {path}"
        commands.append(Command(text, node=node or "", chown=(path, uid, gid)))
    if not commands:
        return None
    return Step(
        CHOWN,
        "Give the volume's files to the new user",
        "The running pod writes as the image's user; ours runs as another, and local-path volumes are host paths, "
        "which the kubelet never applies fsGroup to. The running Redis keeps its open files and goes on appending; "
        "the new pod starts on files it owns.",
        commands,
        expect="ls -ln shows the new owner on every file of the directory",
        rollback="chown -R back to the owner `ls -ln` showed before (note it first)",
    )


def _k3s(plan: Plan, ours: Ours, live_set: LiveSet) -> Step | None:
    files = sorted({o.k3s_file for o in live_set.objects if o.writer == "k3s auto-deploy" and o.k3s_file})
    if not files:
        return None
    nodes = _nodes(ours)
    commands = [Command(f"on {node}: sudo rm {path}", node=node, remove=path) for node in nodes for path in files]
    return Step(
        K3S_FILE,
        "Take the object out of k3s's auto-deploy directory",
        "k3s applies every file there at each start, over what Flux applied: two managers. Removing the file does "
        "not delete the object (k3s docs, Auto-Deploying Manifests).",
        commands,
        expect="the file is gone on every server node; the object is unchanged",
        rollback="put the file back (k3s applies it again at its next start)",
    )


def _nodes(ours: Ours) -> list[str]:
    cluster = declared.read(ours.resources).cluster
    return [n.name for n in cluster.nodes] if cluster else []


def _secrets(ours: Ours, live_set: LiveSet) -> Step:
    inventory = declared.read(ours.resources)
    commands = []
    existing = {(o.namespace, o.name) for o in live_set.objects if o.kind == "Secret"}
    existing |= {
        (o.namespace, ref.split("/")[-1]) for o in live_set.objects for ref in _secret_sources(o)
    }  # the running pods read them: they exist
    for (namespace, name), keys in sorted(inventory.secrets.items()):
        if (namespace, name) in existing:
            continue
        kind = inventory.secret_types.get((namespace, name), "Opaque")
        if kind == "kubernetes.io/dockerconfigjson":
            text = f"kubectl -n {namespace} create secret docker-registry {name} --docker-server=... (as today's)"
        else:
            literals = " ".join(f"--from-literal={k}=..." for k in sorted(keys))
            text = f"kubectl -n {namespace} create secret generic {name} {literals}"
        commands.append(Command(text, bootstrap=SECRETS))
    readers = sorted({f"{ref}" for o in live_set.objects for ref in _secret_sources(o)})
    hint = (
        " The running pods read their values from " + ", ".join(readers) + ": copy each value key by key, e.g. "
        "kubectl -n <namespace> get secret <name> -o jsonpath='{.data.<KEY>}' | base64 -d (never into a file in git)."
        if readers
        else ""
    )
    if not commands:
        hint = " Every one of them exists already: the running pods read them."
    return Step(
        SECRETS,
        "Create the Secrets ours reads (dist/<env>/INVENTORY.md)",
        "docs/operations.md step 3: the namespace exists already; ours reads its own Secrets key by key." + hint,
        commands,
        expect="every Secret of INVENTORY.md exists with its keys",
        rollback="kubectl delete the new Secrets: nothing running reads them yet",
    )


def _secret_sources(obj: LiveObject) -> list[str]:
    spec = pod_spec(obj.obj) or {}
    found = []
    for container in sequence(spec.get("containers")):
        for source in sequence(mapping(container).get("envFrom")):
            name = dig(source, "secretRef", "name")
            if name:
                found.append(f"Secret {obj.namespace}/{name}")
        for entry in sequence(mapping(container).get("env")):
            name = dig(entry, "valueFrom", "secretKeyRef", "name")
            if name:
                found.append(f"Secret {obj.namespace}/{name}")
    return found


def _after(plan: Plan, step_id: str, title: str, why: str, rollback: str, phase: str = "after") -> Step | None:
    commands = []
    for item in plan.items:
        if step_id not in item.steps or item.section not in (CONFLICTING, ORPHANED):
            continue
        for detail in item.details:
            if detail.startswith("remove after the cutover: "):
                text = detail.removeprefix("remove after the cutover: ")
                if step_id == ORPHANS and not _safe(item):
                    continue
                commands.append(_kubectl(*shlex.split(text)[1:]))
        if step_id in (BUDGETS, INGRESS):
            kind, _, ref = item.object.partition(" ")
            namespace, _, name = ref.rpartition("/")
            resource = {"PodDisruptionBudget": "pdb", "Ingress": "ingress"}[kind]
            commands.append(_kubectl("-n", namespace, "delete", resource, name))
    if not commands:
        return None
    return Step(step_id, title, why, commands, phase=phase, rollback=rollback, expect="deleted")


def _safe(item: Item) -> bool:
    return "changes nothing" in item.what and not item.blocking


def build(
    plan: Plan, live_set: LiveSet, ours: Ours, adopted: list[tuple[LiveObject, Resource]], data: list[Item]
) -> None:
    env, namespace = ours.env, ours.namespace
    steps: list[Step | None] = [
        Step(
            BACKUP,
            "Save what runs",
            "The rollback of every later step starts from here; the directory is also what `main.py adopt --live` "
            "reads best (an export says who writes each object and where each volume is).",
            [
                Command("mkdir before-cutover"),
                Command(
                    f"kubectl -n {namespace} get deployments,services,configmaps,persistentvolumeclaims,"
                    "poddisruptionbudgets,ingresses,networkpolicies,cronjobs -o yaml --show-managed-fields "
                    f"> before-cutover/{namespace}.yaml"
                ),
                Command(
                    f"kubectl get namespace/{namespace} -o yaml --show-managed-fields > before-cutover/namespace.yaml"
                ),
                Command("kubectl get persistentvolumes -o yaml --show-managed-fields > before-cutover/volumes.yaml"),
                *[
                    Command(
                        f"kubectl -n {ns} get {kind.lower()}/{name} -o yaml --show-managed-fields "
                        f"> before-cutover/{kind.lower()}-{name}.yaml"
                    )
                    for _, kind, ns, name in sorted(ours.keys)
                    if ns and ns != namespace
                ],
            ],
            expect="before-cutover/ holds every object the application has (Secrets left out: their values)",
            rollback="nothing changed",
        ),
        _handover(adopted),
        _defaults(plan, adopted),
        _k3s(plan, ours, live_set),
        _chown(plan, live_set, ours),
        _after(
            plan,
            BUDGETS,
            "Delete the old budgets, just before Flux starts",
            "Ours select the same pods: two budgets over one pod make every eviction of it fail (HTTP 500), and the "
            "disruption controller keeps only one of them current. From here until honeydue-apps is Ready the old "
            "pods have no budget: drain nothing meanwhile.",
            "kubectl apply -f the old budget file; after the first sync, only with its rollback and once ours are "
            "deleted (kubectl -n <namespace> delete pdb <ours>)",
            phase="before",
        ),
        Step(
            FLUX_INSTALL,
            "Install Flux",
            "docs/operations.md step 1.",
            [Command("flux install", bootstrap=FLUX_INSTALL)],
            phase="sync",
            expect="source-controller and kustomize-controller Running in flux-system",
            rollback="flux uninstall (nothing of the application is Flux's yet)",
        ),
        Step(
            FLUX_AUTH,
            "Give Flux read access to this repository",
            "docs/operations.md step 2.",
            [
                Command(
                    "flux create secret git <delivery.repository.secretRef> --namespace flux-system --url <repository> "
                    "--username <user> --password <token>",
                    bootstrap=FLUX_AUTH,
                )
            ],
            phase="sync",
            rollback="kubectl -n flux-system delete secret <the secret>",
        ),
        _secrets(ours, live_set),
        Step(
            FIRST_SYNC,
            "Hand the cluster to git",
            "docs/operations.md step 4: Flux applies the infrastructure unit (namespace first), then the apps.",
            [
                Command(f"kubectl apply -f {DIST}/{engine_dir(env)}/", bootstrap=FIRST_SYNC),
                Command("flux get kustomizations --watch   # until every unit is Ready"),
            ],
            phase="sync",
            expect=_expect(plan),
            rollback=_sync_rollback(plan, namespace),
        ),
        _after(
            plan,
            INGRESS,
            "Delete the old Ingress",
            "Ours routes the same hosts and paths; one definition per host and path leaves Traefik no choice.",
            "kubectl apply -f the old Ingress file",
        ),
        _after(
            plan,
            ORPHANS,
            "Remove what nothing uses any more",
            "Flux prunes only what it applied: these stay otherwise, unmanaged. Only objects whose removal changes "
            "nothing are listed; the plan's orphaned items say what the others do.",
            "kubectl apply -f the hand-written files of those objects",
        ),
        Step(
            VERIFY,
            "Check that every node can be drained",
            "A drain is what a k3s upgrade or a reboot does; the eviction API answers for every budget.",
            [
                _kubectl(
                    "drain", node, "--ignore-daemonsets", "--delete-emptydir-data", "--dry-run=server", "--timeout=60s"
                )
                for node in _nodes(ours)
            ],
            phase="after",
            expect="every pod: evicted (server dry run); a budget that allows no eviction fails it after 60 s",
            rollback="nothing changed (dry run)",
        ),
    ]
    plan.steps = [s for s in steps if s is not None]
    del data


def _sync_rollback(plan: Plan, namespace: str) -> str:
    text = "flux suspend kustomization --all -n flux-system (stops every apply; nothing is deleted)"
    if any(line.path[-1] == "keepLive" for line in plan.config_lines) or any(
        i.section == "adopted" and i.object.startswith("Deployment") for i in plan.items
    ):
        text += ", then kubectl apply -f the hand-written files (with the live selectors kept, a rolling update back)"
    if any(i.object == f"Namespace {namespace}" and "Pod Security" in i.what for i in plan.items):
        text += (
            f", and kubectl label namespace {namespace} pod-security.kubernetes.io/enforce- (the old pods violate "
            "it: without that, none of them is replaced once stopped)"
        )
    return text + ". Never delete a Kustomization with prune: true: that deletes everything it applied."


def _expect(plan: Plan) -> str:
    parts = []
    for prediction in plan.predictions:
        if prediction.kind == "fewest-ready":
            parts.append(f"{prediction.subject.split('/')[-1]} never below {prediction.value} Ready")
        elif prediction.kind == "unit-refused":
            parts.append(f"{prediction.subject} not Ready (refused)")
    return "; ".join(parts) or "every unit Ready"
