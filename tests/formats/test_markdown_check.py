"""The check of rendered Markdown catches each way a comment can read wrong."""

from __future__ import annotations

from gitops.formats import markdown_check
from tests import commonmark


def test_a_well_formed_comment_has_no_problems():
    text = (
        "### T\n\n| a | b |\n| --- | --- |\n| 1 | 2 |\n\n"
        "<details>\n<summary>s</summary>\n\n```yaml\nk: v\n```\n\n</details>\n"
    )
    assert commonmark.problems(text) == []


def test_a_multi_line_value_indented_only_on_its_first_line_escapes_its_block():
    # The NetworkPolicy "after" value as the comment wrote it before the fix: the block's first line
    # indented into the list item, the rest at the margin, so the list item (and the block) ends there.
    text = "\n".join(
        [
            "<details>",
            "<summary>~ changed: NetworkPolicy honeydue/redis-ingress</summary>",
            "",
            "- `spec.ingress[0].from[2]`:",
            "  - after:",
            "",
            "    ```yaml",
            "    podSelector:",
            "  matchLabels:",
            "    app.kubernetes.io/name: worker",
            "    ```",
            "",
            "</details>",
        ]
    )
    found = commonmark.problems(text)
    assert found[0] == "1 code block(s) written, 2 rendered"
    assert "the code block written at line 7 renders with other text (line 2: written 'matchLabels:'" in found[1]
    assert "holds 2 code block(s) and 0 table(s) when rendered, 1 and 0 written" in found[2]


def test_broken_tables_details_and_markup_are_named():
    assert commonmark.problems("| a | b |\n| --- | --- |\n| 1 | 2 | 3 |\n") == [
        "written: line 3: a table row of 3 cell(s) under a header of 2: '| 1 | 2 | 3 |'"
    ]
    assert commonmark.problems("<details>\n<summary>s</summary>\n\ntext\n") == [
        "written: line 1: <details> is never closed",
        "rendered: 1 <details> never closed",
    ]
    assert markdown_check.problems("a <b>", "<p>a <b></b></p>") == [
        "rendered HTML elements no comment writes (text read as markup?): ['b']"
    ]
    assert markdown_check.problems("```\nx\n```\n", "<p>```\nx\n```</p>") == ["1 code block(s) written, 0 rendered"]


def test_gitea_s_code_block_wrappers_read_as_one_block():
    html = (
        '<div class="code-block-container code-overflow-scroll"><pre class="code-block">'
        '<code class="chroma language-diff display"><span class="gd">-  replicas: 1\n</span>'
        '<span class="gi">+  replicas: 2\n</span></code></pre></div>'
    )
    assert markdown_check.problems("```diff\n-  replicas: 1\n+  replicas: 2\n```\n", html) == []
