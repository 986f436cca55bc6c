"""dist/ layout, determinism and atomic replacement."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from gitops.formats import yamlio
from gitops.k8s.manifests import load_documents
from gitops.render import output
from gitops.render.synth import synth
from tests.conftest import CONFIG, PROJECT
from tests.dist_copies import tree
from tests.manifests import Manifests


def test_one_file_per_object_with_readable_names(synthesized: Path):
    files = sorted(str(p.relative_to(synthesized)) for p in synthesized.rglob("*.yaml"))
    prod = [f for f in files if f.startswith("prod/")]
    assert prod == [
        "prod/apps/configmap-honeydue-settings.yaml",
        "prod/apps/deployment-admin.yaml",
        "prod/apps/deployment-api.yaml",
        "prod/apps/deployment-worker.yaml",
        "prod/apps/ingress-admin.yaml",
        "prod/apps/ingress-api.yaml",
        "prod/apps/poddisruptionbudget-admin.yaml",
        "prod/apps/poddisruptionbudget-api.yaml",
        "prod/apps/poddisruptionbudget-worker.yaml",
        "prod/apps/service-admin.yaml",
        "prod/apps/service-api.yaml",
        "prod/infrastructure/configmap-honeydue-declarations.yaml",
        "prod/infrastructure/deployment-redis.yaml",
        "prod/infrastructure/helmchartconfig-kube-system-traefik.yaml",
        "prod/infrastructure/middleware-kube-system-honeydue-cdn-only.yaml",
        "prod/infrastructure/namespace-honeydue.yaml",
        "prod/infrastructure/networkpolicy-admin-egress.yaml",
        "prod/infrastructure/networkpolicy-admin-ingress.yaml",
        "prod/infrastructure/networkpolicy-api-egress.yaml",
        "prod/infrastructure/networkpolicy-api-ingress.yaml",
        "prod/infrastructure/networkpolicy-default-deny-egress.yaml",
        "prod/infrastructure/networkpolicy-default-deny-ingress.yaml",
        "prod/infrastructure/networkpolicy-redis-egress.yaml",
        "prod/infrastructure/networkpolicy-redis-ingress.yaml",
        "prod/infrastructure/networkpolicy-worker-egress.yaml",
        "prod/infrastructure/persistentvolumeclaim-redis-data.yaml",
        "prod/infrastructure/poddisruptionbudget-redis.yaml",
        "prod/infrastructure/service-redis.yaml",
    ]
    assert [f for f in files if f.startswith("clusters/prod/")] == [
        "clusters/prod/gitrepository-flux-system-honeydue-gitops.yaml",
        "clusters/prod/kustomization-flux-system-honeydue-apps.yaml",
        "clusters/prod/kustomization-flux-system-honeydue-cluster.yaml",
        "clusters/prod/kustomization-flux-system-honeydue-infrastructure.yaml",
    ]
    assert [f for f in files if f.startswith("clusters/staging/")] == [
        "clusters/staging/application-argocd-honeydue-apps.yaml",
        "clusters/staging/application-argocd-honeydue-cluster.yaml",
        "clusters/staging/application-argocd-honeydue-infrastructure.yaml",
        "clusters/staging/appproject-argocd-honeydue.yaml",
    ]


def test_every_file_holds_exactly_one_object_under_a_generated_header(synthesized: Path):
    for path in synthesized.rglob("*.yaml"):
        environment = path.relative_to(synthesized).parts[-2 if path.parent.parent.name == "clusters" else 0]
        text = path.read_text()
        assert text.startswith(output.header(f"{CONFIG.relative_to(PROJECT)}/{environment}.yaml")), path
        assert len(load_documents(text)) == 1, path


def test_only_kubernetes_objects_are_yaml_in_synced_paths(synthesized: Path):
    for path in synthesized.rglob("*"):
        if path.is_file() and path.suffix in (".yaml", ".yml", ".json"):
            (obj,) = load_documents(path.read_text())
            assert {"apiVersion", "kind", "metadata"} <= set(obj), path
    assert (synthesized / "prod" / "INVENTORY.md").is_file()


def test_no_cdk8s_generated_names_or_labels(prod: Manifests):
    for obj in prod.objects:
        text = yamlio.dumps(obj)
        assert "cdk8s.io/" not in text, obj["metadata"]["name"]
        assert "-c8" not in obj["metadata"]["name"]


def test_standard_labels_on_every_object(prod: Manifests):
    required = {f"app.kubernetes.io/{k}" for k in ("name", "instance", "component", "part-of", "managed-by")}
    for obj in prod.objects:
        assert required <= set(obj["metadata"]["labels"]), obj["metadata"]["name"]
        assert obj["metadata"]["labels"]["app.kubernetes.io/managed-by"] == "honeydue-gitops"


def test_version_label_follows_the_image_tag_but_selectors_do_not(prod: Manifests):
    api = prod.get("Deployment", "api")
    assert api["metadata"]["labels"]["app.kubernetes.io/version"] == "6f303dbbaa"
    assert api["spec"]["selector"]["matchLabels"] == {
        "app.kubernetes.io/instance": "honeydue-prod",
        "app.kubernetes.io/name": "api",
    }


def test_keys_are_in_canonical_order():
    obj = {"spec": {"b": 1, "a": 2}, "metadata": {"labels": {}, "name": "x"}, "kind": "K", "apiVersion": "v1"}
    assert list(output.canonical(obj)) == ["apiVersion", "kind", "metadata", "spec"]
    assert list(output.canonical(obj)["metadata"]) == ["name", "labels"]
    assert list(output.canonical(obj)["spec"]) == ["a", "b"]


def test_strings_kubernetes_would_misread_are_quoted():
    text = yamlio.dumps({"args": ["yes", "no", "on", "off", "0o17", "1.0", "hello"]})
    assert text == "args:\n  - 'yes'\n  - 'no'\n  - 'on'\n  - 'off'\n  - '0o17'\n  - '1.0'\n  - hello\n"


def test_a_cdk8s_address_label_can_never_reach_dist():
    obj = {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "x", "labels": {"cdk8s.io/metadata.addr": "a"}}}
    with pytest.raises(output.OutputError, match=re.escape("names and selectors must come from charts/naming.py")):
        output.render(obj, "config/prod.yaml")


def test_two_objects_with_one_file_name_fail(tmp_path: Path):
    obj = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "x", "namespace": "honeydue"}}
    with pytest.raises(output.OutputError, match="two objects map to"):
        output.write_unit(tmp_path, [obj, obj], "config/prod.yaml", "honeydue")


def test_byte_identical_across_runs_and_hash_seeds(tmp_path: Path):
    trees = []
    for seed in ("0", "1", "4242"):
        out = tmp_path / f"dist-{seed}"
        done = subprocess.run(
            [sys.executable, str(PROJECT / "main.py"), "synth", "--out", str(out)],
            cwd=PROJECT,
            capture_output=True,
            text=True,
            env={**os.environ, "PYTHONHASHSEED": seed},
        )
        assert done.returncode == 0, done.stderr
        trees.append(tree(out))
    assert trees[0] == trees[1] == trees[2]
    assert trees[0] == tree(PROJECT / "dist"), "dist/ is stale: run make synth"


def test_no_timestamps_in_output(synthesized: Path):
    import re

    for path in synthesized.rglob("*"):
        if path.is_file():
            assert not re.search(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}", path.read_text()), path


def test_failing_synth_leaves_dist_untouched(tmp_path: Path, config_copy: Path):
    out = tmp_path / "dist"
    synth(config_copy, out)
    before = tree(out)
    text = (config_copy / "prod.yaml").read_text()
    (config_copy / "prod.yaml").write_text(text.replace("replicas: 3", "replicas: -1"))
    from gitops.config import ConfigError

    with pytest.raises(ConfigError):
        synth(config_copy, out)
    assert tree(out) == before
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".dist.") and p.is_dir()] == []


def test_objects_removed_from_config_disappear(tmp_path: Path, config_copy: Path):
    out = tmp_path / "dist"
    synth(config_copy, out)
    assert (out / "prod" / "apps" / "deployment-worker.yaml").exists()
    prod = config_copy / "prod.yaml"
    worker = "  worker:\n    resources: {cpu: 200m, memory: 256Mi, memoryLimit: 512Mi}\n"
    assert worker in prod.read_text()
    # The service goes, and with it the build prod ran of it.
    text = prod.read_text().replace(worker, "").replace("  worker: 6f303dbbaa\n", "")
    prod.write_text(text + "remove:\n  services.worker: replaced by a jobs service\n")
    synth(config_copy, out)
    assert not (out / "prod" / "apps" / "deployment-worker.yaml").exists()
    assert not (out / "prod" / "apps" / "poddisruptionbudget-worker.yaml").exists()
    assert (out / "staging" / "apps" / "deployment-worker.yaml").exists()


def test_environments_removed_from_config_disappear(tmp_path: Path, config_copy: Path):
    out = tmp_path / "dist"
    shutil.copy(config_copy / "staging.yaml", config_copy / "retired.yaml")
    synth(config_copy, out)
    assert (out / "retired" / "apps" / "deployment-api.yaml").exists()
    (config_copy / "retired.yaml").unlink()
    synth(config_copy, out)
    assert sorted(p.name for p in out.iterdir()) == [".synthesized", "clusters", "prod", "staging"]
    assert sorted(p.name for p in (out / "clusters").iterdir()) == ["prod", "staging"]
    assert "retired/" not in (out / ".synthesized").read_text()


def test_one_environment_can_be_synthesized_alone(tmp_path: Path, config_copy: Path):
    out = tmp_path / "dist"
    synth(config_copy, out, ["staging"])
    (out / "notes.md").write_text("the operator's own file, outside what a prod synth replaces\n")
    synth(config_copy, out, ["prod"])
    assert (out / "notes.md").exists()
    assert (out / "prod" / "apps" / "deployment-api.yaml").exists()
    assert (out / "staging" / "apps" / "deployment-api.yaml").exists()
    assert (out / "clusters" / "prod" / "gitrepository-flux-system-honeydue-gitops.yaml").exists()
    listed = (out / ".synthesized").read_text()
    assert "prod/apps/deployment-api.yaml\n" in listed and "staging/apps/deployment-api.yaml\n" in listed
    assert "notes.md" not in listed


def test_synth_refreshes_the_config_schema(tmp_path: Path, config_copy: Path):
    (config_copy / "schema.json").write_text("{}\n")
    synth(config_copy, tmp_path / "dist")
    assert (config_copy / "schema.json").read_text() == (CONFIG / "schema.json").read_text()


def test_staging_directories_are_ignored_by_git():
    done = subprocess.run(
        ["git", "check-ignore", "--no-index", ".dist.abc123/prod/apps/deployment-api.yaml"],
        cwd=PROJECT,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0


def test_swap_in_replaces_a_directory(tmp_path: Path):
    target, new, scratch = tmp_path / "target", tmp_path / "new", tmp_path / "scratch"
    for d, name in ((target, "old.yaml"), (new, "new.yaml")):
        d.mkdir()
        (d / name).write_text(name)
    scratch.mkdir()
    output.swap_in(new, target, scratch)
    assert sorted(p.name for p in target.iterdir()) == ["new.yaml"]
    assert not new.exists()
    shutil.rmtree(scratch)


def _swap_fixture(tmp_path: Path) -> tuple[Path, Path, Path]:
    target, new, scratch = tmp_path / "target", tmp_path / "scratch" / "new", tmp_path / "scratch"
    for d, name in ((target, "old.yaml"), (new, "new.yaml")):
        d.mkdir(parents=True)
        (d / name).write_text(name)
    return target, new, scratch


def test_swap_in_exchanges_in_one_step_and_keeps_the_old_tree_in_scratch(tmp_path: Path, monkeypatch):
    target, new, scratch = _swap_fixture(tmp_path)
    calls = []

    def exchange(a: Path, b: Path) -> bool:
        calls.append((a, b))
        a.rename(tmp_path / "swap")
        b.rename(a)
        (tmp_path / "swap").rename(b)
        return True

    monkeypatch.setattr(output.exchange, "exchange", exchange)
    output.swap_in(new, target, scratch)
    assert calls == [(new, target)]
    assert [p.name for p in target.iterdir()] == ["new.yaml"]
    assert next(p.relative_to(scratch).as_posix() for p in scratch.rglob("*.yaml")).endswith("/target/old.yaml")


def test_swap_in_falls_back_to_two_renames(tmp_path: Path, monkeypatch):
    target, new, scratch = _swap_fixture(tmp_path)
    monkeypatch.setattr(output.exchange, "exchange", lambda a, b: False)
    output.swap_in(new, target, scratch)
    assert [p.name for p in target.iterdir()] == ["new.yaml"]
    assert len(list(scratch.glob("old-*/target/old.yaml"))) == 1


def _dead_pid() -> int:
    done = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    return int(done.stdout)


def test_staging_directories_are_named_after_their_process(tmp_path: Path):
    staging = output.staging_dir(tmp_path / "dist")
    assert staging.name.startswith(f".dist.{os.getpid()}.")


def test_the_next_run_removes_staging_left_by_a_dead_process_only(tmp_path: Path):
    out = tmp_path / "dist"
    out.mkdir()
    dead = tmp_path / f".dist.{_dead_pid()}.abc"
    alive = output.staging_dir(out)
    legacy = tmp_path / ".dist.x1y2z3"  # no pid: written before staging names carried one
    for d in (dead, legacy):
        (d / "new").mkdir(parents=True)
    assert output.remove_stale_staging(out) == [dead, legacy]
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(["dist", alive.name])


def test_a_run_killed_between_the_fallback_renames_gets_its_tree_back(tmp_path: Path):
    out = tmp_path / "dist"
    old = tmp_path / f".dist.{_dead_pid()}.abc" / "old-1" / "dist"
    old.mkdir(parents=True)
    (old / "kept.yaml").write_text("kept")
    output.remove_stale_staging(out)
    assert (out / "kept.yaml").read_text() == "kept"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["dist"]
