"""Every changed field names the config line (or charts/) behind it, found by rendering each edit alone."""

from __future__ import annotations

from pathlib import Path

from gitops.config.loader import Layer, parse_layer
from gitops.review.diff import provenance, render_json, render_md, render_text
from gitops.review.diff.model import MISSING
from tests.review.diff.provenance_kit import append_to, change, replace_in, sources

API = "spec.template.spec.containers[api]"
WORKER_BLOCK = "  worker:\n    resources: {cpu: 200m, memory: 256Mi, memoryLimit: 512Mi}\n"


def _layer(text: str, shown: str = "config/prod.yaml") -> Layer:
    return parse_layer(shown, text)


def test_edits_are_keys_set_changed_or_deleted_with_their_line():
    before = _layer("a: 1\nb:\n  c: 2\n  d: [x, y]\ngone: 3\n")
    after = _layer("a: 1\nb:\n  c: 5\n  d: [x, z]\n  new: true\n")
    edits = provenance.file_edits("config/prod.yaml", before, after)
    assert [(e.path, e.line, e.old, e.new) for e in edits] == [
        (("b", "c"), 3, 2, 5),
        (("b", "d"), 4, ["x", "y"], ["x", "z"]),
        (("b", "new"), 5, MISSING, True),
        (("gone",), 5, 3, MISSING),  # a deletion names the base's line
    ]


def test_a_removal_carries_the_deletions_it_stands_for():
    before = _layer("services:\n  worker:\n    resources: {cpu: 1}\n")
    after = _layer("services: {}\nremove:\n  services.worker: moved to the jobs service\n")
    (edit,) = provenance.file_edits("config/prod.yaml", before, after)
    assert edit.path == ("remove", "services.worker")
    assert edit.covers == (("services", "worker"),)
    assert (str(edit.source), edit.source.key) == ("config/prod.yaml:3", "remove: services.worker")


def test_a_field_names_the_line_that_changed_it_even_where_names_differ(tmp_path: Path):
    line = 0

    def edit(config: Path) -> None:
        nonlocal line
        line = replace_in(config, "prod.yaml", "    replicas: 3\n", "    replicas: 4\n")

    result, _, _ = change(tmp_path, edit)
    found = sources(result)
    assert found[("[prod] Deployment honeydue/api", "spec.replicas")] == [f"config/prod.yaml:{line}"]
    # The apps unit's health-check timeout grows with the API's rollout: found by rendering, not by name.
    assert found[("[prod] Kustomization flux-system/honeydue-apps", "spec.timeout")] == [f"config/prod.yaml:{line}"]
    assert render_text.render(result).count(f"spec.replicas: 3 → 4 (config/prod.yaml:{line})") == 1


def test_an_edit_of_the_base_reaches_every_environment(tmp_path: Path):
    line = 0

    def edit(config: Path) -> None:
        nonlocal line
        line = replace_in(config, "base.yaml", "    startupSeconds: 120\n", "    startupSeconds: 150\n")

    found = sources(change(tmp_path, edit)[0])
    field = "spec.template.spec.containers[admin].startupProbe.failureThreshold"
    for env in ("prod", "staging"):
        assert found[(f"[{env}] Deployment honeydue/admin", field)] == [f"config/base.yaml:{line}"]


def test_several_edits_behind_one_field_are_all_named(tmp_path: Path):
    lines = []

    def edit(config: Path) -> None:
        lines.append(replace_in(config, "base.yaml", "  SMTP_HOST: smtp.fastmail.com\n", "  SMTP_HOST: smtp.x.com\n"))
        lines.append(replace_in(config, "base.yaml", '  SMTP_PORT: "587"\n', '  SMTP_PORT: "2525"\n'))

    found = sources(change(tmp_path, edit)[0])
    both = [f"config/base.yaml:{n}" for n in sorted(lines)]
    # The pod template's settings hash covers both settings: both edits are named.
    hash_field = "spec.template.metadata.annotations['gitops.myhoneydue.com/settings-hash']"
    assert found[("[prod] Deployment honeydue/worker", hash_field)] == both
    assert found[("[prod] ConfigMap honeydue/honeydue-settings", "data.SMTP_PORT")] == [f"config/base.yaml:{lines[1]}"]


def test_a_removal_names_its_line_on_every_object_it_takes_away(tmp_path: Path):
    line = build = 0

    def edit(config: Path) -> None:
        nonlocal line, build
        replace_in(config, "prod.yaml", WORKER_BLOCK, "")
        build = replace_in(config, "prod.yaml", "  worker: 6f303dbbaa\n", "")  # the build prod ran of it goes too
        line = (
            append_to(config, "prod.yaml", "remove:\n  services.worker: the jobs service runs the scheduler now\n") + 1
        )

    result, _, _ = change(tmp_path, edit)
    found = sources(result)
    for kind in ("Deployment", "PodDisruptionBudget"):
        # The two edits only load together (neither alone is valid config): each is named.
        assert found[(f"[prod] {kind} honeydue/worker", "(object)")] == [
            f"config/prod.yaml:{build}",
            f"config/prod.yaml:{line}",
        ]
    assert next((r.severity.label, str(r.subject)) for r in result.risks) == (
        "high",
        "[prod] Deployment honeydue/worker",
    )
    shown = f"(config/prod.yaml:{build}, config/prod.yaml:{line})"
    assert f"  - [prod] Deployment honeydue/worker (apps/v1) {shown}" in render_text.render(result)


def test_edits_that_only_load_together_are_each_named(tmp_path: Path):
    def edit(config: Path) -> None:
        # A secret reference alone points at nothing; the declaration alone adds a declared secret.
        replace_in(
            config,
            "base.yaml",
            "      SECRET_KEY: {secret: honeydue-app, key: SECRET_KEY}\n\n  admin:",
            "      SECRET_KEY: {secret: honeydue-app, key: SECRET_KEY}\n"
            "      SENTRY_DSN: {secret: honeydue-sentry, key: SENTRY_DSN}\n\n  admin:",
        )
        replace_in(
            config, "base.yaml", "  honeydue-app:\n", "  honeydue-sentry:\n    keys: [SENTRY_DSN]\n  honeydue-app:\n"
        )

    result, _, _ = change(tmp_path, edit)
    text = (tmp_path / "head" / "config" / "base.yaml").read_text()
    line = text[: text.index("      SENTRY_DSN:")].count("\n") + 1  # the declaration above moved it down
    assert sources(result)[("[prod] Deployment honeydue/api", f"{API}.env[SENTRY_DSN]")] == [f"config/base.yaml:{line}"]


def test_what_no_config_edit_explains_comes_from_code(tmp_path: Path):
    def older_output(dist: Path) -> None:
        path = dist / "prod" / "apps" / "deployment-api.yaml"
        path.write_text(path.read_text().replace("progressDeadlineSeconds: 600", "progressDeadlineSeconds: 300"))

    result, _, _ = change(tmp_path, lambda config: None, older_output)
    assert sources(result) == {("[prod] Deployment honeydue/api", "spec.progressDeadlineSeconds"): ["charts/"]}


def test_the_comment_and_json_carry_the_sources(tmp_path: Path):
    line = 0

    def edit(config: Path) -> None:
        nonlocal line
        line = replace_in(config, "prod.yaml", "    replicas: 3\n", "    replicas: 4\n")

    result, _, _ = change(tmp_path, edit)
    assert f"- `spec.replicas`: `3` → `4` (`config/prod.yaml:{line}`)" in render_md.render(result)
    data = render_json.as_data(result)
    (api,) = [o for o in data["objects"] if o["object"]["name"] == "api" and o["object"]["kind"] == "Deployment"]
    assert api["changes"][0]["sources"] == [{"file": "config/prod.yaml", "line": line, "key": "services.api.replicas"}]
