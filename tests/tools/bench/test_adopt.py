"""The cutover's benchmark: the grown export, each rehearsal read from its report, the target (no timing asserted)."""

from __future__ import annotations

import json

from gitops.adopt import source
from gitops.tools.bench import adopt
from gitops.tools.bench.measure import Result, Sample
from tests.conftest import PROJECT


def test_the_grown_export_holds_a_thousand_objects_adopt_reads(tmp_path):
    path = tmp_path / "export.yaml"
    assert adopt.big_export(PROJECT, path) == 1000
    ours = {("helm.cattle.io", "HelmChartConfig", "kube-system", "traefik"), ("", "Namespace", "", "honeydue")}
    found = source.read(path, "honeydue", ours)
    assert len(found.objects) + len(found.cluster_made) == 1000


def _report(drill: float) -> str:
    return json.dumps(
        {
            "environments": [
                {
                    "env": "prod",
                    "headline": "took over",
                    "seconds": {"controlPlane": 4.0, "delivery": 18.0},
                    "drills": [{"name": "adopt", "seconds": drill}, {"name": "drain", "seconds": 12.0}],
                }
            ]
        }
    )


def test_each_rehearsal_is_read_and_the_target_counts_the_drill(monkeypatch, tmp_path):
    outputs = iter([_report(30.0), _report(32.0)])
    commands = []

    def fake(command, cwd, env, *, capture=False):
        commands.append(command[1:])
        return Sample(60.0, 2**30, output=next(outputs))

    monkeypatch.setattr(adopt, "run_once", fake)
    data = {"plans": {}, "rehearsal": adopt.rehearse(PROJECT, tmp_path, {}, 2)}
    assert commands[0][:3] == ["main.py", "rehearse", "--adopt"] and "--repo" in commands[0]
    assert data["rehearsal"]["parts"]["drill: adopt"] == [30.0, 32.0]
    [(name, measured, met)] = adopt.targets(data)
    assert name == "`rehearse --adopt` of prod ≤ 120 s + the adopt drill's own time"
    assert (measured, met) == ("60 s (drill 31 s: target 151 s)", True)
    assert adopt.rows(data) == [data["rehearsal"]["result"]]
    assert any("rehearse --adopt" in line for line in adopt.lines(data))


def test_without_the_cluster_only_the_plans_are_rows():
    plans = {"adopt-1000": Result("adopt: an export of 1000 objects", "python main.py adopt ...")}
    data = {"plans": plans}
    assert adopt.rows(data) == list(plans.values())
    assert adopt.targets(data)[0][2] is None
