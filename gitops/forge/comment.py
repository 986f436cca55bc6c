"""Post the Markdown report on a pull request, editing the earlier one instead of adding one per push.

Gitea REST API v1: GET and POST /repos/{owner}/{repo}/issues/{index}/comments
(a pull request is an issue there; the list is not paginated), PATCH
/repos/{owner}/{repo}/issues/comments/{id}. The comment this tool owns is the
one whose body starts with the report's marker line. Several --body-file
reports (the diff, then the rehearsal) make one body, in the order given, so
a pull request has one comment with everything in it: the marker first, then
any failed CI step (gitops/forge/steps.py), then the reports, the whole fitted to
the size budget (gitops/formats/markdown_budget.py), which shortens detail and
never a risk flag.

The command is `main.py comment` (gitops/cli/comment.py).
"""

from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from typing import Any

from gitops.errors import EXIT_FAILED, GitopsError
from gitops.formats import markdown_budget
from gitops.review.diff.render_md import MARKER


class ForgeError(GitopsError):
    """The forge answered with an error, or not at all: exit 1, the comment could not be posted."""

    exit_code = EXIT_FAILED


@dataclass(frozen=True)
class Forge:
    api_url: str
    repo: str
    token: str
    timeout: float = 30.0

    def _url(self, *parts: str) -> str:
        owner, _, name = self.repo.partition("/")
        path = "/".join(urllib.parse.quote(p, safe="") for p in ("repos", owner, name, *parts))
        return f"{self.api_url.rstrip('/')}/{path}"

    def _call(self, method: str, url: str, payload: dict[str, str] | None = None) -> object:
        data = None if payload is None else json.dumps(payload).encode()
        request = urllib.request.Request(
            url,
            data=data,
            method=method,
            headers={
                "Authorization": f"token {self.token}",
                "Accept": "application/json",
                "Content-Type": "application/json",
            },
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                return json.loads(response.read() or b"null")
        except urllib.error.HTTPError as err:
            detail = err.read().decode(errors="replace").strip()[:300]
            raise ForgeError(f"{method} {url}: HTTP {err.code} {detail}") from None
        except (urllib.error.URLError, TimeoutError, json.JSONDecodeError) as err:
            raise ForgeError(f"{method} {url}: {err}") from None

    def comments(self, index: int) -> list[dict[str, Any]]:
        found = self._call("GET", self._url("issues", str(index), "comments"))
        return [c for c in found if isinstance(c, dict)] if isinstance(found, list) else []

    def create(self, index: int, body: str) -> object:
        return self._call("POST", self._url("issues", str(index), "comments"), {"body": body})

    def edit(self, comment_id: int, body: str) -> object:
        return self._call("PATCH", self._url("issues", "comments", str(comment_id)), {"body": body})


def own_comment(comments: list[dict[str, Any]], author: str | None = None) -> dict[str, Any] | None:
    """The oldest comment carrying the marker (by author, when one is given)."""
    mine = [
        c
        for c in comments
        if str(c.get("body", "")).lstrip().startswith(MARKER)
        and (author is None or (c.get("user") or {}).get("login") == author)
    ]
    return min(mine, key=lambda c: c.get("id", 0), default=None)


def _id(comment: object) -> int:
    found = comment.get("id") if isinstance(comment, dict) else None
    if not isinstance(found, int):
        raise ForgeError(f"the forge answered without a comment id: {str(comment)[:200]}")
    return found


def upsert(forge: Forge, index: int, body: str, author: str | None = None) -> tuple[str, int]:
    """Create the comment, or edit the existing one; ('created'|'updated'|'unchanged', comment id)."""
    if not body.lstrip().startswith(MARKER):
        raise ValueError("the body does not start with the marker line; render it with --format md")
    existing = own_comment(forge.comments(index), author)
    if existing is None:
        return "created", _id(forge.create(index, body))
    if existing.get("body") == body:
        return "unchanged", _id(existing)
    return "updated", _id(forge.edit(_id(existing), body))


def compose(
    bodies: list[str], limit: int = markdown_budget.DEFAULT_LIMIT, whole: str = "the job log of this run"
) -> str:
    """One comment of several Markdown parts in the order given, under the marker line (the reports'
    own marker lines are dropped), fitted to `limit` characters; `whole` says where the whole report is."""
    parts = []
    for body in bodies:
        lines = body.rstrip("\n").split("\n")
        kept = [line for line in lines if line.strip() != MARKER]
        if "".join(kept).strip():
            parts.append("\n".join(kept).strip("\n"))
    text = MARKER + "\n" + "\n\n".join(parts)
    return markdown_budget.fit(text, limit, whole).text.rstrip("\n") + "\n"
