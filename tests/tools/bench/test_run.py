"""One run's harness: commands compared with each other run in turn (no timing is asserted)."""

from __future__ import annotations

from pathlib import Path

from gitops.tools.bench import run
from gitops.tools.bench.measure import Sample


def test_compared_commands_warm_up_once_and_then_alternate(monkeypatch):
    order: list[str] = []

    def fake(command, cwd, env):
        order.append(command[0])
        return Sample(1.0, 0)

    monkeypatch.setattr(run, "run_once", fake)
    results = run.measure_together([("a", "A", ["a"], Path(), "a"), ("b", "B", ["b"], Path(), "b")], {}, 2)
    assert order == ["a", "b", "a", "b", "a", "b"]
    assert [len(r.samples) for r in results.values()] == [2, 2]


def test_the_machine_is_described():
    assert list(run.machine()) == ["CPU", "Memory", "OS", "Python", "Node.js"]
