"""The watch loop, driven by a script in place of the clock: what each kind of change leads to."""

from __future__ import annotations

import contextlib
import io
from pathlib import Path

import pytest

from gitops.cli import watch as loop
from gitops.render import synth
from tests import sandbox


def _run(work: Path, steps: list, monkeypatch) -> tuple[Path | None, list[str], str, str]:
    """Run the loop; before each poll the next step edits the project, and the poll after it finds the save
    settled (a step that is a list writes in consecutive polls: one save in several writes); then Ctrl-C.
    Returns what the loop returned, the environments of each render, and its stdout and stderr."""
    renders: list[str] = []
    out, err = io.StringIO(), io.StringIO()
    render = synth.render

    def recorded(jobs, root):
        renders.append("render " + " ".join(job.loaded.name for job in jobs))
        return render(jobs, root)

    monkeypatch.setattr(synth, "render", recorded)
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
    with contextlib.suppress(KeyboardInterrupt):
        returned = loop.watch(work / "config", work / "dist", None, project=work, stdout=out, stderr=err)
    return returned, renders, out.getvalue(), err.getvalue()


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
    returned, renders, out, err = _run(work, steps, monkeypatch)
    assert returned is None
    assert renders == ["render prod staging", "render prod staging"]
    rounds = out.split(loop.WAITING + "\n")
    assert rounds[0].startswith("synthesizing and comparing with HEAD\n")
    assert rounds[1] == "changed: config/prod.yaml\n"
    assert "  [prod] Deployment honeydue/admin: replicas 2 → 3\n" in rounds[2]
    assert rounds[3] == ""
    assert err == (
        'config/prod.yaml:44: services.admin.replicas: got "nine", expected a whole number such as 3.\n'
        "  fix: write replicas as a whole number such as 3 (Number of pods).\n"
        "1 problem(s) in config; nothing was written.\n"
    )


def test_a_save_in_two_writes_is_one_round_of_the_whole_file(tmp_path, monkeypatch):
    """An editor that truncates, then writes: the loop waits for the file to settle, so the empty file
    in between is never synthesized nor reported as a config error."""
    work = sandbox.project(tmp_path)
    prod = work / "config" / "prod.yaml"
    edited = prod.read_text().replace("  admin:\n    replicas: 2", "  admin:\n    replicas: 3")
    returned, renders, out, err = _run(
        work, [[lambda: prod.write_text(""), lambda: prod.write_text(edited)]], monkeypatch
    )
    assert returned is None
    assert renders == ["render prod staging", "render prod staging"]
    assert out.count("changed: config/prod.yaml\n") == 1
    assert "  [prod] Deployment honeydue/admin: replicas 2 → 3\n" in out
    assert err == ""


@pytest.mark.parametrize("changed", ["charts/naming.py", "gitops/formats/yamlio.py", "main.py"])
def test_a_change_to_code_ends_the_loop_to_start_again(tmp_path, monkeypatch, changed):
    """New constructs need a fresh jsii runtime: reloading them into a live one could keep old classes."""
    work = sandbox.project(tmp_path)
    path = work / changed
    returned, renders, _, _ = _run(work, [lambda: path.write_text(path.read_text() + "\n")], monkeypatch)
    assert returned == path
    assert renders == ["render prod staging"]


def test_its_own_schema_write_is_not_a_change(tmp_path, monkeypatch):
    work = sandbox.project(tmp_path)
    _, renders, _, _ = _run(work, [lambda: None, lambda: None], monkeypatch)
    assert renders == ["render prod staging"]
