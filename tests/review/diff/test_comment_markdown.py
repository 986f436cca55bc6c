"""The comment's Markdown as a forge renders it (CommonMark with GFM tables, offline): every code block
closed and holding its value, every table a table, every <details> balanced, for real reports and for
values holding what Markdown gives meaning to. make e2e-gitea runs the same check on Gitea's renderer."""

from __future__ import annotations

from pathlib import Path

from gitops.formats import markdown as md
from gitops.review.diff import render_md
from gitops.review.diff.load import Loader
from gitops.review.diff.report import build
from tests import commonmark, dist_copies
from tests.builds import pinned_config
from tests.review.diff import kit as diffkit


def _compare_dist(before: Path, after: Path) -> str:
    loader = Loader()
    old = loader.load("main", [before], dist_root=before)
    new = loader.load("pull request", [after], dist_root=after)
    return render_md.render(build(old, new))


def test_the_config_change_renders_with_every_block_in_place(synthesized: Path, tmp_path: Path):
    comment = _compare_dist(synthesized, diffkit.config_change(pinned_config(), tmp_path))
    assert commonmark.problems(comment) == []
    html = commonmark.render(comment)
    # The multi-line value inside a list (the NetworkPolicy peer) and the list value (the spread
    # constraints) sit whole in their blocks, at the margin.
    assert '<pre><code class="language-yaml">podSelector:\n  matchLabels:\n' in html
    assert '<pre><code class="language-yaml">- labelSelector:\n    matchLabels:\n' in html
    assert comment.count("<details>") == comment.count("</details>") == 8


def test_the_realistic_change_and_the_snapshot_render_as_written(synthesized: Path, tmp_path: Path, snapshot):
    before, after, _ = diffkit.realistic_change(synthesized, tmp_path)
    assert commonmark.problems(render_md.render(diffkit.compare(before, after))) == []


NASTY = "pipe | backtick ` fence ``` <details> </details> <!-- & &amp; *em* _u_ [l](u) \\ ~~s~~"


def test_values_holding_markup_stay_in_their_blocks_and_cells(synthesized: Path, tmp_path: Path):
    before, after = diffkit.before_after(synthesized, tmp_path)

    def nasty(obj: dict) -> None:
        obj["data"]["SMTP_HOST"] = NASTY  # one line: inline code
        obj["data"]["MULTI"] = f"  leading spaces\n```\n{NASTY}\n\ttab\n</details>\n"  # added, a block
        obj["data"]["B2_REGION"] = f"first\n{NASTY}\n````\nlast"  # text against text: a line diff
        obj["metadata"]["annotations"] = {"note": NASTY * 3}  # a long mapping: a YAML block

    dist_copies.edit(after, "ConfigMap", "honeydue-settings", nasty)

    def host(obj: dict) -> None:
        obj["spec"]["rules"][0]["host"] = "a|b`<x>.example"

    dist_copies.edit(before, "Ingress", "admin", host)
    dist_copies.remove(after, "Ingress", "admin")
    comment = render_md.render(diffkit.compare(before, after))
    assert commonmark.problems(comment) == []
    structure = md.scan(comment)
    assert any(NASTY in line for fence in structure.fences for line in fence.content)
