"""The benchmark harness: its synthetic stacks, its memory reading and its report (no timing is asserted)."""

from __future__ import annotations

import os
from pathlib import Path

from gitops.k8s import manifests
from gitops.render.synth import synth
from gitops.tools import bench


def test_synthetic_stacks_have_the_announced_size(tmp_path: Path):
    config = tmp_path / "config"
    config.mkdir()
    services = bench.services_for(30)
    (config / "bench.yaml").write_text(bench.synthetic_config(services))
    synth(config, tmp_path / "dist", write_schema=False)
    objects = manifests.load([tmp_path / "dist"])
    assert len(objects) == bench.FIXED_OBJECTS + bench.OBJECTS_PER_SERVICE * services
    assert services == 7


def test_sizes_map_to_service_counts():
    assert [bench.services_for(size) for size in bench.SIZES] == [1, 30, 330]


def test_memory_of_a_process_tree_is_read_from_proc():
    assert bench._tree_rss(os.getpid()) > 10 * 2**20


def test_the_floor_writes_the_objects_with_the_project_writer(tmp_path: Path):
    objects = tmp_path / "objects.json"
    objects.write_text('[{"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "x", "namespace": "n"}}]')
    bench.floor(objects, tmp_path / "out")
    bench.floor(objects, tmp_path / "out")  # a second run replaces the first
    assert [p.name for p in (tmp_path / "out").iterdir()] == ["configmap-n-x.yaml"]


def _result(name: str, seconds: float, objects: int | None = None) -> bench.Result:
    return bench.Result(name, name, [bench.Sample(seconds, 100 * 2**20)] * 3, objects)


def test_report_states_ratios_marginal_costs_and_targets():
    results = {
        "synth-prod": _result("synth prod", 0.8),
        "synth-all": _result("synth all environments", 0.9),
        "cdk8s-cli": _result("cdk8s CLI synth", 2.5),
        "gate": _result("full gate", 4.0),
    }
    for size, objects, ours, bare_, floor_ in ((10, 12, 1.0, 0.9, 0.1), (100, 99, 1.2, 1.0, 0.2),
                                                (1000, 999, 2.0, 1.8, 0.8)):
        results[f"ours-{size}"] = _result(f"ours {size}", ours, objects)
        results[f"bare-{size}"] = _result(f"bare {size}", bare_, objects)
        results[f"floor-{size}"] = _result(f"floor {size}", floor_, objects)
    profile = {"total": 2.0, "import": 0.5, "config": 0.1, "jsii_messages": 100, "jsii_total": 1.0,
               "jsii_waiting": 0.6, "write": 0.2}
    text = bench.report({"machine": {"CPU": "test"}, "runs": 3, "results": results, "profile": profile,
                         "invocation": "python -m gitops.tools.bench --runs 3",
                         "baseline": "abc123", "before": {"synth-all": _result("synth all environments", 1.8)}})
    assert "| 999 | 2.00 | 1.80 | 0.80 | 1.11 | 2.50 |" in text
    assert "| 100 → 1000 objects | 0.89 | 0.89 | 0.67 |" in text
    assert "| all environments synthesize in ≤ 1.0 s (`python main.py synth`) | 0.90 s | yes |" in text
    assert "| ours/bare cdk8s ≤ 1.3 (1,000 objects) | 1.11 | yes |" in text
    assert "| marginal cost ≤ 1 ms per object at 1,000 objects | 0.89 ms | yes |" in text
    assert "| full gate for all environments ≤ 5 s | 4.00 s | yes |" in text
    assert "| synth all environments | 1.80 | 0.90 | -50% |" in text
