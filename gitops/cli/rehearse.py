"""`main.py rehearse`: each environment on its own throwaway cluster. Thin: arguments in, exit code out.

Exit codes: 0 every promise held, 1 a promise broken, 2 bad input (raised as gitops/errors.py
types and reported once by main.py) or the rehearsal could not run (the report, on stderr),
130 interrupted (main.py; everything the rehearsal started is stopped first).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from gitops.cli.options import add_env
from gitops.errors import UsageError
from gitops.layout import PROJECT, TOOLS_DIR
from gitops.rehearse.findings import EXIT_CANNOT_RUN, exit_code

DRILLS = ("converge", "drain", "rollout", "prune", "lose-node")


def configure(parser: argparse.ArgumentParser) -> None:
    add_env(parser, "rehearse this environment")
    parser.add_argument(
        "--base", metavar="REF", help="git revision to converge first; the rollout and prune drills then move to HEAD"
    )
    parser.add_argument(
        "--format",
        choices=("text", "md", "json"),
        default="text",
        help="report format (default: text; md is the pull-request comment)",
    )
    parser.add_argument(
        "--age-key",
        type=Path,
        metavar="FILE",
        help="age identity for Flux to decrypt SOPS Secrets with (default: SOPS is not rehearsed)",
    )
    parser.add_argument(
        "--drill",
        action="append",
        dest="drills",
        choices=DRILLS,
        help="run only these drills (repeatable; converge always runs); default: all",
    )
    parser.add_argument(
        "--adopt",
        type=Path,
        metavar="PATH",
        help="rehearse the cutover from a running cluster instead: PATH's objects (hand-written manifests or an "
        "export) applied first, then `main.py adopt`'s plan step by step (Flux environments)",
    )
    parser.add_argument("--skip-step", action="append", dest="skip_steps", default=[], help=argparse.SUPPRESS)
    parser.add_argument("--head", default="HEAD", help=argparse.SUPPRESS)
    parser.add_argument("--repo", type=Path, default=PROJECT, help=argparse.SUPPRESS)
    parser.add_argument("--tools", type=Path, default=TOOLS_DIR / "cluster", help=argparse.SUPPRESS)


def run(args: argparse.Namespace) -> int:
    from gitops.rehearse import render, repo, tools
    from gitops.rehearse.environment import environments as load
    from gitops.rehearse.findings import EnvReport
    from gitops.rehearse.rehearsal import Options, failure_of, rehearse, rehearse_adopt

    environments = load(args.repo / "config", args.envs)
    if args.adopt is not None:
        environments = _adoptable(args, environments)
    head = repo.resolve(args.repo, args.head)
    base = repo.resolve(args.repo, args.base) if args.base else None
    if base == head:
        raise UsageError(f"--base {args.base} is the commit under test itself; give the revision it changes")
    if args.age_key is not None and not args.age_key.is_file():
        raise UsageError(f"--age-key {args.age_key}: no such file")
    located = tools.locate(args.tools)
    versions = located.versions()
    options = Options(
        repo=args.repo,
        head=head,
        base=base,
        drills=tuple(args.drills or DRILLS),
        age_key=args.age_key,
        skip_steps=tuple(args.skip_steps),
    )
    reports = []
    for env in environments:
        report = EnvReport(env=env.name, engine=env.engine, commit=head, base=base, versions=versions)
        try:
            if args.adopt is not None:
                rehearse_adopt(env, located, options, report, args.adopt)
            else:
                rehearse(env, located, options, report)
        except Exception as err:  # noqa: BLE001 - any failure to run is exit 2 with the component named
            report.failure = failure_of(err)
        reports.append(report)
    out = {"text": render.text, "md": render.markdown, "json": render.as_json}[args.format](reports)
    code = exit_code(reports)
    (sys.stdout if code != EXIT_CANNOT_RUN else sys.stderr).write(out)
    return code


def _adoptable(args: argparse.Namespace, environments: list) -> list:
    """The Flux environments to rehearse a cutover for; the live input read once first, so that bad input is
    one message (exit 2) before any cluster starts."""
    from gitops.adopt.planner import plan_for

    chosen = [e for e in environments if e.engine == "flux"]
    if not chosen:
        raise UsageError("--adopt rehearses Flux's takeover; none of the chosen environments is delivered by Flux")
    if args.base:
        raise UsageError("--adopt takes over with the commit under test; --base does not apply")
    for env in chosen:
        plan_for(args.adopt, args.repo / "dist", env.name, f"config/{env.name}.yaml")
    return chosen
