"""Environment files hold only differences from config/base.yaml; one new file is one new environment."""

from __future__ import annotations

from pathlib import Path

import pytest
from ruamel.yaml import YAML

from gitops.config import ConfigError, environment_names, load
from gitops.render.synth import synth
from tests.conftest import CONFIG
from tests.ship.kit import QA


def _leaves(node: object, path: tuple = ()) -> dict[tuple, object]:
    if isinstance(node, dict):
        found = {}
        for key, value in node.items():
            found.update(_leaves(value, (*path, key)))
        return found
    return {path: node}


def test_base_is_not_an_environment():
    assert environment_names(CONFIG) == ["prod", "staging"]


@pytest.mark.parametrize("name", ["prod", "staging"])
def test_environment_files_repeat_nothing_the_base_already_says(name: str):
    yaml = YAML(typ="safe", pure=True)
    base = _leaves(yaml.load((CONFIG / "base.yaml").read_text()))
    overlay = _leaves(yaml.load((CONFIG / f"{name}.yaml").read_text()))
    repeated = sorted(".".join(map(str, p)) for p, v in overlay.items() if p in base and base[p] == v)
    assert repeated == []


def test_mappings_merge_lists_replace_and_remove_takes_a_named_entry_out(config_copy: Path):
    staging = config_copy / "staging.yaml"
    staging.write_text(staging.read_text() + "remove:\n  serviceUrls.ADMIN_PUBLIC_URL: staging's admin is not public\n")
    staging.write_text(
        staging.read_text().replace(
            "    hosts: [admin-staging.myhoneydue.com]\n",
            "    hosts: [admin-staging.myhoneydue.com]\n    settings: [API_PUBLIC_URL]\n",
        )
    )
    # api reads ADMIN_PUBLIC_URL in the base; without it here too the removal would leave a dangling reference.
    api_settings = "[SMTP_HOST, SMTP_PORT, B2_REGION, B2_BUCKET, B2_ENDPOINT, REDIS_URL, API_PUBLIC_URL]"
    staging.write_text(
        staging.read_text().replace(
            "    hosts: [api-staging.myhoneydue.com, staging.myhoneydue.com]\n",
            f"    hosts: [api-staging.myhoneydue.com, staging.myhoneydue.com]\n    settings: {api_settings}\n",
        )
    )
    config = load("staging", config_copy).config
    assert "ADMIN_PUBLIC_URL" not in config.service_urls  # removed, by name and with its reason
    assert config.remove == {"serviceUrls.ADMIN_PUBLIC_URL": "staging's admin is not public"}
    assert config.services["admin"].settings == ["API_PUBLIC_URL"]  # the list replaced the base's list
    assert config.services["admin"].port == 3000  # the rest of the mapping merged from base
    assert config.settings["SMTP_HOST"] == "smtp.fastmail.com"


def test_a_mistake_in_the_base_is_reported_once_at_its_line(tmp_path: Path, config_copy: Path):
    base = config_copy / "base.yaml"
    text = base.read_text()
    line = text[: text.index("    port: 3000")].count("\n") + 1
    base.write_text(text.replace("    port: 3000", "    port: 0"))
    with pytest.raises(ConfigError) as caught:
        synth(config_copy, tmp_path / "dist")
    assert [(Path(p.file).name, p.line, p.key) for p in caught.value.problems] == [
        ("base.yaml", line, "services.admin.port")
    ]


def test_an_override_is_reported_in_the_environment_file(config_copy: Path):
    staging = config_copy / "staging.yaml"
    text = staging.read_text()
    line = text[: text.index("    hosts: [admin-staging")].count("\n") + 1
    staging.write_text(text.replace("[admin-staging.myhoneydue.com]", "[Admin-Staging]"))
    with pytest.raises(ConfigError) as caught:
        load("staging", config_copy)
    (problem,) = caught.value.problems
    assert (Path(problem.file).name, problem.line, problem.key) == ("staging.yaml", line, "services.admin.hosts[0]")


def test_adding_an_environment_is_one_new_file(tmp_path: Path, config_copy: Path):
    (config_copy / "qa.yaml").write_text(QA)
    out = tmp_path / "dist"
    synth(config_copy, out)
    assert sorted(p.name for p in out.iterdir()) == [".synthesized", "clusters", "prod", "qa", "staging"]
    assert (out / "qa" / "apps" / "deployment-api.yaml").exists()
    assert (out / "clusters" / "qa" / "kustomization-flux-system-honeydue-apps.yaml").exists()


def _line(text: str, start: str) -> int:
    return next(n for n, line in enumerate(text.splitlines(), 1) if line.startswith(start))


def _qa(config: Path, text: str = QA) -> Path:
    (config / "qa.yaml").write_text(text)
    return config


def _problems(config: Path, name: str = "qa") -> list[str]:
    with pytest.raises(ConfigError) as caught:
        load(name, config)
    return [str(p) for p in caught.value.problems]


def test_an_environment_that_follows_another_runs_its_builds_but_those_it_pins(config_copy: Path):
    _qa(config_copy)
    staging = (config_copy / "staging.yaml").read_text().replace("  api: 6f303dbbaa", "  api: 1a2b3c4d5e")
    (config_copy / "staging.yaml").write_text(staging)
    qa = load("qa", config_copy)
    assert qa.config.image("api") == "gitea.treytartt.com/treytartt/honeydue-api:1a2b3c4d5e"
    assert qa.config.image("redis") == "docker.io/library/redis:7.2.5-alpine"
    assert qa.followed == {"api": "staging", "admin": "staging", "worker": "staging"}


def test_following_a_follower_names_the_environment_whose_file_holds_the_build(config_copy: Path):
    _qa(config_copy)
    (config_copy / "demo.yaml").write_text(QA.replace("qa", "demo").replace("follows: staging", "follows: qa"))
    demo = load("demo", config_copy)
    assert demo.followed == {"api": "staging", "admin": "staging", "worker": "staging"}


def test_following_in_a_circle_is_refused(config_copy: Path):
    _qa(config_copy)
    staging = config_copy / "staging.yaml"
    staging.write_text(staging.read_text().replace("  builds: pull-request", "  follows: qa"))
    line = _line(QA, "  follows: staging")
    assert _problems(config_copy, "staging") == [
        f"{config_copy}/qa.yaml:{line}: shipping.follows: environments follow each other in a circle "
        "(staging -> qa -> staging).\n  fix: pin the builds of one of them."
    ]


def test_following_an_environment_that_runs_no_build_of_a_service_is_refused(config_copy: Path):
    extra = (
        "  mailer:\n    component: worker\n    image: gitea.treytartt.com/treytartt/honeydue-mailer\n"
        "    health: {kind: none, reason: no endpoint}\n    resources: {cpu: 50m, memory: 64Mi, memoryLimit: 128Mi}\n"
    )
    _qa(config_copy, QA.replace("shipping:\n", extra + "shipping:\n"))
    line = _line(QA.replace("shipping:\n", extra + "shipping:\n"), "  follows: staging")
    assert _problems(config_copy) == [
        f"{config_copy}/qa.yaml:{line}: shipping.follows: staging runs no build of mailer to follow.\n"
        "  fix: pin it under images: in this file."
    ]


def test_clusters_is_not_an_environment_name(tmp_path: Path, config_copy: Path):
    (config_copy / "clusters.yaml").write_text(QA)
    with pytest.raises(ConfigError) as caught:
        synth(config_copy, tmp_path / "dist")
    assert [p.problem for p in caught.value.problems] == ["'clusters' is reserved for dist/clusters/"]
