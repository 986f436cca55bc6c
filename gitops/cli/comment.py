"""`main.py comment`: post the review on the pull request, or edit the comment posted before.

  GITEA_TOKEN=... python main.py comment --api-url URL --repo OWNER/REPO --pr N \\
      [--step NAME EXIT_CODE LOG ...] [--body-file diff.md --body-file rehearse.md ...] \\
      [--budget CHARACTERS] [--full-report MARKDOWN] [--run-url URL]

One comment: a CI step that failed (`--step`, with its exit code and log; one that exited 0 or
did not run, code '', adds nothing) says so first, then the reports in the order given, fitted to
the budget (default 65,536 characters; detail is shortened first, never a risk flag, and a note
says what was shortened and where the whole report is). The token comes from the environment,
never the command line (which other processes can read).
Exit codes: 0 posted, 1 the forge refused, 2 bad usage.
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path

from gitops.errors import EXIT_OK, UsageError

TOKEN_VARIABLE = "GITEA_TOKEN"


def configure(parser: argparse.ArgumentParser) -> None:
    from gitops.formats.markdown_budget import DEFAULT_LIMIT

    parser.add_argument("--api-url", required=True, help="the forge's API root, e.g. ${{ github.api_url }}")
    parser.add_argument("--repo", required=True, help="owner/name")
    parser.add_argument("--pr", required=True, type=int, help="pull request number (index)")
    parser.add_argument(
        "--body-file",
        type=Path,
        action="append",
        default=[],
        dest="body_files",
        help="Markdown from `main.py diff --format md` (first), then e.g. `main.py rehearse "
        "--format md`; repeatable, composed into one comment",
    )
    parser.add_argument(
        "--step",
        nargs=3,
        action="append",
        default=[],
        metavar=("NAME", "EXIT_CODE", "LOG"),
        help="a CI step, its exit code ('' if it did not run) and its log file: a failed one opens the "
        "comment with what failed and where to look; repeatable",
    )
    parser.add_argument(
        "--budget",
        type=int,
        default=DEFAULT_LIMIT,
        help=f"the most characters the comment may have (default {DEFAULT_LIMIT:,}, the strictest common forge limit)",
    )
    parser.add_argument(
        "--full-report",
        default="",
        help="Markdown saying where the whole report is when the comment is shortened "
        "(e.g. the workflow run's artifact); default: the job log of this run",
    )
    parser.add_argument("--run-url", default="", help="the workflow run's page, where a failed step's log is")
    parser.add_argument("--author", help="only take over comments by this login")


def run(args: argparse.Namespace) -> int:
    from gitops.forge import steps
    from gitops.forge.comment import Forge, compose, upsert
    from gitops.formats import markdown as md

    token = os.environ.get(TOKEN_VARIABLE, "")
    if not token:
        raise UsageError(f"{TOKEN_VARIABLE} is not set")
    if "/" not in args.repo:
        raise UsageError(f"--repo {args.repo!r} is not owner/name")
    if not args.body_files and not args.step:
        raise UsageError("nothing to post: give --body-file or --step")
    if args.budget < 4096:
        raise UsageError(f"--budget {args.budget} is too small for a comment (at least 4096)")
    run_link = f"[this run's log]({args.run_url})" if args.run_url else "this run's log"
    try:
        failed = []
        for name, code, log in args.step:
            failed += steps.section(
                steps.read(name, code, Path(log)), f"the step {md.code(name)} in {run_link}", Path.cwd()
            )
        bodies = ["\n".join(failed)] + [path.read_text() for path in args.body_files]
        body = compose(bodies, args.budget, args.full_report or "the job log of this run")
        outcome, comment_id = upsert(Forge(args.api_url, args.repo, token), args.pr, body, args.author)
    except (OSError, ValueError) as err:
        raise UsageError(str(err)) from None
    print(f"comment {comment_id} {outcome} on {args.repo}#{args.pr} ({len(body):,} characters)")
    return EXIT_OK
