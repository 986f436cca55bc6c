"""Post the Markdown report on a pull request, editing the earlier one instead of adding one per push.

Gitea REST API v1: GET and POST /repos/{owner}/{repo}/issues/{index}/comments
(a pull request is an issue there; the list is not paginated), PATCH
/repos/{owner}/{repo}/issues/comments/{id}. The comment this tool owns is the
one whose body starts with the report's marker line. Several --body-file
reports (the diff, then the rehearsal) make one body, in the order given, so
a pull request has one comment with everything in it.

  GITEA_TOKEN=... python -m gitops.review.diff.comment --api-url URL --repo OWNER/REPO --pr N \
      --body-file diff.md [--body-file rehearse.md ...]

The token comes from the environment, never the command line (which other
processes can read). Exit codes: 0 posted, 1 the forge refused, 2 bad usage.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from gitops.review.diff.render_md import MARKER

TOKEN_VARIABLE = "GITEA_TOKEN"


class ForgeError(Exception):
    """The forge answered with an error, or not at all."""


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

    def _call(self, method: str, url: str, payload: dict | None = None) -> object:
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

    def comments(self, index: int) -> list[dict]:
        found = self._call("GET", self._url("issues", str(index), "comments"))
        return found if isinstance(found, list) else []

    def create(self, index: int, body: str) -> object:
        return self._call("POST", self._url("issues", str(index), "comments"), {"body": body})

    def edit(self, comment_id: int, body: str) -> object:
        return self._call("PATCH", self._url("issues", "comments", str(comment_id)), {"body": body})


def own_comment(comments: list[dict], author: str | None = None) -> dict | None:
    """The oldest comment carrying the marker (by author, when one is given)."""
    mine = [
        c
        for c in comments
        if str(c.get("body", "")).lstrip().startswith(MARKER)
        and (author is None or (c.get("user") or {}).get("login") == author)
    ]
    return min(mine, key=lambda c: c.get("id", 0), default=None)


def _id(comment: object) -> int:
    if not isinstance(comment, dict) or not isinstance(comment.get("id"), int):
        raise ForgeError(f"the forge answered without a comment id: {str(comment)[:200]}")
    return comment["id"]


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


def compose(bodies: list[str]) -> str:
    """One comment of several Markdown reports, the first (the diff, with the marker) first."""
    return "\n\n".join(body.rstrip("\n") for body in bodies if body.strip()) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m gitops.review.diff.comment", description=__doc__.splitlines()[0])
    parser.add_argument("--api-url", required=True, help="the forge's API root, e.g. ${{ github.api_url }}")
    parser.add_argument("--repo", required=True, help="owner/name")
    parser.add_argument("--pr", required=True, type=int, help="pull request number (index)")
    parser.add_argument(
        "--body-file",
        required=True,
        type=Path,
        action="append",
        dest="body_files",
        help="Markdown from `main.py diff --format md` (first), then e.g. `main.py rehearse "
        "--format md`; repeatable, composed into one comment",
    )
    parser.add_argument("--author", help="only take over comments by this login")
    args = parser.parse_args(argv)
    token = os.environ.get(TOKEN_VARIABLE, "")
    if not token:
        print(f"comment: {TOKEN_VARIABLE} is not set", file=sys.stderr)
        return 2
    if "/" not in args.repo:
        print(f"comment: --repo {args.repo!r} is not owner/name", file=sys.stderr)
        return 2
    try:
        body = compose([path.read_text() for path in args.body_files])
        outcome, comment_id = upsert(Forge(args.api_url, args.repo, token), args.pr, body, args.author)
    except (OSError, ValueError) as err:
        print(f"comment: {err}", file=sys.stderr)
        return 2
    except ForgeError as err:
        print(f"comment: {err}", file=sys.stderr)
        return 1
    print(f"comment {comment_id} {outcome} on {args.repo}#{args.pr}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
