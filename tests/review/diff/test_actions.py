"""The operator's part of a change, at the top of the report: before merging, per environment, and after."""

from __future__ import annotations

import json
from pathlib import Path

from gitops.formats.markdown import KEEP
from gitops.review.diff import render_json, render_md, render_text
from tests import dist_copies
from tests.review.diff import kit as diffkit

CREATE = "create Secret honeydue/honeydue-notify (Opaque) with key WEBHOOK_URL: Deployment honeydue/notifier reads it"


def test_a_service_reading_a_new_secret_says_to_create_it_in_both_environments_first(synthesized: Path, tmp_path: Path):
    """The issue's second example: the new Secret was nowhere in the report."""
    result = diffkit.whole_dist_change(synthesized, tmp_path, diffkit.add_notifier)
    lines = render_text.render(result).splitlines()
    assert lines[1:3] == ["before merging, do:", f"  [prod, staging] {CREATE}"]
    md = render_md.render(result).splitlines()
    # A section of its own under the title, outside every collapsed one, that the size budget never shortens.
    assert md[3:8] == ["#### Before merging", "", KEEP, f"- [ ] **prod, staging**: {CREATE}", ""]
    assert json.loads(render_json.render(result))["actions"] == [
        {"when": "before", "environments": ["prod", "staging"], "text": CREATE}
    ]
    prod = [r for r in diffkit.risks(result) if r[1] == "[prod] Deployment honeydue/notifier"]
    assert prod == [
        (
            "high",
            "[prod] Deployment honeydue/notifier",
            "spec.template.spec.containers[notifier].env[WEBHOOK_URL].valueFrom.secretKeyRef",
            "reads Secret honeydue-notify, which does not exist in the cluster yet and git does not deliver: until "
            "someone adds it, the pods wait in CreateContainerConfigError and the apps unit never becomes healthy "
            "(Flux waits its full 14m timeout, then marks it failed). Create it in the cluster before merging (see "
            "Before merging).",
        )
    ]


def _read_key(key: str):
    def change(obj: dict) -> None:
        env = dist_copies.container(obj, "worker")["env"]
        env.append({"name": key, "valueFrom": {"secretKeyRef": {"name": "honeydue-smtp", "key": key}}})

    return change


def test_a_new_key_of_an_existing_secret_is_added_before_merging(synthesized: Path, tmp_path: Path):
    before, after = diffkit.before_after(synthesized, tmp_path)
    dist_copies.edit(after, "Deployment", "worker", _read_key("SMTP_FROM"))
    result = diffkit.compare(before, after)
    assert render_text.render(result).splitlines()[1:3] == [
        "before merging, do:",
        "  add key SMTP_FROM to Secret honeydue/honeydue-smtp: Deployment honeydue/api, Deployment honeydue/worker "
        "read it; add SMTP_FROM to its keys under secrets: in config",
    ]
    assert diffkit.risks_of(result, "Deployment", "worker")[0][2].startswith(
        "reads key SMTP_FROM of Secret honeydue-smtp, which the cluster's Secret lacks and git does not deliver"
    )


def test_a_secret_nothing_reads_any_more_may_be_deleted_after_merging(synthesized: Path, tmp_path: Path):
    before, after = diffkit.before_after(synthesized, tmp_path)

    def forget_smtp(obj: dict) -> None:
        env = dist_copies.container(obj)["env"]
        env[:] = [e for e in env if "SMTP_" not in e["name"] or "configMapKeyRef" in e.get("valueFrom", {})]

    def undeclare(obj: dict) -> None:
        secrets = json.loads(obj["data"]["secrets.json"])
        del secrets["secrets"]["honeydue-smtp"]
        obj["data"]["secrets.json"] = json.dumps(secrets, indent=2)

    for name in ("api", "worker"):
        dist_copies.edit(after, "Deployment", name, forget_smtp)
    dist_copies.edit(after, "ConfigMap", "honeydue-declarations", undeclare)
    lines = render_text.render(diffkit.compare(before, after)).splitlines()
    assert lines[1:3] == [
        "after merging, you may:",
        "  delete Secret honeydue/honeydue-smtp once the change is live: nothing reads it any more",
    ]


def test_a_new_user_on_a_volume_is_a_chown_on_its_node_before_merging(synthesized: Path, tmp_path: Path):
    before, after = diffkit.before_after(synthesized, tmp_path)

    def run_as(obj: dict) -> None:
        for context in (dist_copies.pod_spec(obj)["securityContext"], dist_copies.container(obj)["securityContext"]):
            context.update(runAsUser=10002, runAsGroup=10002)

    dist_copies.edit(after, "Deployment", "redis", run_as)
    result = diffkit.compare(before, after)
    command = "sudo chown -R 10002:10002 /var/lib/rancher/k3s/storage/<the directory ending in _honeydue_redis-data>"
    text = (
        "on node ubuntu-8gb-nbg1-2, give the files of claim redis-data to 10002:10002: container redis of Deployment "
        "honeydue/redis runs as 10002:10002 from now on"
    )
    assert render_text.render(result).splitlines()[1:3] == ["before merging, do:", f"  {text}: {command}"]
    # In the comment the command is code, so the placeholder in angle brackets is not taken for HTML.
    assert f"- [ ] {text}: `{command}`" in render_md.render(result).splitlines()


def test_a_change_that_needs_nothing_by_hand_has_no_such_block(synthesized: Path, tmp_path: Path):
    before, after, _ = diffkit.realistic_change(synthesized, tmp_path)
    result = diffkit.compare(before, after)
    assert result.actions == []
    assert "#### Before merging" not in render_md.render(result)
