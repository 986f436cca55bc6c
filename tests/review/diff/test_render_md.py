"""The pull-request comment: marker, title, summary, risks highest first, one <details> per object."""

from __future__ import annotations

import json
from pathlib import Path

from gitops.k8s import manifests
from gitops.review.diff import render_md
from gitops.review.diff.render_md import MARKER, cell, code
from tests import dist_copies
from tests.review.diff import kit as diffkit


def _lines(before: Path, after: Path) -> list[str]:
    return render_md.render(diffkit.compare(before, after)).splitlines()


def test_the_realistic_change_reads_without_opening_the_yaml(synthesized: Path, tmp_path: Path):
    before, after, old_tag = diffkit.realistic_change(synthesized, tmp_path)
    lines = _lines(before, after)
    unchanged = len(manifests.load([before])) - 3
    summary = [
        MARKER,
        "### Cluster changes: `before` → `after`",
        "",
        "| Added | Removed | Changed | Unchanged | Risks |",
        "| ---: | ---: | ---: | ---: | --- |",
        f"| 0 | 1 | 2 | {unchanged} | 2 high, 0 medium, 0 low |",
        "",
        "| Workload | Change |",
        "| --- | --- |",
        f"| Deployment honeydue/api | image honeydue-api {old_tag} → {diffkit.NEW_API_TAG}<br>{diffkit.API_ROLLOUT} |",
        "| Deployment honeydue/worker | replicas 1 → 2 |",
    ]
    assert lines[: len(summary)] == summary
    risks = lines.index("#### Risks, highest first")
    assert lines[risks + 2 : risks + 7] == [
        "<!-- keep: never shortened -->",
        "| Level | Object | Field | Why |",
        "| --- | --- | --- | --- |",
        "| **high** | Deployment honeydue/worker | `spec.replicas` | the base runs it as a singleton (1 replica, "
        "Recreate): 2 copies will now run at the same time. Seen before: the migration's two workers: Asynq's "
        "scheduler is a singleton, and each copy enqueued every periodic job, so every job ran twice. |",
        "| **high** | PersistentVolumeClaim honeydue/redis-data | (object) | removed from git while Deployment "
        "honeydue/redis still mounts it: prune is disabled on it, so the claim and its data stay in the cluster, "
        "but unmanaged and one manual delete away from being lost. |",
    ]
    assert [line for line in lines if line.startswith("<summary>")] == [
        "<summary>~ changed: Deployment honeydue/api (apps/v1), 1 field(s)</summary>",
        "<summary>~ changed: Deployment honeydue/worker (apps/v1), 1 field(s)</summary>",
        "<summary>− removed: PersistentVolumeClaim honeydue/redis-data (v1), whole object</summary>",
    ]
    assert lines.count("<details>") == lines.count("</details>") == 3
    old_image = dist_copies.container(dist_copies.obj(before, "Deployment", "api"), "api")["image"]
    new_image = f"{old_image.rpartition(':')[0]}:{diffkit.NEW_API_TAG}"
    assert f"- `spec.template.spec.containers[api].image`: `{old_image}` → `{new_image}`" in lines
    assert lines.index("#### Objects") > risks


def _scramble(node: object) -> object:
    """Same data, every mapping's keys reversed and every named list reversed."""
    if isinstance(node, dict):
        return {key: _scramble(node[key]) for key in reversed(list(node))}
    if isinstance(node, list):
        items = [_scramble(item) for item in node]
        named = all(isinstance(i, dict) and "name" in i for i in items)
        return list(reversed(items)) if named else items
    return node


def test_reformatting_and_reordering_are_no_changes(synthesized: Path, tmp_path: Path):
    before, after = diffkit.before_after(synthesized, tmp_path)
    count = 0
    for resource in manifests.load([after]):
        # JSON is YAML too: different quoting, layout, comments gone, keys and env/containers reordered.
        resource.path.write_text("# hand-edited\n" + json.dumps(_scramble(resource.obj), indent=4))
        count += 1
    assert count > 10
    env_names = [
        [e["name"] for e in dist_copies.container(dist_copies.obj(side, "Deployment", "api"), "api")["env"]]
        for side in (before, after)
    ]
    assert env_names[1] == list(reversed(env_names[0])) != env_names[0]
    assert _lines(before, after) == [
        MARKER,
        "### Cluster changes: `before` → `after`",
        "",
        f"No changes: {count} objects compared, all identical.",
    ]


def test_table_cells_escape_pipes_and_newlines(synthesized: Path, tmp_path: Path):
    assert cell("a|b\nc") == "a\\|b<br>c"
    assert code("x`y") == "`` x`y ``"
    before, after = diffkit.before_after(synthesized, tmp_path)

    def pipe_host(obj: dict) -> None:
        (rule,) = obj["spec"]["rules"]
        rule["host"] = "a|b.example"

    dist_copies.edit(before, "Ingress", "admin", pipe_host)
    dist_copies.remove(after, "Ingress", "admin")
    (row,) = [line for line in _lines(before, after) if line.startswith("| **high** | Ingress")]
    assert row == (
        "| **high** | Ingress honeydue/admin | (object) | removed from git: the engine prunes it, and "
        "requests for a\\|b.example are no longer routed (404). |"
    )


def test_the_realistic_change_comment_as_a_whole(synthesized: Path, tmp_path: Path, snapshot):
    """The whole comment a reviewer reads, pinned: any change to its wording or layout shows in review."""
    before, after, _ = diffkit.realistic_change(synthesized, tmp_path)
    assert render_md.render(diffkit.compare(before, after)) == snapshot


def test_the_issues_examples_comment_as_a_whole(synthesized: Path, tmp_path: Path, snapshot):
    """Redis moved off its volume's node and a new service reading a new Secret: once 'risks: 0'."""

    def change(config: Path) -> None:
        diffkit.move_redis(config)
        diffkit.add_notifier(config)

    assert render_md.render(diffkit.whole_dist_change(synthesized, tmp_path, change)) == snapshot
