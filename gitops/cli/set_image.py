"""`main.py set-image`: an environment runs a new build of a service; what the app's CI calls.

  python main.py set-image SERVICE REF --env ENV [--commit] [--allow-dirty]

REF is what CI pushed, a whole reference (registry/owner/name:tag, @sha256:<digest>, or both) or
only its tag or digest. The one line images.<SERVICE> of config/<ENV>.yaml is edited in place,
dist/<ENV>/ is rendered again, and the review of the change against HEAD is printed. With --commit
the change is committed as config says (shipping.builds): on a branch of its own for a pull
request, or on the current branch. docs/shipping.md.

Exit codes: 0 done (or nothing to change), 2 bad input (nothing changed), 130 interrupted.
"""

from __future__ import annotations

import argparse
import sys

from gitops.cli.interrupts import terminate_as_interrupt
from gitops.cli.options import add_shipping, add_tree
from gitops.errors import EXIT_OK
from gitops.k8s.images import short_version


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("service", metavar="SERVICE", help="a service under services: in config, e.g. api")
    parser.add_argument(
        "ref",
        metavar="REF",
        help="the build: registry/owner/name:tag, ...@sha256:<digest> or both, or only the tag or digest",
    )
    parser.add_argument("--env", required=True, metavar="ENV", help="the environment that runs it, e.g. staging")
    add_shipping(parser, "set-image")
    add_tree(parser)


def run(args: argparse.Namespace) -> int:
    with terminate_as_interrupt():  # a cancelled CI job stops as a Ctrl-C does
        return _run(args)


def _run(args: argparse.Namespace) -> int:
    from gitops.review.diff import render_text
    from gitops.ship.change import Tree
    from gitops.ship.setimage import set_image

    tree = Tree(args.repo, args.config_dir, args.out)
    done = set_image(tree, args.service, args.ref, args.env, allow_dirty=args.allow_dirty, commit=args.commit)
    old, new = short_version(done.old), short_version(done.new)
    if done.report is None:
        print(f"{done.env} already runs {done.service} {new} ({done.file}): nothing to change")
        return EXIT_OK
    rendered = ", ".join(f"{tree.dist}/{env}/" for env in done.rendered)
    print(f"{done.env} runs {done.service} {new} (was {old}): {done.file}:{done.line} edited, {rendered} rendered")
    print()
    sys.stdout.write(render_text.render(done.report))
    if done.commit:
        how = "by pull request" if done.pull_request else "by a commit on the current branch"
        print()
        print(
            f"committed {done.commit[:10]} on {done.branch}: {done.env} takes builds {how} "
            f"(shipping.builds in {done.file})"
        )
        target = "and open a pull request into main" if done.pull_request else ""
        print(f"next: git push origin {done.branch} {target}".rstrip())
    return EXIT_OK
