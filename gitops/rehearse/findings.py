"""What a rehearsal found: broken promises (exit 1), facts, and what it could not rehearse."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class BrokenPromise:
    """A promise broken: which object, what happened, the events that show it, and the fix."""

    drill: str
    object: str
    what: str
    fix: str
    events: tuple[str, ...] = ()


@dataclass(frozen=True)
class Fact:
    drill: str
    text: str


@dataclass
class DrillResult:
    name: str
    seconds: float = 0.0
    summary: str = ""
    findings: list[BrokenPromise] = field(default_factory=list)
    facts: list[Fact] = field(default_factory=list)

    def fail(self, obj: str, what: str, fix: str, events: list[str] | tuple[str, ...] = ()) -> None:
        self.findings.append(BrokenPromise(self.name, obj, what, fix, tuple(events)))

    def fact(self, text: str) -> None:
        self.facts.append(Fact(self.name, text))


@dataclass
class Failure:
    """The rehearsal could not run (exit 2): which component, and its log tail."""

    component: str
    what: str
    log_tail: str = ""


@dataclass
class EnvReport:
    env: str
    engine: str  # config's delivery.engine: flux or argocd
    engine_label: str = ""  # how the engine that delivered calls itself (engine.Engine.label)
    commit: str = ""
    base: str | None = None
    nodes: str = ""
    versions: dict[str, str] = field(default_factory=dict)
    control_plane_seconds: float | None = None
    wall_seconds: float | None = None
    delivery_seconds: float | None = None
    units: list[tuple[str, float | None]] = field(default_factory=list)
    substitutions: list[str] = field(default_factory=list)
    drills: list[DrillResult] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    failure: Failure | None = None

    @property
    def findings(self) -> list[BrokenPromise]:
        return [f for d in self.drills for f in d.findings]

    @property
    def ok(self) -> bool:
        return self.failure is None and not self.findings

    def drill(self, name: str) -> DrillResult | None:
        return next((d for d in self.drills if d.name == name), None)


EXIT_OK, EXIT_BROKEN, EXIT_CANNOT_RUN = 0, 1, 2


def exit_code(reports: list[EnvReport]) -> int:
    if any(r.failure for r in reports):
        return EXIT_CANNOT_RUN
    return EXIT_OK if all(r.ok for r in reports) else EXIT_BROKEN
