"""The benchmark's workloads: synthetic stacks of the announced size, sandboxes that leave the project alone."""

from __future__ import annotations

import subprocess
from pathlib import Path

from gitops.k8s import manifests
from gitops.render.synth import synth
from gitops.tools.bench import workloads
from tests.conftest import PROJECT


def test_synthetic_stacks_have_the_announced_size(tmp_path: Path):
    config = tmp_path / "config"
    config.mkdir()
    services = workloads.services_for(30)
    (config / "bench.yaml").write_text(workloads.synthetic_config(services))
    synth(config, tmp_path / "dist", write_schema=False)
    objects = manifests.load([tmp_path / "dist"])
    assert len(objects) == workloads.FIXED_OBJECTS + workloads.OBJECTS_PER_SERVICE * services
    assert services == 5
    assert workloads.objects_json(tmp_path / "dist", tmp_path / "objects.json") == len(objects)


def test_sizes_map_to_service_counts():
    assert [workloads.services_for(size) for size in workloads.SIZES] == [1, 22, 248]


def test_a_committed_sandbox_is_a_repository_of_its_own(tmp_path: Path):
    work = workloads.sandbox(PROJECT, tmp_path, committed=True)
    status = subprocess.run(
        ["git", "status", "--porcelain", "--", *workloads.SOURCES, "dist"],
        cwd=work,
        capture_output=True,
        text=True,
        check=True,
    )
    assert status.stdout == ""
    assert (work / "dist" / "prod" / "INVENTORY.md").read_bytes() == (PROJECT / "dist/prod/INVENTORY.md").read_bytes()
    assert (work / ".venv").resolve() == (PROJECT / ".venv").resolve()
    assert not (workloads.sandbox(PROJECT, tmp_path / "plain") / "dist").exists()
