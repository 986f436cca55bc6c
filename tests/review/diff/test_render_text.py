"""The terminal report: the same facts as the comment, as plain lines."""

from __future__ import annotations

from pathlib import Path

from gitops.k8s import manifests
from gitops.review.diff import render_text
from tests import dist_copies
from tests.review.diff import kit as diffkit


def test_the_realistic_change_as_text(synthesized: Path, tmp_path: Path):
    before, after, old_tag = diffkit.realistic_change(synthesized, tmp_path)
    lines = render_text.render(diffkit.compare(before, after)).splitlines()
    unchanged = len(manifests.load([before])) - 3
    assert lines[:8] == [
        "before → after",
        f"objects: 0 added, 1 removed, 2 changed, {unchanged} unchanged",
        "risks: 2 high, 0 medium, 0 low",
        "",
        "workloads:",
        f"  Deployment honeydue/api: image honeydue-api {old_tag} → {diffkit.NEW_API_TAG}; {diffkit.API_ROLLOUT}",
        "  Deployment honeydue/worker: replicas 1 → 2",
        "",
    ]
    start = lines.index("risks, highest first:")
    assert lines[start + 1 : start + 3] == [
        "  HIGH    Deployment honeydue/worker spec.replicas: the base runs it as a singleton (1 replica, Recreate): 2 "
        "copies will now run at the same time. Seen before: the migration's two workers: Asynq's scheduler is a "
        "singleton, and each copy enqueued every periodic job, so every job ran twice.",
        "  HIGH    PersistentVolumeClaim honeydue/redis-data: removed from git while Deployment honeydue/redis still "
        "mounts it: prune is disabled on it, so the claim and its data stay in the cluster, but unmanaged and one "
        "manual delete away from being lost.",
    ]
    changes = lines[lines.index("changes:") + 1 :]
    assert changes[2:] == [
        "  ~ Deployment honeydue/worker (apps/v1)",
        "      spec.replicas: 1 → 2",
        "  - PersistentVolumeClaim honeydue/redis-data (v1)",
    ]


def test_multi_line_text_shows_as_a_line_diff_and_blocks_as_yaml(tmp_path: Path):
    template = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: conf}\ndata:\n  nginx.conf: |\n%s"
    (tmp_path / "a.yaml").write_text(template % "    worker_processes 1;\n    events {}\n")
    (tmp_path / "b.yaml").write_text(template % "    worker_processes 2;\n    events {}\n")
    lines = render_text.render(diffkit.compare(tmp_path / "a.yaml", tmp_path / "b.yaml")).splitlines()
    assert lines[-6:] == [
        "  ~ ConfigMap conf (v1)",
        "      data['nginx.conf']:",
        "          @@ -1,2 +1,2 @@",
        "          -worker_processes 1;",
        "          +worker_processes 2;",
        "           events {}",
    ]


def test_no_changes_says_so(synthesized: Path, tmp_path: Path):
    before, after = diffkit.before_after(synthesized, tmp_path)
    count = len(manifests.load([before]))
    text = render_text.render(diffkit.compare(before, after))
    assert text == f"before → after\nno changes ({count} objects compared)\n"


def test_the_realistic_change_as_text_as_a_whole(synthesized: Path, tmp_path: Path, snapshot):
    before, after, _ = diffkit.realistic_change(synthesized, tmp_path)
    assert render_text.render(diffkit.compare(before, after)) == snapshot


def test_a_network_policy_peer_added_in_front_reads_as_one_insertion(synthesized: Path, tmp_path: Path):
    before, after = diffkit.before_after(synthesized, tmp_path)
    notifier = {
        "podSelector": {
            "matchLabels": {"app.kubernetes.io/instance": "honeydue-prod", "app.kubernetes.io/name": "notifier"}
        }
    }
    dist_copies.edit(
        after, "NetworkPolicy", "redis-ingress", lambda obj: obj["spec"]["ingress"][0]["from"].insert(0, notifier)
    )
    lines = render_text.render(diffkit.compare(before, after)).splitlines()
    assert lines[lines.index("changes:") + 1 :] == [
        "  ~ NetworkPolicy honeydue/redis-ingress (networking.k8s.io/v1)",
        "      spec.ingress[0].from[0]:",
        "        before: (absent)",
        "        after:",
        "          podSelector:",
        "            matchLabels:",
        "              app.kubernetes.io/instance: honeydue-prod",
        "              app.kubernetes.io/name: notifier",
    ]


def test_the_issues_examples_as_text_as_a_whole(synthesized: Path, tmp_path: Path, snapshot):
    def change(config: Path) -> None:
        diffkit.move_redis(config)
        diffkit.add_notifier(config)

    assert render_text.render(diffkit.whole_dist_change(synthesized, tmp_path, change)) == snapshot
