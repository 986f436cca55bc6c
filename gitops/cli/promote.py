"""`main.py promote`: the target environment gets the builds the source runs, with a proof of parity.

  python main.py promote --from staging --to prod [SERVICE ...] [--commit] [--allow-dirty]

Copies the builds the source runs into the target's config (every service, or those named),
renders the target again and proves promotion parity: for each promoted service, the target's
rendered change equals the source's since the source last ran the target's build, field by field,
beside the fields each environment sets for itself. docs/shipping.md.

Exit codes: 0 promoted with parity (or nothing to promote), 1 parity fails (the promotion is left
uncommitted in the work tree, each difference listed), 2 bad input (nothing changed), 130 interrupted.
"""

from __future__ import annotations

import argparse
import sys

from gitops.cli.interrupts import terminate_as_interrupt
from gitops.cli.options import add_shipping, add_tree
from gitops.errors import EXIT_FAILED, EXIT_OK
from gitops.k8s.images import short_version


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--from", dest="source", required=True, metavar="ENV", help="the environment that ran the builds, e.g. staging"
    )
    parser.add_argument(
        "--to", dest="target", required=True, metavar="ENV", help="the environment that gets them, e.g. prod"
    )
    parser.add_argument("services", nargs="*", metavar="SERVICE", help="only these services (default: every one)")
    add_shipping(parser, "promote")
    add_tree(parser)


def run(args: argparse.Namespace) -> int:
    with terminate_as_interrupt():  # a cancelled CI job stops as a Ctrl-C does
        return _run(args)


def _run(args: argparse.Namespace) -> int:
    from gitops.review.diff import render_text
    from gitops.ship.change import Tree
    from gitops.ship.promote import promote

    tree = Tree(args.repo, args.config_dir, args.out)
    done = promote(tree, args.source, args.target, args.services, allow_dirty=args.allow_dirty, commit=args.commit)
    if done.report is None:
        print(f"{done.target} already runs the builds {done.source} runs: nothing to promote")
        return EXIT_OK
    builds = ", ".join(f"{s.service} {short_version(s.new)} (was {short_version(s.old)})" for s in done.steps)
    rendered = ", ".join(f"{tree.dist}/{env}/" for env in done.rendered)
    print(f"{done.target} gets {builds} from {done.source}: {done.file} edited, {rendered} rendered")
    print()
    sys.stdout.write(render_text.render(done.report))
    if not done.holds:
        print()
        print(
            f"parity fails: {done.file} and {rendered} hold the promotion, uncommitted; docs/shipping.md says what "
            'to do ("When parity fails")'
        )
        return EXIT_FAILED
    if done.commit:
        print()
        print(f"committed {done.commit[:10]} on {done.branch}")
        print(
            f"next: git push origin {done.branch} and open a pull request into main; "
            "its comment leads with this verdict"
        )
    return EXIT_OK
