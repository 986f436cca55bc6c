"""The cutover plan: items object by object, the config lines that take blocking items away, the ordered
steps with their rollback, and the predictions the rehearsal holds the cluster to."""

from __future__ import annotations

from dataclasses import dataclass, field

# The sections of the plan, in the order it is printed.
ADOPTED, REPLACED, CONFLICTING, ORPHANED, DATA, CREATED = (
    "adopted",
    "replaced",
    "conflicting",
    "orphaned",
    "data",
    "created",
)
SECTIONS = (REPLACED, CONFLICTING, DATA, ADOPTED, CREATED, ORPHANED)
TITLES = {
    REPLACED: "Replaced or refused (an immutable field differs)",
    CONFLICTING: "Conflicting",
    DATA: "Data",
    ADOPTED: "Adopted in place (server-side apply takes ownership)",
    CREATED: "Created (new to the cluster)",
    ORPHANED: "Orphaned (no unit will own them)",
}


@dataclass(frozen=True)
class ConfigLine:
    """A config entry that makes a blocking item go away: the file, the key path under it and the value."""

    file: str
    path: tuple[str, ...]
    value: object
    why: str

    @property
    def key(self) -> str:
        return ".".join(self.path)


@dataclass
class Item:
    section: str
    object: str  # "Deployment honeydue/api"
    what: str  # one sentence: what happens to it
    details: list[str] = field(default_factory=list)
    blocking: bool = False
    config: list[ConfigLine] = field(default_factory=list)
    steps: list[str] = field(default_factory=list)  # ids of the steps that deal with it
    source: str = ""  # where the live object was read (file:line)
    rule: str = ""  # where the rule is kept, and what showed it


@dataclass(frozen=True)
class Command:
    """One command of a step: what the operator types, and what the rehearsal runs."""

    text: str
    argv: tuple[str, ...] = ()  # kubectl's arguments (the rehearsal adds the binary and kubeconfig)
    stdin_argv: tuple[str, ...] = ()  # a kubectl command whose output feeds this one (a pipe)
    node: str = ""  # run on this node (ssh), not with kubectl
    chown: tuple[str, int, int] | None = None  # (path, uid, gid), a node command the rehearsal can stand in for
    remove: str = ""  # a file to remove on the node
    bootstrap: str = ""  # a step of docs/operations.md's bootstrap, which the rehearsal's engine performs


@dataclass
class Step:
    id: str
    title: str
    why: str
    commands: list[Command] = field(default_factory=list)
    expect: str = ""
    rollback: str = ""
    phase: str = "before"  # before the first sync, the sync itself, or after it


@dataclass(frozen=True)
class Prediction:
    """Something the plan says the cluster will do, which the rehearsal checks.

    kind: units-ready, unit-refused (value: message fragments, any of which), fewest-ready (value: at
    least), endpoints (value: at least), reachable (value: at least), claim (value: "kept" or "new"; `until`: our
    claim when new), drain (value: True when every node drains),
    orphans (value: the objects), managers (value: objects with two writers), not-replaced, recreated (value: the
    seconds at 0 Ready force costs), removed (value: apiVersion and the paths), job-refused."""

    kind: str
    subject: str
    value: object
    why: str
    until: str = ""


@dataclass
class Plan:
    env: str
    namespace: str
    live: list[str]  # the input paths
    exported: bool
    items: list[Item] = field(default_factory=list)
    steps: list[Step] = field(default_factory=list)
    predictions: list[Prediction] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    set_aside: list[str] = field(default_factory=list)  # what the cluster made itself

    @property
    def blocking(self) -> list[Item]:
        return [i for i in self.items if i.blocking]

    @property
    def config_lines(self) -> list[ConfigLine]:
        found: list[ConfigLine] = []
        for item in self.items:
            for line in item.config:
                if line not in found:
                    found.append(line)
        return found

    @property
    def safe(self) -> bool:
        return not self.blocking

    def section(self, name: str) -> list[Item]:
        return [i for i in self.items if i.section == name]

    def step(self, step_id: str) -> Step | None:
        return next((s for s in self.steps if s.id == step_id), None)
