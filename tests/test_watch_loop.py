"""The watch loop, driven by a script in place of the clock: what each kind of change leads to."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from gitops.render.synth import render_in_process
from gitops.watch import loop
from tests import sandbox


class FakePool:
    """Renders in this process and records what the loop asked for."""

    def __init__(self) -> None:
        self.calls: list[str] = []

    def warm(self, names: list[str]) -> None:
        self.calls.append("warm " + " ".join(names))

    def render(self, jobs, root):
        self.calls.append("render " + " ".join(job.loaded.name for job in jobs))
        return render_in_process(jobs, root)

    def restart(self) -> None:
        self.calls.append("restart")


def _run(work: Path, steps: list, monkeypatch) -> tuple[Path | None, FakePool, str, str]:
    """Run the loop; before each poll the next step edits the project, and the poll after it finds the save
    settled (a step that is a list writes in consecutive polls: one save in several writes); then Ctrl-C."""
    pool, out, err = FakePool(), io.StringIO(), io.StringIO()
    pending = []
    for step in steps:
        pending += step if isinstance(step, list) else [step]
        pending.append(lambda: None)

    def sleep(seconds: float) -> None:
        if not pending:
            raise KeyboardInterrupt
        pending.pop(0)()

    monkeypatch.setattr(loop.time, "sleep", sleep)
    monkeypatch.chdir(work)  # paths in messages are shown relative to it, as in a terminal there
    returned = None
    try:
        returned = loop.watch(work / "config", work / "dist", None, pool, project=work, stdout=out, stderr=err)
    except KeyboardInterrupt:
        pass
    return returned, pool, out.getvalue(), err.getvalue()


def _edit(path: Path, old: str, new: str):
    def step() -> None:
        text = path.read_text()
        assert old in text
        path.write_text(text.replace(old, new))

    return step


def test_config_changes_synthesize_and_config_errors_are_reported_without_a_traceback(tmp_path, monkeypatch):
    work = sandbox.project(tmp_path)
    prod = work / "config" / "prod.yaml"
    steps = [
        _edit(prod, "  admin:\n    replicas: 2", "  admin:\n    replicas: nine"),
        lambda: None,
        _edit(prod, "replicas: nine", "replicas: 3"),
    ]
    returned, pool, out, err = _run(work, steps, monkeypatch)
    assert returned is None
    assert pool.calls == ["warm prod staging", "render prod staging", "render prod staging"]
    rounds = out.split(loop.WAITING + "\n")
    assert rounds[0].startswith("synthesizing and comparing with HEAD\n")
    assert rounds[1] == "changed: config/prod.yaml\n"
    assert "  [prod] Deployment honeydue/admin: replicas 2 → 3\n" in rounds[2]
    assert rounds[3] == ""
    assert err == (
        'config/prod.yaml:36: services.admin.replicas: got "nine", expected a whole number such as 3.\n'
        "  fix: write replicas as a whole number such as 3 (Number of pods).\n"
        "1 problem(s) in config; nothing was written.\n"
    )


def test_a_save_in_two_writes_is_one_round_of_the_whole_file(tmp_path, monkeypatch):
    """An editor that truncates, then writes: the loop waits for the file to settle, so the empty file
    in between is never synthesized nor reported as a config error."""
    work = sandbox.project(tmp_path)
    prod = work / "config" / "prod.yaml"
    edited = prod.read_text().replace("  admin:\n    replicas: 2", "  admin:\n    replicas: 3")
    returned, pool, out, err = _run(work, [[lambda: prod.write_text(""), lambda: prod.write_text(edited)]], monkeypatch)
    assert returned is None
    assert pool.calls == ["warm prod staging", "render prod staging", "render prod staging"]
    assert out.count("changed: config/prod.yaml\n") == 1
    assert "  [prod] Deployment honeydue/admin: replicas 2 → 3\n" in out
    assert err == ""


def test_a_change_to_charts_restarts_the_workers_first(tmp_path, monkeypatch):
    work = sandbox.project(tmp_path)
    naming = work / "charts" / "naming.py"
    returned, pool, out, _ = _run(work, [lambda: naming.write_text(naming.read_text() + "\n")], monkeypatch)
    assert returned is None
    assert pool.calls == ["warm prod staging", "render prod staging", "restart", "render prod staging"]
    assert "changed: charts/naming.py\n" in out


@pytest.mark.parametrize("changed", ["gitops/render/yamlio.py", "main.py"])
def test_a_change_to_the_watcher_code_ends_the_loop_to_start_again(tmp_path, monkeypatch, changed):
    work = sandbox.project(tmp_path)
    path = work / changed
    returned, pool, _, _ = _run(work, [lambda: path.write_text(path.read_text() + "\n")], monkeypatch)
    assert returned == path
    assert pool.calls == ["warm prod staging", "render prod staging"]


def test_its_own_schema_write_is_not_a_change(tmp_path, monkeypatch):
    work = sandbox.project(tmp_path)
    _, pool, _, _ = _run(work, [lambda: None, lambda: None], monkeypatch)
    assert pool.calls == ["warm prod staging", "render prod staging"]
