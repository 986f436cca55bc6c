"""The command line of `make bench` (gitops/tools/bench/__init__.py)."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from gitops.layout import PROJECT

# Sections `python -m gitops.tools.bench NAME [RUNS]` measures alone, with their default number of runs.
ALONE = {"sources": 5, "bounds": 3}


def main(argv: list[str]) -> int:
    if argv[:1] in (["bare"], ["writer"], ["phases"]):
        if len(argv) != 3:
            print("usage: python -m gitops.tools.bench bare|writer|phases INPUT OUT_DIR", file=sys.stderr)
            return 2
        from gitops.tools.bench import references

        if argv[0] == "phases":
            print(json.dumps(references.phases(Path(argv[1]), Path(argv[2]))))
        else:
            getattr(references, argv[0])(Path(argv[1]), Path(argv[2]))
        return 0
    if argv[:1] and argv[0] in ALONE:
        # Only one section's rows, for whoever works on it: diff with sources, or the readers' bounds.
        import importlib
        import os
        import tempfile

        from gitops.tools.bench.run import measure_together

        section = importlib.import_module(f"gitops.tools.bench.{argv[0]}")
        runs = int(argv[1]) if len(argv) > 1 else ALONE[argv[0]]
        env = {**os.environ, "JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION": "20"}
        with tempfile.TemporaryDirectory(prefix="bench-") as scratch:
            python = str(PROJECT / ".venv" / "bin" / "python")
            results = section.measure(PROJECT, Path(scratch), python, env, runs, measure_together)
        for target, measured, met in section.targets(results):
            print(f"| {target} | {measured} | {'yes' if met else 'no'} |")
        return 0
    parser = argparse.ArgumentParser(prog="python -m gitops.tools.bench")
    parser.add_argument("--runs", type=int, default=7, help="measured runs per command (default 7)")
    parser.add_argument("--write", type=Path, help="write the Markdown report here (e.g. BENCHMARKS.md)")
    parser.add_argument("--project", type=Path, default=PROJECT, help="measure another checkout of the project")
    parser.add_argument("--baseline", help="git revision to measure in the same run, for before/after")
    parser.add_argument(
        "--no-clone",
        dest="clone",
        action="store_false",
        help="skip the first `make synth` in a fresh clone (a minute or two, with downloads)",
    )
    parser.add_argument(
        "--no-rehearsal",
        dest="rehearse",
        action="store_false",
        help="skip the cluster rehearsal's rows (a few minutes)",
    )
    parser.add_argument(
        "--rehearsal-runs", type=int, default=3, help="rehearsals of prod and of staging measured (default 3 each)"
    )
    parser.add_argument(
        "--no-gitea",
        dest="e2e_gitea",
        action="store_false",
        help="skip the Gitea end-to-end suite's rows (cached build, one `make e2e-gitea`: several minutes)",
    )
    parser.add_argument(
        "--cold-build",
        action="store_true",
        help="also build every cluster binary, and Gitea, on empty Go caches (about 17 + 5 minutes on 2 cores)",
    )
    parser.add_argument(
        "--ci-run",
        action="store_true",
        help="also run .ci/run on a fresh clone with every cache empty (most of an hour on 2 cores)",
    )
    args = parser.parse_args(argv)
    if args.cold_build and not args.rehearse:
        parser.error("--cold-build measures the rehearsal's tools: drop --no-rehearsal")
    from gitops.tools.bench.report import report
    from gitops.tools.bench.run import run

    data = run(
        args.project.resolve(),
        args.runs,
        args.baseline,
        clone=args.clone,
        rehearse=args.rehearse,
        cold_build=args.cold_build,
        rehearsal_runs=args.rehearsal_runs,
        e2e_gitea=args.e2e_gitea,
        ci_run=args.ci_run,
    )
    data["invocation"] = " ".join(["python -m gitops.tools.bench", *argv])
    text = report(data)
    if args.write:
        args.write.write_text(text)
        print(f"wrote {args.write}")
    else:
        print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
