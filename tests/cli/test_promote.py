"""`main.py promote`: prod gets the builds staging runs, with parity proved from git history; and the pull
request of a promotion, whose `main.py diff` leads with the verdict (tests/ship/kit.py's repository)."""

from __future__ import annotations

import json

import pytest

from tests.ship.kit import API_REPOSITORY, DIGEST, Repo

NOTHING = "nothing was changed: config/ and dist/ are as they were.\n"
STAGING_API_RESOURCES = "    resources: {cpu: 100m, memory: 256Mi, memoryLimit: 512Mi}\n"


def ship_to_staging(repo: Repo, build: str = "1a2b3c4d5e", service: str = "api") -> str:
    code, _, err = repo.main("set-image", service, build, "--env", "staging")
    assert (code, err) == (0, "")
    return repo.commit(f"staging runs {service} {build}")


def test_a_promotion_of_the_api_changes_exactly_its_image_and_version_lines_in_dist_prod(repo: Repo):
    ship_to_staging(repo)
    code, out, err = repo.main("promote", "--from", "staging", "--to", "prod", "api")
    assert (code, err) == (0, "")
    lines = out.splitlines()
    assert lines[0] == (
        "prod gets api 1a2b3c4d5e (was 6f303dbbaa) from staging: config/prod.yaml edited, dist/prod/ rendered"
    )
    assert lines[2] == "promotion staging → prod: parity holds for api"
    assert lines[3].startswith("  api 6f303dbbaa → 1a2b3c4d5e: staging has run it since ")
    assert repo.changed_lines("config") == [("  api: 6f303dbbaa", "  api: 1a2b3c4d5e")]
    assert repo.git("diff", "--name-only", "--", "dist").split() == [
        "dist/prod/INVENTORY.md",
        "dist/prod/apps/deployment-api.yaml",
    ]
    assert repo.changed_lines("dist/prod/apps/deployment-api.yaml") == [
        ("    app.kubernetes.io/version: 6f303dbbaa", "    app.kubernetes.io/version: 1a2b3c4d5e"),
        ("        app.kubernetes.io/version: 6f303dbbaa", "        app.kubernetes.io/version: 1a2b3c4d5e"),
        (f"          image: {API_REPOSITORY}:6f303dbbaa", f"          image: {API_REPOSITORY}:1a2b3c4d5e"),
    ]
    # The inventory's row of the api: its image.
    ((old, new),) = repo.changed_lines("dist/prod/INVENTORY.md")
    assert old.replace("6f303dbbaa", "1a2b3c4d5e") == new
    assert old.startswith("| apps | Deployment | honeydue | api | ")


def test_every_service_by_default_and_nothing_when_prod_already_runs_it(repo: Repo):
    ship_to_staging(repo, service="api")
    ship_to_staging(repo, "2b3c4d5e6f", service="worker")
    code, out, _ = repo.main("promote", "--from", "staging", "--to", "prod")
    assert code == 0
    assert out.splitlines()[0] == (
        "prod gets api 1a2b3c4d5e (was 6f303dbbaa), worker 2b3c4d5e6f (was 6f303dbbaa) from staging: "
        "config/prod.yaml edited, dist/prod/ rendered"
    )
    assert "promotion staging → prod: parity holds for api, worker" in out
    repo.commit("Promote api and worker")
    assert repo.main("promote", "--from", "staging", "--to", "prod") == (
        0,
        "prod already runs the builds staging runs: nothing to promote\n",
        "",
    )


def test_parity_fails_when_staging_ran_a_change_prod_would_not_get(repo: Repo):
    repo.main("set-image", "api", "1a2b3c4d5e", "--env", "staging")
    repo.edit("staging.yaml", STAGING_API_RESOURCES, STAGING_API_RESOURCES + "    startupSeconds: 300\n")
    repo.synth()
    repo.commit("staging runs api 1a2b3c4d5e, given 300 s to start")
    code, out, err = repo.main("promote", "--from", "staging", "--to", "prod")
    assert (code, err) == (1, "")
    assert out.splitlines()[2:6] == [
        "promotion staging → prod: parity FAILS for api (2 difference(s))",
        out.splitlines()[3],
        "    [prod] Deployment honeydue/api metadata.annotations['gitops.myhoneydue.com/startup-seconds']: "
        "prod gets 240, staging runs 300 (staging ran this change, prod would not get it)",
        "    [prod] Deployment honeydue/api spec.template.spec.containers[api].startupProbe.failureThreshold: "
        "prod gets 48, staging runs 60 (staging ran this change, prod would not get it)",
    ]
    assert out.splitlines()[-1] == (
        "parity fails: config/prod.yaml and dist/prod/ hold the promotion, uncommitted; docs/shipping.md says what "
        'to do ("When parity fails")'
    )
    assert repo.changed_lines("config") == [("  api: 6f303dbbaa", "  api: 1a2b3c4d5e")]


def test_parity_holds_across_changes_both_got_at_once_and_fields_each_environment_sets(repo: Repo):
    ship_to_staging(repo)
    repo.edit("base.yaml", "startupSeconds: 240", "startupSeconds: 260")  # both environments, one commit
    repo.edit("staging.yaml", "resources: {cpu: 100m, memory: 256Mi", "resources: {cpu: 150m, memory: 256Mi")
    repo.synth()
    repo.commit("The API may take 260 s; staging's gets more CPU")
    code, out, _ = repo.main("promote", "--from", "staging", "--to", "prod", "api")
    assert code == 0
    assert out.splitlines()[3].endswith("(set for each environment, not compared: resources)")


def test_parity_cannot_be_shown_when_staging_never_ran_what_prod_runs(repo: Repo):
    repo.edit("prod.yaml", "  api: 6f303dbbaa", "  api: 0a0000000b")
    repo.synth()
    repo.commit("A build straight to prod")
    ship_to_staging(repo)
    code, out, _ = repo.main("promote", "--from", "staging", "--to", "prod")
    assert code == 1
    assert (
        "    staging never ran prod's build 0a0000000b (in dist/staging/apps/deployment-api.yaml's history): there is "
        "no point from which to compare the two changes"
    ) in out.splitlines()


def _digest_warnings(repo: Repo) -> list[str]:
    _, out, _ = repo.main("check", "--env", "prod", "--dist", str(repo.dist), "--format", "json")
    findings = [f for s in json.loads(out)["sets"] for f in s["findings"]]
    return sorted(f["object"]["name"] for f in findings if f["rule"] == "image-digest")


def test_prod_gets_the_digest_staging_runs_and_its_image_digest_warning_goes_away(repo: Repo):
    assert "api" in _digest_warnings(repo)
    ship_to_staging(repo, f"1a2b3c4d5e@{DIGEST}")
    code, out, _ = repo.main("promote", "--from", "staging", "--to", "prod", "api", "--commit")
    assert code == 0
    assert repo.changed_lines("config") == []  # committed
    assert repo.git("show", "HEAD:config/prod.yaml").count(f"  api: 1a2b3c4d5e@{DIGEST}\n") == 1
    assert repo.git("branch", "--show-current").strip() == "promote/prod-api-1a2b3c4d5e"
    assert out.splitlines()[-1] == (
        "next: git push origin promote/prod-api-1a2b3c4d5e and open a pull request into main; "
        "its comment leads with this verdict"
    )
    assert "api" not in _digest_warnings(repo)


BAD_INPUT = [
    (
        ["--from", "prod", "--to", "prod"],
        "promote: --from and --to both name prod: a promotion goes from one environment to another.\n"
        "  fix: promote from the environment that ran the build first, e.g. --from staging --to prod.\n",
    ),
    (
        ["--from", "staging", "--to", "qa"],
        "promote: --to qa: no environment 'qa' in config/.\n  fix: use one of: prod, staging.\n",
    ),
    (
        ["--from", "stagin", "--to", "prod"],
        "promote: --from stagin: no environment 'stagin' in config/.\n  fix: use one of: prod, staging.\n",
    ),
    (
        ["--from", "staging", "--to", "prod", "apii"],
        "promote: no service 'apii' in config.\n  fix: use one of: admin, api, redis, worker.\n",
    ),
]


@pytest.mark.parametrize("args, message", BAD_INPUT, ids=[" ".join(a) for a, _ in BAD_INPUT])
def test_bad_input_is_one_message_and_changes_nothing(repo: Repo, args: list[str], message: str):
    ship_to_staging(repo)
    before = repo.snapshot()
    assert repo.main("promote", *args) == (2, "", message + NOTHING)
    assert repo.snapshot() == before


def test_a_digest_is_never_turned_into_a_bare_tag(repo: Repo):
    repo.edit("prod.yaml", "  api: 6f303dbbaa", f"  api: 6f303dbbaa@{DIGEST}")
    repo.synth()
    repo.commit("prod pins the api by digest")
    ship_to_staging(repo)
    before = repo.snapshot()
    assert repo.main("promote", "--from", "staging", "--to", "prod") == (
        2,
        "",
        f"promote: prod runs api pinned by digest (6f303dbbaa@{DIGEST}); staging runs 1a2b3c4d5e, a bare tag, and "
        "promote never replaces a digest by a tag.\n"
        "  fix: pin staging's build by its digest first: main.py set-image api 1a2b3c4d5e@sha256:<digest> "
        "--env staging.\n" + NOTHING,
    )
    assert repo.snapshot() == before


@pytest.mark.parametrize(
    "file, message",
    [
        (
            "prod.yaml",
            "promote: config/prod.yaml has changes not committed to git, which promote would edit and render on top "
            "of.\n  fix: commit or stash them (git stash) and run promote again, or pass --allow-dirty to keep them "
            "in.\n",
        ),
        (
            "staging.yaml",
            "promote: config/staging.yaml has changes not committed to git, and promote copies the builds staging "
            "runs: what git holds for it.\n"
            "  fix: commit them (and let staging run them first) or stash them, then promote.\n",
        ),
    ],
)
def test_uncommitted_config_is_refused(repo: Repo, file: str, message: str):
    ship_to_staging(repo)
    repo.edit(file, "B2_BUCKET: honeyDue", "B2_BUCKET: honeyDueX")
    before = repo.snapshot()
    assert repo.main("promote", "--from", "staging", "--to", "prod") == (2, "", message + NOTHING)
    assert repo.snapshot() == before


def test_the_pull_request_of_a_promotion_leads_with_the_verdict(repo: Repo):
    ship_to_staging(repo)
    base = repo.git("rev-parse", "HEAD").strip()
    repo.main("promote", "--from", "staging", "--to", "prod", "api")
    repo.commit("Promote api 1a2b3c4d5e from staging to prod")
    code, out, _ = repo.main("diff", "--base", base, "--format", "md")
    assert code == 0
    lines = out.splitlines()
    assert lines[:6] == [
        "<!-- honeydue-gitops:diff -->",
        "### Promotion `staging` → `prod`: parity holds",
        "",
        "<!-- keep: never shortened -->",
        "| Service | Build | staging has run it since | Parity |",
        "| --- | --- | --- | --- |",
    ]
    assert lines[6].startswith("| api | `6f303dbbaa` → `1a2b3c4d5e` | ")
    # The section stands before the report, outside every collapsed <details> the size budget may shorten.
    title = next(n for n, line in enumerate(lines) if line.startswith("### Cluster changes: "))
    assert title > 6
    assert "<details>" not in lines[:title]


def test_a_promotion_that_also_changes_a_field_of_prod_only_fails_with_the_exact_field_and_line(repo: Repo):
    ship_to_staging(repo)
    base = repo.git("rev-parse", "HEAD").strip()
    repo.main("promote", "--from", "staging", "--to", "prod", "api")
    line = repo.edit("prod.yaml", "    replicas: 3\n", "    replicas: 3\n    startupSeconds: 300\n") + 1
    repo.synth()
    repo.commit("Promote api 1a2b3c4d5e from staging to prod, and give it 300 s to start")
    code, out, _ = repo.main("diff", "--base", base)
    assert code == 0
    assert out.splitlines()[:6] == [
        "promotion staging → prod: parity FAILS for api (2 difference(s))",
        out.splitlines()[1],
        "    [prod] Deployment honeydue/api metadata.annotations['gitops.myhoneydue.com/startup-seconds']: "
        "prod gets 300, staging runs 240 (changed for prod only: staging never ran it)",
        "    [prod] Deployment honeydue/api spec.template.spec.containers[api].startupProbe.failureThreshold: "
        "prod gets 60, staging runs 48 (changed for prod only: staging never ran it)",
        "  set in prod's config beside the promoted builds:",
        f"    config/prod.yaml:{line}: services.api.startupSeconds: (absent) → 300",
    ]


def test_a_build_given_to_staging_and_prod_at_once_fails_parity_staging_has_not_run_it(repo: Repo):
    base = repo.git("rev-parse", "HEAD").strip()
    repo.edit("staging.yaml", "  api: 6f303dbbaa", "  api: 1a2b3c4d5e")
    repo.edit("prod.yaml", "  api: 6f303dbbaa", "  api: 1a2b3c4d5e")
    repo.synth()
    repo.commit("api 1a2b3c4d5e everywhere, as when builds lived in base.yaml")
    code, out, _ = repo.main("diff", "--base", base)
    assert code == 0
    assert out.splitlines()[:3] == [
        "promotion staging → prod: parity FAILS for api (1 difference(s))",
        "  api 6f303dbbaa → 1a2b3c4d5e",
        "    this change gives api 1a2b3c4d5e to staging and prod at once: staging has not run it",
    ]
