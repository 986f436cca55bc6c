"""Worker processes: one per environment, every failure reported together, none left behind."""

from __future__ import annotations

import multiprocessing
import subprocess
import sys
from pathlib import Path

import pytest

from gitops.config import load_environments
from gitops.render import pool as pool_module
from gitops.render.pool import WorkerFailed, WorkerPool, start_method
from gitops.render.synth import jobs_for, render_in_process
from tests.conftest import CONFIG, PROJECT
from tests.dist_copies import tree


@pytest.fixture(scope="module")
def jobs():
    return jobs_for(CONFIG, load_environments(CONFIG, None))


def test_workers_write_what_one_process_writes(jobs, tmp_path: Path):
    with WorkerPool() as pool:
        outcomes = pool.render(jobs, tmp_path / "parallel")
    serial = render_in_process(jobs, tmp_path / "serial")
    assert [o.environment for o in outcomes] == ["prod", "staging"]
    assert outcomes == serial
    assert tree(tmp_path / "parallel") == tree(tmp_path / "serial")


def test_a_warm_worker_renders_again_and_a_dead_one_is_replaced(jobs, tmp_path: Path):
    prod = [job for job in jobs if job.loaded.name == "prod"]
    with WorkerPool() as pool:
        pool.warm(["prod"])
        first = pool._workers["prod"]
        pool.render(prod, tmp_path / "one")
        assert pool._workers["prod"] is first
        first.process.kill()
        first.process.join()
        with pytest.raises(WorkerFailed, match=r"^prod: the worker exited with code -9$"):
            pool.render(prod, tmp_path / "two")
        pool.render(prod, tmp_path / "three")
        assert pool._workers["prod"] is not first
    assert tree(tmp_path / "one") == tree(tmp_path / "three")


def test_every_environment_that_crashes_is_reported_with_its_traceback(jobs, tmp_path: Path):
    not_a_directory = tmp_path / "file"
    not_a_directory.write_text("")
    with WorkerPool() as pool, pytest.raises(WorkerFailed) as caught:
        pool.render(jobs, not_a_directory)
    message = str(caught.value)
    assert message.startswith("prod: Traceback (most recent call last):")
    assert "\nstaging: Traceback (most recent call last):" in message
    assert message.count("NotADirectoryError") == 2
    assert caught.value.report("synth", "written").startswith("synth: rendering failed, nothing was written:\nprod: ")


def test_spares_nobody_needs_are_stopped_and_closing_ends_every_worker(jobs, tmp_path: Path):
    pool = WorkerPool(spares=2)
    spawned = start_method() == "spawn"
    spares = [w.process for w in pool._spares]
    assert len(spares) == (2 if spawned else 0)  # a forked worker starts once config is loaded
    pool.render(jobs[:1], tmp_path)
    assert list(pool._workers) == ["prod"]
    assert sorted(p.is_alive() for p in spares) == ([False, True] if spawned else [])
    processes = [w.process for w in pool._workers.values()]
    pool.close()
    assert [p.exitcode for p in processes] == [0]
    assert multiprocessing.active_children() == []


def test_workers_fork_only_on_linux_from_a_process_without_jsii(monkeypatch):
    import charts.stack  # noqa: F401  (starts jsii in this process)

    assert start_method() == "spawn"
    code = "import sys; from gitops.render.pool import start_method; print(start_method())"
    fresh = subprocess.run([sys.executable, "-c", code], cwd=PROJECT, capture_output=True, text=True, check=True)
    assert fresh.stdout == ("fork\n" if sys.platform == "linux" else "spawn\n")
    monkeypatch.setattr(pool_module.sys, "platform", "darwin")
    monkeypatch.delitem(sys.modules, "constructs")
    assert start_method() == "spawn"
