"""Helpers for the diff tests: two copies of real output, the change between them, its risks.

Editing the copies is tests/dist_copies.py's."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

from gitops.formats.yamlio import dumps
from gitops.render.synth import synth
from gitops.review.diff import report
from gitops.review.diff.load import Loader
from gitops.review.diff.model import Report
from gitops.review.findings import Severity
from tests.dist_copies import container, copy_env, edit, obj, remove


def before_after(synthesized: Path, tmp_path: Path, env: str = "prod") -> tuple[Path, Path]:
    return copy_env(synthesized, tmp_path, env, "before"), copy_env(synthesized, tmp_path, env, "after")


def compare(before: Path, after: Path) -> Report:
    loader = Loader()
    return report.build(loader.load("before", [before]), loader.load("after", [after]))


def risks(result: Report) -> list[tuple[str, str, str, str]]:
    """(level, object, field, message) of every risk, highest first."""
    return [(r.severity.label, str(r.subject), r.field, r.message) for r in result.risks]


def risks_of(result: Report, kind: str, name: str) -> list[tuple[str, str, str]]:
    return [(r.severity.label, r.field, r.message) for r in result.risks if r.kind == kind and r.name == name]


def levels(result: Report) -> list[Severity]:
    return [r.severity for r in result.risks]


NEW_API_TAG = "1a2b3c4d5e"
# What the api's new image does when it rolls out (gitops/k8s/rollout.py): one pod at a time, 240 s each at worst.
API_ROLLOUT = "rollout: 3 pods, 1 at a time (3 waves), at least 3 of 3 Ready; worst case 12 min (3 × 240 s)"


def realistic_change(synthesized: Path, tmp_path: Path) -> tuple[Path, Path, str]:
    """The review example: a new api image tag, the worker scaled to 2, the redis claim removed.

    Returns both directories and the api's old tag.
    """
    before, after = before_after(synthesized, tmp_path)
    old_image = container(obj(before, "Deployment", "api"), "api")["image"]
    repository, _, old_tag = old_image.rpartition(":")

    def new_tag(obj: dict) -> None:
        container(obj, "api")["image"] = f"{repository}:{NEW_API_TAG}"

    edit(after, "Deployment", "api", new_tag)
    edit(after, "Deployment", "worker", lambda obj: obj["spec"].update(replicas=2))
    remove(after, "PersistentVolumeClaim", "redis-data")
    return before, after, old_tag


Edit = tuple[str, str, str]  # (file under config/, text that is there once, its replacement)

# A change as a pull request makes it, in config/: a new api image everywhere, staging's api scaled to two
# replicas (which adds its topologySpreadConstraints, a list shown as a YAML block), and the admin
# panel reading REDIS_URL (which inserts a peer in front of the others in redis-ingress: a multi-line
# value inside a list). make e2e-gitea opens its pull request with the same edits.
CONFIG_CHANGE: list[Edit] = [
    ("staging.yaml", "  api: 6f303dbbaa\n", f"  api: {NEW_API_TAG}\n"),
    ("prod.yaml", "  api: 6f303dbbaa\n", f"  api: {NEW_API_TAG}\n"),
    (
        "base.yaml",
        "    settings: [API_PUBLIC_URL, ADMIN_PUBLIC_URL]\n",
        "    settings: [API_PUBLIC_URL, ADMIN_PUBLIC_URL, REDIS_URL]\n",
    ),
    ("staging.yaml", "  api:\n    hosts:", "  api:\n    replicas: 2\n    hosts:"),
]


def apply(root: Path, edits: list[Edit]) -> None:
    """Each edit once (its text must be there exactly once) to the files under root."""
    for file, old, new in edits:
        path = root / file
        text = path.read_text()
        assert text.count(old) == 1, f"{file} no longer holds {old!r} once"
        path.write_text(text.replace(old, new))


def config_change(config: Path, tmp_path: Path) -> Path:
    """dist/ synthesized from a copy of config/ with CONFIG_CHANGE applied."""
    edited = tmp_path / "config-changed"
    shutil.copytree(config, edited)
    apply(edited, CONFIG_CHANGE)
    out = tmp_path / "dist-changed"
    synth(edited, out, write_schema=False)
    return out


def _deployment(index: int, replicas: int, tag: str, note: str) -> dict:
    name = f"svc-{index:03d}"
    labels = {"app.kubernetes.io/name": name, "app.kubernetes.io/part-of": "bench"}
    container = {
        "name": name,
        "image": f"gitea.treytartt.com/treytartt/{name}:{tag}",
        "env": [{"name": f"SETTING_{n}", "value": f"{note}-{n}"} for n in range(6)],
        "resources": {"requests": {"cpu": "10m", "memory": "16Mi"}},
    }
    return {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": name, "namespace": "bench", "labels": labels, "annotations": {"note": note}},
        "spec": {
            "replicas": replicas,
            "selector": {"matchLabels": labels},
            "template": {"metadata": {"labels": labels}, "spec": {"containers": [container]}},
        },
    }


def _config_map(index: int) -> dict:
    lines = "\n".join(f"line {n} of a generated file | with `markup` <b>" for n in range(30))
    return {
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": {"name": f"files-{index:03d}", "namespace": "bench"},
        "data": {"file.txt": lines + "\n"},
    }


def synthetic_change(tmp_path: Path, changed: int = 200, added: int = 50, removed: int = 50) -> tuple[Path, Path]:
    """A change of changed + added + removed objects: every Deployment scaled to 0 (a high risk each) with a
    new image, new settings and a note of several lines; ConfigMaps of 30 lines added and removed (each
    removal a risk)."""
    before, after = tmp_path / "before", tmp_path / "after"
    for side in (before, after):
        side.mkdir(parents=True)
    long_note = "\n".join(f"the rollout note, line {n}" for n in range(12))
    for index in range(changed):
        (before / f"deployment-{index}.yaml").write_text(dumps(_deployment(index, 2, "6f303dbbaa", "old")))
        (after / f"deployment-{index}.yaml").write_text(dumps(_deployment(index, 0, "1a2b3c4d5e", long_note)))
    for index in range(removed):
        (before / f"configmap-{index}.yaml").write_text(dumps(_config_map(index)))
    for index in range(removed, removed + added):
        (after / f"configmap-{index}.yaml").write_text(dumps(_config_map(index)))
    return before, after


def config_edit(synthesized: Path, tmp_path: Path, change: Callable[[Path], None], env: str = "prod") -> Report:
    """What an edit of config/ does: the project's config, changed by change(config_dir), synthesized and
    compared with the project's own output for env."""
    from tests.builds import pinned_config

    config = tmp_path / "config"
    shutil.copytree(pinned_config(), config)
    change(config)
    out = tmp_path / "changed"
    synth(config, out, [env], write_schema=False)
    return compare(synthesized / env, out / env)


def replace_in(path: Path, old: str, new: str) -> None:
    """One exact edit of a config file, the way a person makes it."""
    text = path.read_text()
    assert text.count(old) == 1, f"{old!r} is not in {path} exactly once"
    path.write_text(text.replace(old, new))


def whole_dist_change(synthesized: Path, tmp_path: Path, change: Callable[[Path], None]) -> Report:
    """Both environments, as `main.py diff` reads dist/ trees: the project's output against changed config."""
    from tests.builds import pinned_config

    config = tmp_path / "config"
    shutil.copytree(pinned_config(), config)
    change(config)
    synth(config, tmp_path / "dist", write_schema=False)
    loader = Loader()
    return report.build(
        loader.load("main", [synthesized], synthesized), loader.load("pr", [tmp_path / "dist"], tmp_path / "dist")
    )


NOTIFIER = """
  notifier:
    component: worker
    image: gitea.treytartt.com/treytartt/honeydue-notifier
    health: {kind: none, reason: a queue consumer with no endpoint}
    settings: [REDIS_URL]
    secretEnv:
      WEBHOOK_URL: {secret: honeydue-notify, key: WEBHOOK_URL}
    resources: {cpu: 50m, memory: 64Mi, memoryLimit: 128Mi}
"""
NOTIFY_SECRET = """secrets:
  honeydue-notify:
    description: Webhook the notifier posts to
    keys: [WEBHOOK_URL]
"""


def add_notifier(config: Path) -> None:
    """A new service that reads a new Secret (the issue's second example)."""
    base = config / "base.yaml"
    base.write_text(base.read_text().replace("secrets:\n", NOTIFY_SECRET, 1) + NOTIFIER)
    for env in ("prod", "staging"):
        replace_in(config / f"{env}.yaml", "\nimages:\n", "\nimages:\n  notifier: 6f303dbbaa\n")


def move_redis(config: Path) -> None:
    """Redis pinned to another node (the issue's first example)."""
    replace_in(config / "prod.yaml", "node: ubuntu-8gb-nbg1-2", "node: ubuntu-8gb-nbg1-1")
