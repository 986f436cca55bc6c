"""`main.py check` end to end: every environment passes, exit codes, JSON for CI, waivers, bad input."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

import main
from gitops import annotations as keys
from gitops.config import environment_names
from gitops.review.check import engine, waivers
from tests.conftest import CONFIG, PROJECT
from tests.dist_copies import copy_env, edit, write


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main.main(["check", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_every_environment_of_the_project_passes(synthesized: Path, capsys):
    environments = environment_names(CONFIG)
    assert environments, "no environments in config/"
    code, out, err = run(capsys, "--dist", str(synthesized), "--format", "json")
    document = json.loads(out)
    assert [s["name"] for s in document["sets"]] == environments
    errors = {
        s["name"]: [(f["rule"], f["object"]["name"], f["message"]) for f in s["findings"] if f["severity"] == "error"]
        for s in document["sets"]
    }
    assert errors == {name: [] for name in environments}
    assert (code, err) == (0, "")
    for environment in document["sets"]:
        assert environment["capacity"]["checked"], environment["name"]
        assert f"{synthesized.name}/{environment['name']}" in environment["paths"][0]


@pytest.fixture
def broken_prod(synthesized: Path, tmp_path: Path) -> Path:
    """prod with one error: the api Service selects no pods."""
    root = copy_env(synthesized, tmp_path)
    edit(root, "Service", "api", lambda s: s["spec"]["selector"].update({"app.kubernetes.io/name": "apii"}))
    return root


def test_an_error_fails_with_exit_1_and_a_table(broken_prod: Path, capsys):
    code, out, err = run(capsys, str(broken_prod))
    assert (code, err) == (1, "")
    lines = out.splitlines()
    assert lines[0] == str(broken_prod)
    assert lines[1].split() == ["SEVERITY", "RULE", "OBJECT", "FIELD"]
    assert lines[2].split() == ["error", "service-selector", "Service", "honeydue/api", "spec.selector"]
    assert (
        lines[4] == "      fix: copy the selector from the target workload's spec.selector.matchLabels; if the pods "
        "come from outside this set, waive with an annotation naming where they come from"
    )
    # The four warnings: prod's images are pinned by tag, not by digest (image-digest).
    # Waived: the worker's missing probes (health: none) and the admin's liveness on its root (checksDependencies).
    assert f"  {broken_prod}: 1 error, 4 warnings, 3 waived -> FAILED" in lines
    assert lines[-1] == "check: 1 set: 1 error, 4 warnings, 3 waived -> FAILED"


def test_json_for_ci(broken_prod: Path, capsys):
    code, out, _ = run(capsys, str(broken_prod), "--format", "json")
    assert code == 1
    document = json.loads(out)
    assert document["format"] == "honeydue-gitops/check/v1"
    assert document["ok"] is False
    assert document["summary"] == {"sets": 1, "errors": 1, "warnings": 4, "waived": 3}
    (only,) = document["sets"]
    assert set(only) == {"name", "paths", "ok", "summary", "findings", "waived", "capacity", "notes"}
    assert sorted(f["object"]["name"] for f in only["findings"] if f["rule"] == "image-digest") == [
        "admin",
        "api",
        "redis",
        "worker",
    ]
    assert [f for f in only["findings"] if f["rule"] != "image-digest"] == [
        {
            "rule": "service-selector",
            "severity": "error",
            "object": {"kind": "Service", "namespace": "honeydue", "name": "api"},
            "field": "spec.selector",
            "message": "selector app.kubernetes.io/instance=honeydue-prod, app.kubernetes.io/name=apii matches the pod "
            "labels of no workload in namespace honeydue (workloads there: Deployment honeydue/admin, "
            "Deployment honeydue/api, Deployment honeydue/redis, Deployment honeydue/worker)",
            "fix": "copy the selector from the target workload's spec.selector.matchLabels; "
            "if the pods come from outside this set, waive with an annotation naming where they come from",
            "file": str(broken_prod / "apps" / "service-api.yaml"),
        }
    ]
    reason = "the Asynq worker serves no HTTP or TCP endpoint; a crash ends the process and restarts the pod"
    shared = (
        "the health path / checks the process alone (config: health.checksDependencies false), so liveness may use it"
    )
    assert [(w["rule"], w["object"]["name"], w["field"], w["reason"]) for w in only["waived"]] == [
        ("liveness-independent", "admin", "spec.template.spec.containers[admin].livenessProbe", shared),
        ("probes", "worker", "spec.template.spec.containers[worker].livenessProbe", reason),
        ("probes", "worker", "spec.template.spec.containers[worker].readinessProbe", reason),
    ]


def _waive(rule: str, reason: str):
    def change(obj: dict) -> None:
        obj["metadata"].setdefault("annotations", {})[f"{waivers.PREFIX}{rule}"] = reason

    return change


def test_a_waiver_with_a_reason_passes_and_is_listed(broken_prod: Path, capsys):
    edit(broken_prod, "Service", "api", _waive("service-selector", "pods come from the legacy chart"))
    code, out, _ = run(capsys, str(broken_prod))
    assert code == 0
    assert "  waived  service-selector      Service honeydue/api        spec.selector" in out
    assert "      reason: pods come from the legacy chart" in out
    assert out.splitlines()[-1] == "check: 1 set: 0 errors, 4 warnings, 4 waived -> passed"
    code, out, _ = run(capsys, str(broken_prod), "--format", "json")
    waived = {(w["rule"], w["object"]["name"], w["reason"]) for w in json.loads(out)["sets"][0]["waived"]}
    assert ("service-selector", "api", "pods come from the legacy chart") in waived


def test_a_waiver_without_reason_is_an_error_and_waives_nothing(broken_prod: Path, capsys):
    edit(broken_prod, "Service", "api", _waive("service-selector", "  "))
    code, out, _ = run(capsys, str(broken_prod), "--format", "json")
    assert code == 1
    findings = {(f["rule"], f["field"], f["message"]) for f in json.loads(out)["sets"][0]["findings"]}
    assert (
        "waiver-reason",
        "metadata.annotations[waive.gitops.myhoneydue.com/service-selector]",
        "the waiver of service-selector gives no reason, so it waives nothing",
    ) in findings
    assert "service-selector" in {rule for rule, _, _ in findings}


def test_misspelt_unused_and_unwaivable_waivers_are_warnings(synthesized: Path, tmp_path: Path, capsys):
    root = copy_env(synthesized, tmp_path)
    edit(root, "Service", "api", _waive("service-selecter", "typo"))
    edit(root, "Service", "admin", _waive("service-selector", "stale"))
    edit(root, "Service", "redis", _waive("waiver-reason", "trying"))
    code, out, _ = run(capsys, str(root), "--format", "json")
    assert code == 0
    found = {
        (f["rule"], f["severity"], f["object"]["name"], f["message"])
        for f in json.loads(out)["sets"][0]["findings"]
        if f["rule"] != "image-digest"
    }
    assert found == {
        ("waiver-unknown-rule", "warning", "api", "waives service-selecter, which is not a rule of this check"),
        ("waiver-unused", "warning", "admin", "waives service-selector, which reports nothing on this object"),
        ("waiver-unknown-rule", "warning", "redis", "waives waiver-reason, which cannot be waived"),
    }


def test_the_rules_the_generator_waives_exist_in_the_gate():
    assert {keys.PROBES_RULE, keys.SINGLETON_ROLLOUT_RULE} <= {r.id for r in engine.rules()}
    assert keys.waiver(keys.PROBES_RULE) == f"{waivers.PREFIX}probes"


def test_list_rules_names_every_rule(capsys):
    code, out, _ = run(capsys, "--list-rules")
    assert code == 0
    listed = [line.split()[0] for line in out.splitlines() if line and not line.startswith(" ")]
    assert listed == [r.id for r in engine.rules()]
    required = {
        "service-selector",
        "service-target-port",
        "ingress-backend",
        "ingress-duplicate-route",
        "pdb-selector",
        "pdb-blocks-drain",
        "reference-unresolved",
        "local-volume-pinning",
        "local-volume-prune",
        "host-port-conflict",
        "gitops-reference",
        "pss-restricted",
        "resources",
        "probes",
        "startup-probe",
        "image-tag",
        "plaintext-secret",
        "service-account-token",
        "singleton-rollout",
        "capacity",
    }
    assert required <= set(listed)


@pytest.mark.parametrize(
    "setup, argv, message",
    [
        (None, ["{tmp}/missing"], "check: {tmp}/missing: no such file or directory\n"),
        ({"bad.yaml": "a: [\n"}, ["{tmp}"], "check: {tmp}/bad.yaml:2: not valid YAML: "),
        (
            {"x.yaml": "just: a mapping\n"},
            ["{tmp}"],
            "check: {tmp}/x.yaml:1: document 1: not a Kubernetes object: it has no apiVersion, kind or metadata "
            "(every object has apiVersion, kind and metadata)\n",
        ),
        (
            {"notes.md": "# no yaml here\n"},
            ["{tmp}"],
            "check: {tmp}: no Kubernetes objects found (looked for *.yaml and *.yml files)\n",
        ),
        (
            {
                "cm.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: d\n  labels: "
                "{app.kubernetes.io/component: declarations}\ndata:\n  cluster.json: '{nope'\n"
            },
            ["{tmp}"],
            "check: {tmp}/cm.yaml: ConfigMap d data.cluster.json is not JSON: ",
        ),
        (None, ["--env", "prod", "{tmp}"], "check: give --env or PATHs, not both\n"),
        (
            None,
            ["--dist", "{tmp}", "--env", "nowhere"],
            "check: {tmp}/nowhere: environment nowhere is not synthesized; run `make synth`\n",
        ),
    ],
)
def test_unusable_input_exits_2_with_a_message(tmp_path: Path, capsys, setup, argv, message):
    for name, text in (setup or {}).items():
        write(tmp_path, name, text)
    code, out, err = run(capsys, *[a.format(tmp=tmp_path) for a in argv])
    assert (code, out) == (2, "")
    assert err.startswith(message.format(tmp=tmp_path))


def test_unusable_input_from_the_command_line_prints_no_traceback(tmp_path: Path):
    (tmp_path / "bad.yaml").write_text("kind: [\n")
    result = subprocess.run(
        [sys.executable, "main.py", "check", str(tmp_path)],
        cwd=PROJECT,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.startswith(f"check: {tmp_path}/bad.yaml:2: not valid YAML")
    assert "Traceback" not in result.stderr


def test_bad_format_is_a_usage_error(capsys):
    with pytest.raises(SystemExit) as exit_info:
        main.main(["check", "--format", "xml"])
    assert exit_info.value.code == 2
    assert "invalid choice: 'xml'" in capsys.readouterr().err


def test_the_gate_does_not_load_cdk8s():
    code = (
        "import sys, gitops.cli.check, gitops.review.check.engine, gitops.review.check.report; "
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('cdk8s', 'cdk8s_plus_28', 'jsii', 'charts')))"
    )
    result = subprocess.run([sys.executable, "-c", code], cwd=PROJECT, capture_output=True, text=True, check=True)
    assert result.stdout == "[]\n"


def test_a_moved_copy_checks_like_the_original(synthesized: Path, tmp_path: Path, capsys):
    root = copy_env(synthesized, tmp_path / "elsewhere" / "deep")
    code, out, _ = run(capsys, str(root), "--format", "json")
    assert code == 0
    (only,) = json.loads(out)["sets"]
    assert only["capacity"]["checked"] is True
    assert only["notes"] == []


def test_a_pull_request_of_malformed_manifests_is_unreadable_not_a_crash(prod_copy: Path, tmp_path: Path):
    """What a hand edit or a hostile change can put in dist/: one message per document, exit 2 ("could not read"),
    never a traceback and never exit 1 ("check failed"), whichever command reads it; 60,000 levels of nesting
    once killed both with SIGSEGV."""
    write(prod_copy, "kind.yaml", "apiVersion: v1\nkind: yes\nmetadata: {name: a}\n")
    write(prod_copy, "labels.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: b, labels: [x]}\n")
    write(prod_copy, "list.yaml", "apiVersion: v1\nkind: List\nmetadata: {}\nitems: [3]\n")
    write(prod_copy, "deep.yaml", "a: " + "[" * 60_000 + "]" * 60_000 + "\n")
    expected = (
        "cannot read 4 manifest documents or files; nothing was {done}:\n"
        f"  {prod_copy}/deep.yaml:1: lists and mappings are nested more than 100 levels deep here, the most a "
        "manifest file may nest: flatten the structure; nothing read here nests that deep\n"
        f"  {prod_copy}/kind.yaml:1: document 1: kind is true (YAML 1.1 reads an unquoted y, yes, on, n, no or off "
        "as true or false: quote it), expected text such as Deployment\n"
        f"  {prod_copy}/labels.yaml:1: document 1: metadata.labels is a list, expected a mapping of keys to text "
        "values\n"
        f"  {prod_copy}/list.yaml:1: document 1: items[0]: the number 3, not an object\n"
    )
    (tmp_path / "empty").mkdir()
    for argv, done in (
        (["check", str(prod_copy)], "checked"),
        (["diff", "--from", str(tmp_path / "empty"), "--to", str(prod_copy)], "compared"),
    ):
        result = subprocess.run(
            [sys.executable, "main.py", *argv], cwd=PROJECT, capture_output=True, text=True, timeout=60
        )
        assert (result.returncode, result.stdout) == (2, ""), result.stderr
        assert result.stderr == f"{argv[0]}: " + expected.format(done=done)
