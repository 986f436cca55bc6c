"""Config problems as the operator reads them: file, line, key, what is wrong, the fix."""

from __future__ import annotations

from dataclasses import dataclass

from gitops.errors import InputError

Path = tuple[str | int, ...]


def dotted(path: Path) -> str:
    """('services', 'api', 'hosts', 1) -> 'services.api.hosts[1]'."""
    text = ""
    for part in path:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += ("." if text else "") + part
    return text or "(top level)"


@dataclass(frozen=True, order=True)
class Problem:
    file: str
    line: int
    key: str
    problem: str
    fix: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.key}: {self.problem}.\n  fix: {self.fix}."


class ConfigError(InputError):
    """Config that cannot be synthesized; carries every problem found, in file order."""

    def __init__(self, problems: list[Problem]):
        # A mistake in config/base.yaml surfaces once per environment; report it once.
        self.problems = sorted(set(problems))
        super().__init__("\n".join(str(p) for p in self.problems))

    def report(self, command: str, untouched: str) -> str:
        return f"{self}\n{len(self.problems)} problem(s) in config; nothing was {untouched}."
