"""The offline renderer of the comment checks: CommonMark with GFM tables and raw HTML, as forges
render a pull-request comment (markdown-it-py, a dev package). The real Gitea's renderer is make
e2e-gitea's; both feed gitops/formats/markdown_check.py."""

from __future__ import annotations

from markdown_it import MarkdownIt

from gitops.formats import markdown_check

_RENDERER = MarkdownIt("commonmark", {"html": True}).enable(["table", "strikethrough"])


def render(markdown: str) -> str:
    return _RENDERER.render(markdown)


def problems(markdown: str) -> list[str]:
    """What a reader would see wrong in this Markdown, rendered as a forge renders a comment."""
    return markdown_check.problems(markdown, render(markdown))
