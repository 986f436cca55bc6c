"""The command line: every subcommand's arguments, output and exit code, on top of everything else.

One module per command (synth, watch, validate, check, diff, rehearse) with configure(parser)
and run(args) -> exit code; app.py dispatches and turns errors into messages, once. Nothing
outside this package imports it (.importlinter), so the domain packages below stay usable
from tests, tools and other commands without argparse or stdout.

This package's __init__ imports nothing: main.py imports gitops.cli.flags and
gitops.cli.interrupts before anything else is loaded.
"""
