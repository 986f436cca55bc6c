"""`main.py rehearse`: each environment on its own throwaway cluster. Thin: arguments in, exit code out.

Exit codes: 0 every promise held, 1 a promise broken, 2 bad input or the rehearsal could not run.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from gitops.layout import PROJECT, TOOLS_DIR
from gitops.rehearse.findings import EXIT_CANNOT_RUN, exit_code


DRILLS = ("converge", "drain", "rollout")


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--env", action="append", dest="envs", metavar="ENV",
                        help="rehearse this environment (repeatable); default: every config/*.yaml environment")
    parser.add_argument("--base", metavar="REF",
                        help="git revision to converge first; the rollout and prune drills then move to HEAD")
    parser.add_argument("--format", choices=("text", "md", "json"), default="text",
                        help="report format (default: text; md is the pull-request comment)")
    parser.add_argument("--drill", action="append", dest="drills", choices=DRILLS, help=argparse.SUPPRESS)
    parser.add_argument("--head", default="HEAD", help=argparse.SUPPRESS)
    parser.add_argument("--repo", type=Path, default=PROJECT, help=argparse.SUPPRESS)
    parser.add_argument("--tools", type=Path, default=TOOLS_DIR / "cluster", help=argparse.SUPPRESS)


def _usage(message: str) -> int:
    print(f"rehearse: {message}", file=sys.stderr)
    return EXIT_CANNOT_RUN


def run(args: argparse.Namespace) -> int:
    from gitops.rehearse import project, render, repo, tools
    from gitops.rehearse.findings import EnvReport
    from gitops.rehearse.rehearsal import Options, failure_of, rehearse

    try:
        environments = project.environments(args.repo / "config", args.envs)
        head = repo.resolve(args.repo, args.head)
        base = repo.resolve(args.repo, args.base) if args.base else None
        located = tools.locate(args.tools)
    except project.ConfigError as err:
        return _usage(f"bad config:\n{err}")
    except (tools.ToolsMissing, repo.RepoError) as err:
        return _usage(str(err))
    versions = located.versions()
    options = Options(repo=args.repo, head=head, base=base, drills=tuple(args.drills or DRILLS))
    reports = []
    for env in environments:
        report = EnvReport(env=env.name, engine=env.engine, commit=head, base=base, versions=versions)
        try:
            rehearse(env, located, options, report)
        except KeyboardInterrupt:
            raise
        except Exception as err:  # noqa: BLE001 - any failure to run is exit 2 with the component named
            from gitops.rehearse.session import Interrupted

            if isinstance(err, Interrupted):
                print(f"rehearse: {err}; everything it started was stopped", file=sys.stderr)
                return EXIT_CANNOT_RUN
            report.failure = failure_of(err)
        reports.append(report)
    out = {"text": render.text, "md": render.markdown, "json": render.as_json}[args.format](reports)
    code = exit_code(reports)
    (sys.stdout if code != EXIT_CANNOT_RUN else sys.stderr).write(out)
    return code
