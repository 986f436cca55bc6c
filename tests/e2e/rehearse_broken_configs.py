"""End-to-end: configs a real cluster refuses, each found by rehearsing it, with the exact report line.

Run by `make rehearse` (not collected by `make test`: the file is not named test_*.py). Each case
(prod, delivered by Flux, unless it says staging, delivered by Argo CD) is a commit in a throwaway
clone: config edited and dist/ synthesized (or, for what the generator can no longer write, dist/
edited as it used to be written), then kubeconform, `main.py check` and the rehearsal run on it.
kubeconform accepts every case. CLUSTER_ONLY cases pass check too: only the cluster catches them,
for the reason each says. CHECK_LEARNED cases were found the same way and `main.py check` now
refuses them as well (its unit tests pin how); the cluster still must.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tests.conftest import PROJECT
from tests.e2e import kit as e2ekit
from tests.e2e.kit import Edit

LONG_TAG = "6f303dbbaa-" + "0123456789abcdef" * 4
# The worker's version label as prod's committed dist/ has it, whatever build prod runs now.
WORKER_VERSION = re.search(
    r"app\.kubernetes\.io/version: \S+", (PROJECT / "dist/prod/apps/deployment-worker.yaml").read_text()
)[0]
TOO_LONG = f'Invalid value: "{LONG_TAG}": must be no more than 63 characters'
DNS_SUBDOMAIN = (
    "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', "
    "and must start and end with an alphanumeric character (e.g. 'example.com', regex used for "
    "validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')"
)
CHECK_LINE = "{check}"  # replaced by the capacity line `main.py check` prints for the case


@dataclass(frozen=True)
class Case:
    why: str
    edits: list[Edit]
    expected: list[str]  # report lines, each exactly
    drills: tuple[str, ...] = ("converge",)
    env: str = "prod"
    synth: bool = True
    check_rule: str | None = None  # the check rule that now refuses it, for CHECK_LEARNED
    dist_edits: list[Edit] = field(default_factory=list)  # every occurrence replaced, no synth after


CLUSTER_ONLY = {
    # The StorageClasses a cluster offers are the cluster's state (k3s ships local-path; anything else
    # needs a provisioner config does not describe), so check cannot know one is missing. With no class
    # the claim is not WaitForFirstConsumer: it stays Pending and Redis is never scheduled.
    "storage-class-the-cluster-does-not-have": Case(
        "the claim's class is not installed",
        [("config/base.yaml", "storageClass: local-path   # k3s", "storageClass: longhorn   # k3s")],
        [
            "    FAIL PersistentVolumeClaim honeydue/redis-data: Pending, not Bound",
            "    FAIL Deployment honeydue/redis: not Available: 0/1 ready",
        ],
    ),
    # ingressClassName must be a DNS subdomain; the schema types it as any string, and check does not
    # re-validate API field formats (that is what the API server, and kubeconform's schemas, are for).
    # Config now refuses it (edge.className is a Name), so dist/ is edited as the generator used to
    # write it. (Flux's own line names whichever Ingress its dry run met first; the rehearsal's dry run
    # names both.)
    "ingress-class-name-in-upper-case": Case(
        "the API server refuses the Ingresses, Flux's apps unit fails at its dry run",
        [],
        [
            "    FAIL (apply): rejected by the API server (server-side dry run): dist/prod/apps: "
            + " ".join(
                f'Error from server (Invalid): Ingress.networking.k8s.io "{name}" is invalid: spec.ingressClassName: '
                f'Invalid value: "Traefik": {DNS_SUBDOMAIN}'
                for name in ("admin", "api")
            )
        ],
        synth=False,
        dist_edits=[
            (f"dist/prod/apps/ingress-{name}.yaml", "ingressClassName: traefik", "ingressClassName: Traefik")
            for name in ("admin", "api")
        ],
    ),
    # Two spread Deployments each leave one pod over after a node is lost, and only one node has room
    # for one of them. Each alone fits, and so do the totals: check's packing keeps to necessary
    # conditions per workload; which combination the scheduler finds is the scheduler's search.
    "two-spreads-compete-for-the-room-left-after-a-loss": Case(
        "check's capacity line says it fits; the scheduler leaves one pod Pending",
        [
            (
                "config/prod.yaml",
                "resources: {cpu: 250m, memory: 512Mi, memoryLimit: 1Gi}",
                "resources: {cpu: '1', memory: 512Mi, memoryLimit: 1Gi}",
            ),
            (
                "config/prod.yaml",
                "replicas: 2\n    hosts: [admin.myhoneydue.com]\n"
                "    resources: {cpu: 100m, memory: 256Mi, memoryLimit: 512Mi}",
                "replicas: 3\n    hosts: [admin.myhoneydue.com]\n"
                "    resources: {cpu: '1', memory: 512Mi, memoryLimit: 1Gi}",
            ),
            ("config/prod.yaml", "# hetzner1\n    resources: {cpu: 100m", "# hetzner1\n    resources: {cpu: 500m"),
        ],
        [
            "    FAIL Node ubuntu-8gb-nbg1-1: lost: check's capacity line says everything fits, the cluster could not "
            f"reschedule 1 pod (1 CPU / 512Mi of requests); check: {CHECK_LINE}"
        ],
        drills=("lose-node",),
    ),
    # An AppProject allows only the kinds it lists (charts/argocd.py derives the list from what each unit
    # renders, so the generator cannot leave one out: dist/ is edited). Argo CD refuses the unit's whole
    # sync and retries it; the root Application never gets to the next wave. check does not compare the
    # project with the units, and the kubectl stand-in that rehearsed Argo CD before applied it all the same.
    "a-kind-the-appproject-does-not-allow": Case(
        "Argo CD refuses to sync a kind its AppProject does not list",
        [],
        [
            "    FAIL Application argocd/honeydue-infrastructure: not Synced and Healthy at the served commit: "
            "OutOfSync and Missing; sync failed, and again when Argo CD retried it: one or more synchronization "
            "tasks are not valid",
            "      event: PodDisruptionBudget honeydue/redis: SyncFailed: resource policy:PodDisruptionBudget is not "
            "permitted in project honeydue",
            "      fix: allow it in the AppProject or keep it out of the unit: charts/argocd.py derives the project's "
            "destinations and kinds from what each unit renders",
            "    FAIL Application argocd/honeydue-apps: never created: the root Application did not sync it",
        ],
        env="staging",
        synth=False,
        dist_edits=[
            (
                "dist/clusters/staging/appproject-argocd-honeydue.yaml",
                "    - kind: PodDisruptionBudget\n      group: policy\n",
                "",
            )
        ],
    ),
}

CHECK_LEARNED = {
    # The generator used to copy the image tag into app.kubernetes.io/version; a tag may be 128
    # characters, a label value 63. Config can no longer produce it (images.version_label cuts it),
    # so dist/ is edited as the generator used to write it.
    "image-tag-longer-than-a-label-value": Case(
        "the API server refuses the Deployment whole",
        [],
        [
            "    FAIL Kustomization flux-system/honeydue-apps: not Ready (ReconciliationFailed): "
            'Deployment/honeydue/worker dry-run failed (Invalid): Deployment.apps "worker" is invalid: '
            f"[metadata.labels: {TOO_LONG}, spec.template.labels: {TOO_LONG}]"
        ],
        synth=False,
        check_rule="label-value",
        dist_edits=[
            (
                "dist/prod/apps/deployment-worker.yaml",
                WORKER_VERSION,
                f"app.kubernetes.io/version: {LONG_TAG}",
            )
        ],
    ),
    # Flux labels every object it applies with its Kustomization's name (fluxcd/pkg/ssa): a partOf of
    # 49 characters keeps every label the project writes within 63, but <partOf>-infrastructure is 64.
    # Config now refuses such a partOf (gitops/config/checks.py), so dist/ is edited as the generator
    # used to write it: the infrastructure Kustomization under that name, and the apps unit's dependsOn.
    "kustomization-name-flux-cannot-put-in-a-label": Case(
        "every object of the infrastructure unit is refused at Flux's dry run",
        [],
        [
            "    FAIL Kustomization flux-system/honeydue-household-maintenance-and-reminders-apps-infrastructure: not "
            'Ready (ReconciliationFailed): Namespace/honeydue dry-run failed (Invalid): Namespace "honeydue" is '
            'invalid: metadata.labels: Invalid value: "honeydue-household-maintenance-and-reminders-apps-'
            'infrastructure": must be no more than 63 characters'
        ],
        synth=False,
        check_rule="label-value",
        dist_edits=[
            (
                f"dist/clusters/prod/kustomization-flux-system-honeydue-{unit}.yaml",
                "name: honeydue-infrastructure",
                "name: honeydue-household-maintenance-and-reminders-apps-infrastructure",
            )
            for unit in ("infrastructure", "apps")
        ],
    ),
    # Redis, pinned to its volume's node, grown until that node has no room for its share of the api
    # spread: the totals fit, the node does not.
    "volume-node-too-full-for-its-share-of-the-spread": Case(
        "one api pod can go nowhere the spread allows",
        [
            (
                "config/prod.yaml",
                "# hetzner1\n    resources: {cpu: 100m, memory: 256Mi, memoryLimit: 512Mi}",
                "# hetzner1\n    resources: {cpu: 100m, memory: 6656Mi, memoryLimit: 7Gi}",
            )
        ],
        [
            "    FAIL Deployment honeydue/api: not Available: 2/3 ready",
            "    FAIL Deployment honeydue/api: 2 pod(s) on 2 node(s) (ubuntu-8gb-nbg1-1: 1, ubuntu-8gb-nbg1-3: 1); "
            "the spread promises 3 different nodes",
        ],
        check_rule="capacity",
    ),
    # Three api pods of 2 CPU fit three nodes and 7 CPU in total, but two nodes left must hold two on one.
    "spread-that-fits-three-nodes-but-not-two": Case(
        "after losing a node, one api pod finds no room",
        [
            (
                "config/prod.yaml",
                "resources: {cpu: 250m, memory: 512Mi, memoryLimit: 1Gi}",
                "resources: {cpu: '2', memory: 512Mi, memoryLimit: 1Gi}",
            )
        ],
        [
            "    FAIL Node ubuntu-8gb-nbg1-1: lost: 1 pod (2 CPU / 512Mi of requests) not rescheduled, as check's "
            "capacity line predicts"
        ],
        drills=("lose-node",),
        check_rule="capacity",
    ),
}


def _break(tmp_path: Path, case: Case) -> Path:
    clone = e2ekit.clone(tmp_path)

    def edit_dist(repo: Path) -> None:
        for file, old, new in case.dist_edits:
            text = (repo / file).read_text()
            assert old in text, f"{file} no longer holds {old!r}"
            (repo / file).write_text(text.replace(old, new))

    e2ekit.commit(clone, case.edits, case.synth, edit_dist)
    validate = e2ekit.validate(clone, case.env)
    assert validate.returncode == 0, validate.stdout + validate.stderr
    return clone


def _capacity_line(check_output: str) -> str:
    return next(line.strip() for line in check_output.splitlines() if re.match(r"\s+capacity: ", line))


def _rehearse(clone: Path, case: Case, check_output: str) -> None:
    drills = [arg for drill in case.drills for arg in ("--drill", drill)]
    done = e2ekit.rehearse(clone, case.env, *drills)
    assert done.returncode == 1, done.stdout + done.stderr
    lines = done.stdout.splitlines()
    for expected in case.expected:
        line = expected.replace(CHECK_LINE, _capacity_line(check_output)) if CHECK_LINE in expected else expected
        assert line in lines, f"{line!r} not in:\n{done.stdout}"


@pytest.mark.parametrize("name", sorted(CLUSTER_ONLY))
def test_only_the_cluster_refuses(name: str, tmp_path: Path):
    case = CLUSTER_ONLY[name]
    clone = _break(tmp_path, case)
    check = e2ekit.check(clone, case.env)
    assert check.returncode == 0, check.stdout + check.stderr
    _rehearse(clone, case, check.stdout)


@pytest.mark.parametrize("name", sorted(CHECK_LEARNED))
def test_the_cluster_refuses_what_check_has_learned(name: str, tmp_path: Path):
    case = CHECK_LEARNED[name]
    clone = _break(tmp_path, case)
    check = e2ekit.check(clone, case.env)
    assert check.returncode == 1 and f"  {case.check_rule}  " in check.stdout, check.stdout + check.stderr
    _rehearse(clone, case, check.stdout)
