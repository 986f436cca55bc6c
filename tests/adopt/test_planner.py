"""The cutover plan for the reconstructed live cluster (tests/fixtures/live/) and its variations."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

from gitops.adopt import configlines, planner, render
from gitops.adopt import steps as planned
from gitops.adopt.model import CONFLICTING, DATA, ORPHANED, REPLACED
from gitops.formats.yamlio import dumps
from gitops.k8s import manifests
from tests.builds import pinned_config
from tests.conftest import PROJECT

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "live"
MANIFESTS = FIXTURE / "manifests"
EXPORT = FIXTURE / "export.yaml"
OPERATIONS = PROJECT / "docs" / "operations.md"


def plan_of(live: Path, dist: Path):
    return planner.plan_for(live, dist, "prod", "config/prod.yaml")


def blocking(plan) -> list[str]:
    return sorted(f"{i.section} {i.object}" for i in plan.blocking)


@pytest.fixture(scope="module")
def recommended(synthesized, tmp_path_factory) -> Path:
    """dist/ synthesized from config/ (the tests' builds, tests/builds.py) with the config lines the fixture's plan
    recommends."""
    from gitops.render.synth import synth

    root = tmp_path_factory.mktemp("recommended")
    config = root / "config"
    shutil.copytree(pinned_config(), config)
    lines = plan_of(MANIFESTS, synthesized).config_lines
    configlines.apply(root, [{"file": c.file, "path": c.path, "value": c.value, "why": c.why} for c in lines])
    out = root / "dist"
    synth(config, out, write_schema=False)
    return out


EXPECTED_BLOCKING = [
    "conflicting Namespace honeydue",
    "conflicting Service honeydue/admin",
    "conflicting Service honeydue/api",
    "data PersistentVolumeClaim honeydue/redis-pvc",
    "replaced Deployment honeydue/admin",
    "replaced Deployment honeydue/api",
    "replaced Deployment honeydue/redis",
    "replaced Deployment honeydue/worker",
]


@pytest.mark.parametrize("live", [MANIFESTS, EXPORT], ids=["manifests", "export"])
def test_the_fixture_as_the_project_stands_is_refused_with_the_lines_that_fix_it(synthesized, live):
    plan = plan_of(live, synthesized)
    assert not plan.safe
    assert blocking(plan) == EXPECTED_BLOCKING
    lines = {line.key: line.value for line in plan.config_lines}
    assert lines == {
        "services.admin.keepLive": {"selector": {"app": "admin"}},
        "services.api.keepLive": {"selector": {"app": "api"}},
        "services.redis.keepLive": {"selector": {"app": "redis"}, "claim": "redis-pvc"},
        "services.worker.keepLive": {"selector": {"app": "worker"}},
        "services.redis.storage.size": "1Gi",
    }
    assert all(line.file == "config/prod.yaml" and line.why for line in plan.config_lines)
    refused = plan.section(REPLACED)[0]
    assert "field is immutable" in refused.what and refused.config
    [prediction] = [p for p in plan.predictions if p.kind == "unit-refused"]
    assert prediction.subject == "honeydue-infrastructure"
    assert {p.subject for p in plan.predictions if p.kind == "not-replaced"} == {
        f"Deployment honeydue/{n}" for n in ("admin", "api", "redis", "worker")
    }


def test_with_the_recommended_lines_the_plan_is_safe_and_says_every_step(recommended):
    plan = plan_of(MANIFESTS, recommended)
    assert plan.safe, blocking(plan)
    assert not plan.config_lines
    ids = [s.id for s in plan.steps]
    assert ids == [
        planned.BACKUP, planned.HANDOVER, planned.DEFAULTS, planned.CHOWN, planned.BUDGETS, planned.FLUX_INSTALL,
        planned.FLUX_AUTH, planned.SECRETS, planned.FIRST_SYNC, planned.INGRESS, planned.ORPHANS, planned.VERIFY,
    ]  # fmt: skip
    assert all(step.rollback for step in plan.steps if step.id != planned.FLUX_AUTH or step.rollback)
    fewest = {p.subject: p.value for p in plan.predictions if p.kind == "fewest-ready"}
    assert fewest == {
        "Deployment honeydue/api": 3,
        "Deployment honeydue/admin": 2,
        "Deployment honeydue/worker": 0,
        "Deployment honeydue/redis": 0,
    }
    removed = {p.subject: p.value for p in plan.predictions if p.kind == "removed"}
    api = removed["Deployment honeydue/api"]
    assert isinstance(api, dict) and api["apiVersion"] == "apps/v1"
    assert ["spec", "template", "spec", "containers", {"name": "api"}, "env", {"name": "TZ"}] in api["paths"]
    assert ["spec", "template", "spec", "imagePullSecrets", {"name": "regcred"}] in api["paths"]
    assert {p.subject: p.value for p in plan.predictions if p.kind == "claim"} == {
        "PersistentVolumeClaim honeydue/redis-pvc": "kept"
    }
    handover = plan.step(planned.HANDOVER)
    assert handover is not None
    assert handover.commands[0].stdin_argv[-4:] == ("view-last-applied", "deployment/admin", "-o", "yaml")
    defaults = plan.step(planned.DEFAULTS)
    assert defaults is not None and defaults.commands[0].argv[:5] == ("-n", "honeydue", "patch", "deployment", "worker")
    chown = plan.step(planned.CHOWN)
    assert chown is not None and chown.commands[0].chown == (
        "/var/lib/rancher/k3s/storage/pvc-*_honeydue_redis-pvc",
        10001,
        10001,
    )
    budgets = plan.step(planned.BUDGETS)
    assert budgets is not None and budgets.phase == "before"
    assert [c.argv for c in budgets.commands] == [
        ("-n", "honeydue", "delete", "pdb", name) for name in ("api-pdb", "admin-pdb", "worker-pdb")
    ]


def test_an_export_gives_the_volume_its_exact_directory(recommended):
    plan = plan_of(EXPORT, recommended)
    assert plan.safe
    chown = plan.step(planned.CHOWN)
    assert chown is not None
    [command] = chown.commands
    assert command.node == "ubuntu-8gb-nbg1-2"
    assert command.chown is not None and command.chown[0].endswith("_honeydue_redis-pvc")
    assert "pvc-*" not in command.chown[0]


def _identical(synthesized: Path, tmp_path: Path, exported: bool) -> Path:
    target = tmp_path / "live"
    if not exported:
        shutil.copytree(synthesized / "prod", target)
        (target / "INVENTORY.md").unlink()
        return target
    items = []
    for resource in manifests.load([synthesized / "prod"]):
        obj = json.loads(json.dumps(resource.obj))
        obj["metadata"]["uid"] = "00000000-0000-0000-0000-000000000000"
        obj["metadata"]["resourceVersion"] = "1"
        obj["metadata"]["managedFields"] = [{"manager": "kustomize-controller", "operation": "Apply"}]
        obj["status"] = {}
        items.append(obj)
    target.mkdir()
    (target / "export.yaml").write_text(dumps({"apiVersion": "v1", "kind": "List", "items": items}))
    return target


@pytest.mark.parametrize("exported", [False, True], ids=["manifests", "export"])
def test_a_live_set_identical_to_ours_gives_an_empty_plan(synthesized, tmp_path, exported):
    plan = plan_of(_identical(synthesized, tmp_path, exported), synthesized)
    assert plan.items == []
    assert plan.safe and not plan.config_lines
    assert [s.id for s in plan.steps] == [
        planned.BACKUP, planned.FLUX_INSTALL, planned.FLUX_AUTH, planned.SECRETS, planned.FIRST_SYNC, planned.VERIFY,
    ]  # fmt: skip


def test_kinds_the_generator_never_produces_are_orphans_with_what_removing_them_does(recommended, tmp_path):
    live = tmp_path / "live"
    shutil.copytree(MANIFESTS, live)
    shutil.copytree(
        FIXTURE / "variations" / "extra-kinds", live / "extra", ignore=shutil.ignore_patterns("export.yaml")
    )
    plan = plan_of(live, recommended)
    orphans = {i.object: i for i in plan.section(ORPHANED)}
    assert {"CronJob honeydue/redis-backup", "Middleware honeydue/security-headers",
            "ConfigMap honeydue/honeydue-maintenance"} <= set(orphans)  # fmt: skip
    cronjob = orphans["CronJob honeydue/redis-backup"]
    assert any("every pod it starts from then on is refused" in d for d in cronjob.details)
    assert "kubectl -n honeydue delete cronjob redis-backup" in " ".join(cronjob.details)
    assert "changes nothing" in orphans["ConfigMap honeydue/honeydue-maintenance"].what
    assert [p.subject for p in plan.predictions if p.kind == "job-refused"] == ["CronJob honeydue/redis-backup"]
    assert plan.safe


def test_the_extra_kinds_export_reads_as_orphans_alone(synthesized):
    plan = plan_of(FIXTURE / "variations" / "extra-kinds" / "export.yaml", synthesized)
    assert sorted(i.object for i in plan.section(ORPHANED)) == [
        "ConfigMap honeydue/honeydue-maintenance",
        "CronJob honeydue/redis-backup",
        "Middleware honeydue/security-headers",
    ]


def _export_of(obj: dict, tmp_path: Path) -> Path:
    path = tmp_path / "export.yaml"
    path.write_text(dumps(obj))
    return path


def _k3s_helmchartconfig() -> dict:
    """Traefik's HelmChartConfig as k3s's auto-deploy directory applies it (its objectset annotations)."""
    return {
        "apiVersion": "helm.cattle.io/v1",
        "kind": "HelmChartConfig",
        "metadata": {
            "name": "traefik",
            "namespace": "kube-system",
            "uid": "x",
            "annotations": {
                "objectset.rio.cattle.io/applied": "H4sI...",
                "objectset.rio.cattle.io/id": "",
                "objectset.rio.cattle.io/owner-gvk": "k3s.cattle.io/v1, Kind=Addon",
                "objectset.rio.cattle.io/owner-name": "traefik-config",
                "objectset.rio.cattle.io/owner-namespace": "kube-system",
            },
            "labels": {"objectset.rio.cattle.io/hash": "0123"},
        },
        "spec": {"valuesContent": "deployment:\n  kind: DaemonSet\n"},
    }


def test_a_helmchartconfig_k3s_applies_from_its_directory_has_two_managers_and_a_step(synthesized, tmp_path):
    plan = plan_of(_export_of(_k3s_helmchartconfig(), tmp_path), synthesized)
    [item] = [i for i in plan.section(CONFLICTING) if i.object == "HelmChartConfig kube-system/traefik"]
    assert "two managers" in item.what and item.steps == [planned.K3S_FILE] and not item.blocking
    step = plan.step(planned.K3S_FILE)
    assert step is not None
    assert [c.text for c in step.commands] == [
        f"on ubuntu-8gb-nbg1-{n}: sudo rm /var/lib/rancher/k3s/server/manifests/traefik-config.yaml" for n in (1, 2, 3)
    ]


def test_an_object_helm_writes_is_blocking(synthesized, tmp_path):
    obj = {
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": {"name": "api", "namespace": "honeydue", "uid": "x",
                     "annotations": {"meta.helm.sh/release-name": "honeydue"}},
        "spec": {"selector": {"app.kubernetes.io/name": "api", "app.kubernetes.io/instance": "honeydue-prod"}},
    }  # fmt: skip
    plan = plan_of(_export_of(obj, tmp_path), synthesized)
    assert "conflicting Service honeydue/api" in blocking(plan)


def test_force_on_the_units_replaces_with_a_retry_interval_at_zero(synthesized, tmp_path):
    dist = tmp_path / "dist"
    shutil.copytree(synthesized, dist)
    for unit in ("infrastructure", "apps"):
        path = dist / "clusters" / "prod" / f"kustomization-flux-system-honeydue-{unit}.yaml"
        path.write_text(path.read_text().replace("  prune: true\n", "  prune: true\n  force: true\n"))
    plan = plan_of(MANIFESTS, dist)
    replaced = {i.object: i for i in plan.section(REPLACED)}
    assert replaced["Deployment honeydue/api"].what.startswith("replaced (force)")
    assert any("all 3 replicas at 0 Ready for at least 120 s" in d for d in replaced["Deployment honeydue/api"].details)
    assert {p.subject: p.value for p in plan.predictions if p.kind == "recreated"} == {
        f"Deployment honeydue/{n}": 120 for n in ("admin", "api", "redis", "worker")
    }
    assert not [p for p in plan.predictions if p.kind == "unit-refused"]
    assert [i.object for i in plan.section(DATA) if i.blocking] == ["PersistentVolumeClaim honeydue/redis-pvc"]


def test_the_three_formats(synthesized):
    plan = plan_of(MANIFESTS, synthesized)
    text = render.text(plan)
    assert text.startswith("adopt: prod (namespace honeydue) from ")
    assert "NOT SAFE: 8 blocking item(s)" in text
    assert "      api:\n        keepLive:\n          selector: {app: api}\n" in text
    assert '        storage:\n          size: "1Gi"   # the live claim redis-pvc is 1Gi' in text
    markdown = render.markdown(plan)
    assert markdown.startswith("### Cutover plan: prod") and "| Object | What happens | Fixed by |" in markdown
    body = json.loads(render.as_json(plan))
    assert body["format"] == "honeydue-gitops/adopt/v1" and body["blocking"] == 8 and not body["safe"]
    assert {tuple(line["path"]) for line in body["configLines"]} >= {("services", "api", "keepLive")}


def _chapter_steps() -> list[tuple[str, str]]:
    """docs/operations.md's cutover steps: each numbered step's id (the first `id` in its heading) and its text."""
    text = OPERATIONS.read_text()
    chapter = text[text.index("## Cutover from hand-written manifests") : text.index("## Delivering with Argo CD")]
    listed = chapter.split("each with its rollback:\n", 1)[1]
    found = []
    for body in re.split(r"^\d+\. ", listed, flags=re.M)[1:]:
        named = re.search(r"\(`([a-z0-9-]+)`", body)
        assert named, body
        found.append((named[1], body))
    return found


def test_the_operations_chapter_follows_the_plans_steps_each_with_its_rollback(recommended, synthesized, tmp_path):
    chapter = _chapter_steps()
    ids = [step_id for step_id, _ in chapter]
    assert [step_id for step_id, body in chapter if "*Rollback:*" not in body] == []
    plans = [plan_of(MANIFESTS, recommended), plan_of(_export_of(_k3s_helmchartconfig(), tmp_path), synthesized)]
    seen: set[str] = set()
    for plan in plans:
        order = [s.id for s in plan.steps]
        assert [step_id for step_id in ids if step_id in order] == order
        seen |= set(order)
    assert seen == set(ids) and len(ids) == len(set(ids))


def test_an_egress_policy_that_selects_only_the_new_pods_cuts_the_running_ones_off(recommended, tmp_path):
    from tests.dist_copies import edit

    dist = tmp_path / "dist"
    shutil.copytree(recommended, dist)

    def ours_only(policy: dict) -> None:
        policy["spec"]["podSelector"]["matchLabels"] = {"app.kubernetes.io/name": "api"}

    edit(dist / "prod", "NetworkPolicy", "api-egress", ours_only)
    plan = plan_of(MANIFESTS, dist)
    [item] = [i for i in plan.section(CONFLICTING) if i.object == "NetworkPolicy honeydue/api-egress"]
    assert item.what == (
        "lets the new pods of api connect out, not its running ones (app=api), which default-deny-egress isolates: "
        "from the infrastructure apply until new pods replace them, they can connect nowhere (no DNS, no database)"
    )
    assert item.blocking
    assert [(c.key, c.value) for c in item.config] == [("services.api.keepLive", {"selector": {"app": "api"}})]
