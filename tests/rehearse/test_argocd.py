"""The Argo CD engine's bootstrap is docs/operations.md's, word for word, and what it reads of dist/ and of Argo CD."""

from __future__ import annotations

import re
import time
from pathlib import Path

from gitops.k8s import manifests
from gitops.rehearse import argocd
from gitops.rehearse.argocd import Unit, Watch
from tests.conftest import PROJECT

OPERATIONS = PROJECT / "docs" / "operations.md"
URL = "https://gitea.treytartt.com/treytartt/honeydue-gitops.git"
COMMIT = "69b953e3a8f9cf0fa28feb179626369d27ecb78b"


def _argo_section() -> str:
    text = OPERATIONS.read_text()
    return text[text.index("## Delivering with Argo CD") : text.index("## Secrets")]


def _fenced(section: str, language: str) -> list[str]:
    """The section's fenced blocks of one language, unindented as the operator copies them."""
    blocks = re.findall(rf"^( *)```{language}\n(.*?)^\1```", section, flags=re.M | re.S)
    return ["".join(line[len(indent) :] + "\n" for line in body.splitlines()) for indent, body in blocks]


def test_the_page_shows_the_health_check_the_rehearsal_applies():
    (shown,) = _fenced(_argo_section(), "yaml")
    assert shown == argocd.HEALTH_PATCH.read_text()


def test_the_pages_commands_are_the_ones_the_rehearsal_runs():
    commands = {line.strip() for block in _fenced(_argo_section(), "sh") for line in block.splitlines()}
    relative = Path(argocd.HEALTH_PATCH.relative_to(PROJECT))
    assert "kubectl " + " ".join(argocd.health_patch_command("argocd", relative)) in commands
    for argv in argocd.repository_commands("argocd", URL, "<user>", "<token>"):
        assert "kubectl " + " ".join(argv) in commands


def test_the_health_check_is_one_argocd_cm_key():
    (document,) = manifests.load_documents(argocd.HEALTH_PATCH.read_text())
    assert isinstance(document, dict)
    assert list(document) == ["data"]
    (key,) = document["data"]
    assert key == "resource.customizations.health.argoproj.io_Application"
    assert "obj.status.health.status" in document["data"][key]


def test_every_place_that_names_the_repository_is_found(synthesized: Path):
    found = {r.name: argocd.url_fields(r.obj, URL) for r in manifests.load([synthesized / "clusters" / "staging"])}
    assert found == {
        "honeydue": ["spec.sourceRepos[0]"],
        "honeydue-apps": ["spec.source.repoURL"],
        "honeydue-cluster": ["spec.source.repoURL"],
        "honeydue-infrastructure": ["spec.source.repoURL"],
    }


def test_the_units_are_the_applications_by_wave_with_the_root_last(synthesized: Path):
    assert argocd.units(synthesized.parent, "staging") == [
        Unit("honeydue-infrastructure", 0, False),
        Unit("honeydue-apps", 1, False),
        Unit("honeydue-cluster", 0, True),
    ]
    assert [u.label for u in argocd.units(synthesized.parent, "staging")] == [
        "honeydue-infrastructure (wave 0)",
        "honeydue-apps (wave 1)",
        "honeydue-cluster (root)",
    ]


def test_the_install_manifests_settings_objects_are_taken_as_they_are():
    text = b"""apiVersion: v1
kind: ConfigMap
metadata: {name: argocd-cm, labels: {app.kubernetes.io/part-of: argocd}}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: argocd-repo-server}
---
apiVersion: v1
kind: Secret
metadata: {name: argocd-secret}
"""
    assert [o["metadata"]["name"] for o in argocd.install_settings(text)] == ["argocd-cm", "argocd-secret"]


def test_the_default_project_is_the_one_argocd_server_creates():
    project = argocd.default_project("argocd")
    assert project["metadata"] == {"name": "default", "namespace": "argocd"}
    assert project["spec"]["destinations"] == [{"server": "*", "namespace": "*"}]


def _status(health: str) -> dict:
    return {"status": {"health": {"status": health}, "sync": {"status": "Synced", "revision": COMMIT}}}


def test_a_later_wave_created_before_an_earlier_one_was_healthy_is_caught():
    expected = [Unit("infra", 0, False), Unit("apps", 1, False), Unit("root", 0, True)]
    waited = Watch(time.monotonic())
    waited.look({"root": _status("Progressing"), "infra": _status("Progressing")}, expected, COMMIT, True)
    waited.look(
        {"root": _status("Healthy"), "infra": _status("Healthy"), "apps": _status("Missing")}, expected, COMMIT, True
    )
    assert waited.early == []
    hurried = Watch(time.monotonic())
    hurried.look({"infra": _status("Progressing"), "apps": _status("Missing")}, expected, COMMIT, True)
    assert hurried.early == [("apps", "infra")]
    later = Watch(time.monotonic())  # a sync of a later commit: every Application exists already
    later.look({"infra": _status("Progressing"), "apps": _status("Healthy")}, expected, COMMIT, False)
    assert later.early == []
