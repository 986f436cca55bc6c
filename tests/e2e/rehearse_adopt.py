"""End-to-end: the cutover from the reconstructed live cluster (tests/fixtures/live/), planned by `main.py adopt`
and rehearsed on a real control plane with the real Flux, as the plan's steps say.

Run by `make rehearse` (not collected by `make test`). Each case is a commit in a throwaway clone. The
first two are the drill itself: the project as committed (the plan refuses, and the cluster refuses
the same way), and the project with the config lines the plan recommends (the plan is safe, and the
cluster takes over with no multi-replica Deployment at 0 Ready, Redis on its volume with its data,
every node drainable). The others each show the cluster doing one consequence the plan claims, by
leaving out one config line or one step, or by a dist/ edit that does what a config line prevents.
A line "the plan said ...; the cluster: ..." in a report is a bug in the plan: no case may have one.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from ruamel.yaml import YAML

from gitops.adopt import configlines
from gitops.layout import PROJECT
from tests.e2e import kit

MANIFESTS = PROJECT / "tests" / "fixtures" / "live" / "manifests"
PLAN_BUG = "the plan said"
ConfigLines = list[dict]


def plan(repo: Path) -> tuple[int, dict]:
    done = kit.main(
        "adopt", "--live", str(MANIFESTS), "--format", "json", "--dist", str(repo / "dist"),
        "--config-dir", str(repo / "config"),
    )  # fmt: skip
    assert done.returncode in (0, 1), done.stderr
    return done.returncode, json.loads(done.stdout)


def prepare(
    tmp_path: Path,
    keep: Callable[[ConfigLines], ConfigLines] | None = None,
    config_edits: list[kit.Edit] | None = None,
    dist_edits: list[tuple[str, Callable[[dict], None]]] | None = None,
) -> Path:
    """A clone with the plan's config lines as keep() passes them on (none when keep is None), config edits,
    synthesized and committed; then dist/ edits (YAML objects changed in place) in a second commit."""
    repo = kit.clone(tmp_path)
    _, recommended = plan(repo)
    lines = keep(recommended["configLines"]) if keep is not None else []

    def before_synth(clone: Path) -> None:
        configlines.apply(clone, lines)

    if lines or config_edits:
        kit.commit(repo, config_edits or [], synth=True, before_synth=before_synth)
    if dist_edits:
        yaml = YAML()
        for file, change in dist_edits:
            path = repo / file
            obj = yaml.load(path.read_text())
            change(obj)
            with path.open("w") as out:
                yaml.dump(obj, out)
        kit.git(repo, "add", "-A")
        kit.git(repo, "-c", "user.name=e2e", "-c", "user.email=e2e@localhost", "commit", "--quiet", "-m", "dist edit")
    return repo


def rehearse(repo: Path, *args: str, live: Path = MANIFESTS) -> tuple[int, str]:
    done = kit.rehearse(repo, "prod", "--adopt", str(live), *args)
    out = done.stdout + done.stderr
    assert PLAN_BUG not in out, f"the plan and the cluster disagree:\n{out}"
    return done.returncode, out


def everything(lines: ConfigLines) -> ConfigLines:
    return lines


def without_claim(lines: ConfigLines) -> ConfigLines:
    """The selectors kept, the claim not (nor its size)."""
    found = []
    for line in lines:
        if "storage" in line["path"]:
            continue
        value = {k: v for k, v in line["value"].items() if k != "claim"}
        found.append({**line, "value": value})
    return found


def without_size(lines: ConfigLines) -> ConfigLines:
    """The live claim name kept, its size not: ours asks for 2Gi of a 1Gi local-path claim."""
    return [line for line in lines if "storage" not in line["path"]]


# --- the drill ------------------------------------------------------------------------------------------


def test_the_project_as_committed_is_refused_as_the_plan_says(tmp_path):
    repo = prepare(tmp_path)
    code, found = plan(repo)
    assert code == 1 and not found["safe"]
    code, out = rehearse(repo, "--drill", "converge")
    assert code == 1, out
    assert "the first sync was refused, as the plan says" in out
    assert "as planned: honeydue-infrastructure refused: not Ready (ReconciliationFailed): Deployment/honeydue/" in out
    assert "field is immutable" in out
    # Pod Security lands with the Namespace anyway: no old pod is replaced once stopped.
    for name in ("admin", "api", "redis", "worker"):
        assert f"as planned: Deployment honeydue/{name}: a stopped pod was not replaced" in out
    assert 'violates PodSecurity "restricted:v1.34"' in out
    assert "as planned: api fewest Ready 3/3" in out  # nothing else of the refused units changed


def test_with_the_recommended_config_lines_the_takeover_keeps_every_service_up_and_redis_data(tmp_path):
    repo = prepare(tmp_path, keep=everything)
    code, found = plan(repo)
    assert code == 0 and found["safe"] and not found["configLines"], found["configLines"]
    code, out = rehearse(repo)
    assert code == 0, out
    for fact in (
        "as planned: every unit Ready",
        "as planned: api fewest Ready 3/3",
        "as planned: admin fewest Ready 2/2",
        "as planned: Service honeydue/api: fewest ready endpoints 3",
        "as planned: Service honeydue/admin: fewest ready endpoints 2",
        "as planned: Service honeydue/api: fewest endpoints our NetworkPolicies admit traffic to 3",
        "on ubuntu-8gb-nbg1-2 before, the same after, data there",
        "as planned: every budget counts the Ready pods it selects (one budget per pod)",
        "as planned: every object Flux applied has Flux as its one writer",
        # The live api checked liveness over HTTP; ours connects to the port (liveness apart from readiness).
        "as planned: Deployment honeydue/api: removed by the first sync: spec.template.spec.containers[api].env[TZ], "
        "spec.template.spec.containers[api].envFrom, spec.template.spec.containers[api].livenessProbe.httpGet.path, "
        "spec.template.spec.containers[api].livenessProbe.httpGet.port, "
        "spec.template.spec.containers[api].startupProbe.httpGet.path, "
        "spec.template.spec.containers[api].startupProbe.httpGet.port, spec.template.spec.imagePullSecrets[regcred]",
        "as planned: left to no unit after the first sync: ConfigMap honeydue/honeydue-config, Ingress "
        "honeydue/honeydue-ingress, Secret honeydue/honeydue-secrets, Secret honeydue/regcred",
        "drain",
        "drained every node",
    ):
        assert fact in out, fact


# --- each consequence, shown by leaving out what prevents it ----------------------------------------------


def test_another_claim_name_is_a_new_empty_volume(tmp_path):
    repo = prepare(tmp_path, keep=without_claim)
    code, out = rehearse(repo, "--drill", "converge")
    assert code == 1, out
    assert "as planned: honeydue/redis-pvc kept its volume pvc-" in out
    assert "unused; ours (redis-data) got a new, empty one" in out


def test_the_live_claim_name_with_a_bigger_size_is_refused(tmp_path):
    repo = prepare(tmp_path, keep=without_size)
    code, out = rehearse(repo, "--drill", "converge")
    assert code == 1, out
    assert "as planned: honeydue-infrastructure refused" in out
    assert "only dynamically provisioned pvc can be resized" in out


@pytest.mark.parametrize(
    ("step", "unit", "message"),
    [
        ("handover", "honeydue-infrastructure", "may not specify more than 1 handler type"),
        ("defaults", "honeydue-apps", "spec.strategy.rollingUpdate: Forbidden: may not be specified when strategy"),
    ],
)
def test_without_the_step_flux_fails_at_every_retry(tmp_path, step, unit, message):
    repo = prepare(tmp_path, keep=everything)
    done = kit.rehearse(repo, "prod", "--adopt", str(MANIFESTS), "--drill", "converge", "--skip-step", step)
    out = done.stdout + done.stderr
    assert done.returncode == 1, out
    assert f"left out on purpose: the plan's steps {step}" in out
    assert f"{unit} (not Ready (ReconciliationFailed)" in out
    assert message in out


def test_with_the_old_budgets_left_no_node_drains(tmp_path):
    repo = prepare(tmp_path, keep=everything)
    done = kit.rehearse(repo, "prod", "--adopt", str(MANIFESTS), "--skip-step", "budgets")
    out = done.stdout + done.stderr
    assert done.returncode == 1, out
    assert "This pod has more than one PodDisruptionBudget, which the eviction subresource does not support." in out
    assert "kubectl drain did not complete" in out
    assert "left out step 'budgets': " in out and " MultiplePodDisruptionBudgets event(s)" in out


def _ours(selector_key: str) -> Callable[[dict], None]:
    def change(obj: dict) -> None:
        ours = {"app.kubernetes.io/instance": "honeydue-prod", "app.kubernetes.io/name": "api"}
        if selector_key == "selector":
            obj["spec"]["selector"] = ours
        else:
            obj["spec"]["podSelector"] = {"matchLabels": ours}

    return change


def test_a_service_or_policy_selecting_only_new_pods_leaves_none_served(tmp_path):
    repo = prepare(
        tmp_path,
        keep=everything,
        dist_edits=[
            ("dist/prod/apps/service-api.yaml", _ours("selector")),
            ("dist/prod/infrastructure/networkpolicy-api-ingress.yaml", _ours("podSelector")),
        ],
    )
    code, out = rehearse(repo, "--drill", "converge")
    assert code == 1, out
    assert "as planned: Service honeydue/api: fewest ready endpoints 0" in out
    assert "blocking, as the plan says: selector switches to" in out


def _force(obj: dict) -> None:
    obj["spec"]["force"] = True


def test_force_deletes_and_recreates_a_retry_interval_later(tmp_path):
    repo = prepare(
        tmp_path,
        config_edits=[("config/prod.yaml", "  engine: flux\n", "  engine: flux\n  flux:\n    retryInterval: 20s\n")],
        dist_edits=[
            (f"dist/clusters/prod/kustomization-flux-system-honeydue-{unit}.yaml", _force)
            for unit in ("infrastructure", "apps")
        ],
    )
    code, out = rehearse(repo, "--drill", "converge")
    assert code == 1, out
    assert "as planned: api fewest Ready 0, 0 Ready for" in out
    assert "(force: deleted, then created 20 s later at the next attempt)" in out


def test_an_orphan_cronjob_gets_no_pod_once_the_namespace_enforces_restricted(tmp_path):
    repo = prepare(tmp_path, keep=everything)
    live = tmp_path / "live"
    shutil.copytree(MANIFESTS, live)
    for name in ("redis-backup-cronjob.yaml", "maintenance-configmap.yaml"):  # the Middleware needs Traefik's CRDs
        shutil.copy(MANIFESTS.parent / "variations" / "extra-kinds" / name, live / name)
    code, out = rehearse(repo, "--drill", "converge", live=live)
    assert code == 0, out
    assert "as planned: CronJob honeydue/redis-backup: the Job it starts gets no pod:" in out
    assert 'violates PodSecurity "restricted:v1.34"' in out
    assert "CronJob honeydue/redis-backup" in out.split("as planned: left to no unit after the first sync:")[1]
