"""The project's one error hierarchy, and the exit codes every command shares.

Anything a command cannot do because of what it was given (config, manifests,
arguments, a git revision) is an InputError: exit 2, one message, never a
traceback. main.py catches GitopsError once, for every command; the commands
themselves only raise. A check that ran and found problems is not an error:
the command returns EXIT_FAILED with its report.
"""

from __future__ import annotations

EXIT_OK = 0
EXIT_FAILED = 1  # the command ran and a check, risk threshold or drill failed
EXIT_BAD_INPUT = 2  # bad input or usage, or a component the command needs could not run
EXIT_INTERRUPTED = 130  # Ctrl-C: 128 + SIGINT, as shells report it


class GitopsError(Exception):
    """Base of every error main.py reports as a message and an exit code."""

    exit_code = EXIT_BAD_INPUT

    def report(self, command: str, untouched: str) -> str:
        """The message for stderr. untouched says what the command left alone, e.g. 'written'."""
        return f"{command}: {self}"


class InputError(GitopsError):
    """Input the command cannot use: config, manifests, arguments, a revision."""


class UsageError(InputError):
    """Arguments that contradict each other or name nothing."""


class GeneratorError(GitopsError):
    """The generator produced something that must not reach dist/: a bug in charts/ or gitops/, not bad config."""

    def report(self, command: str, untouched: str) -> str:
        return f"{command}: synth refused its output, nothing was {untouched}: {self}"


class EnvironmentProblem(GitopsError):
    """What the machine does not give the command: a program, a directory it can write, free space, its working
    directory. One sentence naming what is missing, and the fix."""

    def __init__(self, problem: str, fix: str):
        super().__init__(problem)
        self.fix = fix

    def report(self, command: str, untouched: str) -> str:
        return f"{command}: {self}; nothing was {untouched}.\n  fix: {self.fix}."
