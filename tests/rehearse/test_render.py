"""The rehearsal report in text, Markdown and JSON, and the exit code it implies."""

from __future__ import annotations

import json

from gitops.rehearse import render
from gitops.rehearse.findings import DrillResult, EnvReport, Failure, exit_code


def _passed() -> EnvReport:
    report = EnvReport(
        env="prod",
        engine="flux",
        engine_label="Flux",
        commit="0123456789abcdef",
        nodes="3 simulated node(s) (4 CPU / 8Gi, amd64)",
        control_plane_seconds=5.84,
        wall_seconds=95.2,
        delivery_seconds=41.4,
        units=[("honeydue-cluster", 9.6), ("honeydue-infrastructure", 20.2), ("honeydue-apps", 41.4)],
    )
    drill = DrillResult("converge", seconds=1.2, summary="4/4 Deployments Available")
    drill.fact("PersistentVolumeClaim honeydue/redis-data bound on ubuntu-8gb-nbg1-2")
    report.drills.append(drill)
    report.notes.append("SOPS: no encrypted Secrets in this environment")
    return report


def _broken() -> EnvReport:
    report = _passed()
    report.drills[0].fail(
        "Deployment honeydue/api",
        "not Available after 300 s: 0/3 ready",
        "read the events",
        ['ReplicaSet api-1: FailedCreate: pods "api-1" is forbidden'],
    )
    return report


def test_text_report_of_a_passing_run():
    assert render.text([_passed()]) == (
        "prod: passed\n"
        "  rehearsed on 3 simulated node(s) (4 CPU / 8Gi, amd64): Flux Ready in 41 s, 4/4 Deployments Available\n"
        "  commit 0123456789ab\n"
        "  control plane ready in 5.8 s, wall 95 s\n"
        "  units: honeydue-cluster Ready in 9.6 s, honeydue-infrastructure Ready in 20 s, "
        "honeydue-apps Ready in 41 s\n"
        "  converge (1.2 s): 4/4 Deployments Available\n"
        "    - PersistentVolumeClaim honeydue/redis-data bound on ubuntu-8gb-nbg1-2\n"
        "  note: SOPS: no encrypted Secrets in this environment\n"
        "rehearse: 1 environment(s), 0 broken promise(s) -> passed\n"
    )


def test_text_report_names_the_object_the_events_and_the_fix():
    out = render.text([_broken()])
    assert (
        "    FAIL Deployment honeydue/api: not Available after 300 s: 0/3 ready\n"
        '      event: ReplicaSet api-1: FailedCreate: pods "api-1" is forbidden\n'
        "      fix: read the events\n" in out
    )
    assert out.endswith("rehearse: 1 environment(s), 1 broken promise(s) -> failed\n")


def test_markdown_headline_is_the_pull_request_line():
    out = render.markdown([_passed()])
    assert (
        "**prod** (passed): rehearsed on 3 simulated node(s) (4 CPU / 8Gi, amd64): Flux Ready in 41 s, "
        "4/4 Deployments Available." in out
    )
    assert "| Drill |" not in out


def test_markdown_lists_findings_in_a_table_with_pipes_escaped():
    report = _broken()
    report.drills[0].fail("Service a|b", "x", "y")
    out = render.markdown([report])
    assert "| converge | Deployment honeydue/api | not Available after 300 s: 0/3 ready | read the events |" in out
    assert "| converge | Service a\\|b | x | y |" in out


def test_json_report_shape():
    data = json.loads(render.as_json([_broken()]))
    assert data["format"] == "honeydue-gitops/rehearse/v1"
    assert (data["ok"], data["exitCode"]) == (False, 1)
    (env,) = data["environments"]
    assert env["units"][2] == {"name": "honeydue-apps", "readySeconds": 41.4}
    assert env["drills"][0]["findings"][0]["object"] == "Deployment honeydue/api"


def test_a_component_that_could_not_start_is_exit_2_with_its_log_tail():
    report = EnvReport(
        env="staging", engine="argocd", failure=Failure("etcd", "exited with code 1", "bind: address already in use")
    )
    assert exit_code([_passed(), report]) == 2
    out = render.text([report])
    assert "  could not run: etcd: exited with code 1\n    | bind: address already in use\n" in out
    assert out.endswith("-> could not run\n")


def test_exit_codes():
    assert exit_code([_passed()]) == 0
    assert exit_code([_passed(), _broken()]) == 1


def test_the_headline_reads_like_the_pull_request_line():
    report = _passed()
    report.base = "fedcba9876543210"
    report.drills += [
        DrillResult("drain", summary="drained every node"),
        DrillResult("rollout", summary="rolled api: never below 3 ready"),
    ]
    assert render.headline(report) == (
        "rehearsed on 3 simulated node(s) (4 CPU / 8Gi, amd64): Flux Ready at the head in 41 s, "
        "4/4 Deployments Available, drained every node, rolled api: never below 3 ready"
    )
