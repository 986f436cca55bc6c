"""Helpers for the diff tests: two copies of real output, the change between them, its risks.

Editing the copies is tests/dist_copies.py's."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

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


def config_change(synthesized: Path, tmp_path: Path, change: Callable[[Path], None], env: str = "prod") -> Report:
    """What an edit of config/ does: the project's config, changed by change(config_dir), synthesized and
    compared with the project's own output for env."""
    from gitops.render.synth import synth
    from tests.conftest import CONFIG

    config = tmp_path / "config"
    shutil.copytree(CONFIG, config)
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
    from gitops.render.synth import synth
    from tests.conftest import CONFIG

    config = tmp_path / "config"
    shutil.copytree(CONFIG, config)
    change(config)
    synth(config, tmp_path / "dist", write_schema=False)
    loader = Loader()
    return report.build(
        loader.load("main", [synthesized], synthesized), loader.load("pr", [tmp_path / "dist"], tmp_path / "dist")
    )


NOTIFIER = """
  notifier:
    component: worker
    image: gitea.treytartt.com/treytartt/honeydue-notifier:6f303dbbaa
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


def move_redis(config: Path) -> None:
    """Redis pinned to another node (the issue's first example)."""
    replace_in(config / "prod.yaml", "node: ubuntu-8gb-nbg1-2", "node: ubuntu-8gb-nbg1-1")
