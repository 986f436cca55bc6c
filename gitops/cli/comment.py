"""`main.py comment`: post the review on the pull request, or edit the comment posted before.

  GITEA_TOKEN=... python main.py comment --api-url URL --repo OWNER/REPO --pr N \\
      --body-file diff.md [--body-file rehearse.md ...]

The token comes from the environment, never the command line (which other processes can read).
Exit codes: 0 posted, 1 the forge refused, 2 bad usage.
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path

from gitops.errors import EXIT_OK, UsageError

TOKEN_VARIABLE = "GITEA_TOKEN"


def configure(parser: argparse.ArgumentParser) -> None:
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


def run(args: argparse.Namespace) -> int:
    from gitops.forge.comment import Forge, compose, upsert

    token = os.environ.get(TOKEN_VARIABLE, "")
    if not token:
        raise UsageError(f"{TOKEN_VARIABLE} is not set")
    if "/" not in args.repo:
        raise UsageError(f"--repo {args.repo!r} is not owner/name")
    try:
        body = compose([path.read_text() for path in args.body_files])
        outcome, comment_id = upsert(Forge(args.api_url, args.repo, token), args.pr, body, args.author)
    except (OSError, ValueError) as err:
        raise UsageError(str(err)) from None
    print(f"comment {comment_id} {outcome} on {args.repo}#{args.pr}")
    return EXIT_OK
