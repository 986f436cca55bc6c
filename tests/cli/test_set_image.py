"""`main.py set-image`: one line of config/<env>.yaml, dist/ rendered again, the review printed; bad input
changes nothing (tests/ship/kit.py's repository)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest

from gitops.layout import PROJECT
from tests.ship.kit import API_REPOSITORY, DIGEST, QA, Repo

NOTHING = "nothing was changed: config/ and dist/ are as they were.\n"


def test_a_new_build_is_one_line_of_config_and_the_review_of_what_it_renders(repo: Repo):
    code, out, err = repo.main("set-image", "api", f"{API_REPOSITORY}:1a2b3c4d5e", "--env", "staging")
    assert (code, err) == (0, "")
    line = repo.config.joinpath("staging.yaml").read_text().splitlines().index("  api: 1a2b3c4d5e") + 1
    assert out.splitlines()[0] == (
        f"staging runs api 1a2b3c4d5e (was 6f303dbbaa): config/staging.yaml:{line} edited, dist/staging/ rendered"
    )
    assert "  [staging] Deployment honeydue/api: image honeydue-api 6f303dbbaa → 1a2b3c4d5e" in out
    assert repo.changed_lines("config") == [("  api: 6f303dbbaa", "  api: 1a2b3c4d5e")]
    assert repo.git("status", "--porcelain", "dist/prod").strip() == ""  # prod is untouched
    image = f"          image: {API_REPOSITORY}:1a2b3c4d5e"
    assert (f"          image: {API_REPOSITORY}:6f303dbbaa", image) in repo.changed_lines("dist/staging/apps")


@pytest.mark.parametrize(
    "ref, written",
    [
        ("1a2b3c4d5e", "1a2b3c4d5e"),
        (":1a2b3c4d5e", "1a2b3c4d5e"),
        (f"1a2b3c4d5e@{DIGEST}", f"1a2b3c4d5e@{DIGEST}"),
        (DIGEST, DIGEST),
        (f"@{DIGEST}", DIGEST),
        (f"{API_REPOSITORY}@{DIGEST}", DIGEST),
        ("1234567", "'1234567'"),  # a tag YAML would read as a number is quoted
    ],
)
def test_a_build_is_a_whole_reference_or_its_tag_or_digest(repo: Repo, ref: str, written: str):
    code, _, err = repo.main("set-image", "api", ref, "--env", "staging")
    assert (code, err) == (0, "")
    assert repo.changed_lines("config") == [("  api: 6f303dbbaa", f"  api: {written}")]


def test_the_same_build_again_changes_nothing(repo: Repo):
    before = repo.snapshot()
    assert repo.main("set-image", "api", "6f303dbbaa", "--env", "staging") == (
        0,
        "staging already runs api 6f303dbbaa (config/staging.yaml): nothing to change\n",
        "",
    )
    assert repo.snapshot() == before


BAD_INPUT = [
    (
        ["apii", "1a2b3c4d5e", "--env", "staging"],
        "set-image: no service 'apii' in config.\n  fix: use one of: admin, api, redis, worker.\n",
    ),
    (
        ["api", "1a2b3c4d5e", "--env", "qa"],
        "set-image: --env qa: no environment 'qa' in config/.\n  fix: use one of: prod, staging.\n",
    ),
    (
        ["api", f"{API_REPOSITORY}:-1", "--env", "staging"],
        f"set-image: image '{API_REPOSITORY}:-1' has an invalid tag '-1'.\n"
        "  fix: use at most 128 letters, digits, '_', '.' and '-', not starting with '.' or '-'.\n",
    ),
    (
        ["api", "gitea.treytartt.com/TreyTartt/honeydue-api:1a2b3c4d5e", "--env", "staging"],
        "set-image: image 'gitea.treytartt.com/TreyTartt/honeydue-api:1a2b3c4d5e' has upper case in its repository "
        "path 'TreyTartt/honeydue-api', which no registry serves.\n"
        "  fix: write the path in lower case: treytartt/honeydue-api.\n",
    ),
    (
        ["api", "1a2b3c4d5e@sha256:0123abcd", "--env", "staging"],
        "set-image: build '1a2b3c4d5e@sha256:0123abcd' has an invalid digest 'sha256:0123abcd'.\n"
        "  fix: write the digest the registry reports, sha256: followed by 64 lower-case hex digits.\n",
    ),
    (
        ["api", DIGEST.upper().replace("SHA256", "sha256"), "--env", "staging"],
        f"set-image: build '{DIGEST.upper().replace('SHA256', 'sha256')}' has an invalid digest "
        f"'{DIGEST.upper().replace('SHA256', 'sha256')}'.\n"
        "  fix: write the digest the registry reports, sha256: followed by 64 lower-case hex digits.\n",
    ),
    (
        ["api", "latest", "--env", "staging"],
        "set-image: build 'latest' uses the floating tag 'latest'.\n"
        "  fix: pin the tag of a released build, e.g. the git commit the image was built from.\n",
    ),
    (
        ["api", "honeydue-api:1a2b3c4d5e", "--env", "staging"],
        "set-image: image 'honeydue-api:1a2b3c4d5e' does not name its registry.\n"
        "  fix: write the registry host first, e.g. docker.io/library/honeydue-api or "
        "gitea.treytartt.com/honeydue-api.\n",
    ),
    (
        ["api", "gitea.treytartt.com/treytartt/honeydue-admin:1a2b3c4d5e", "--env", "staging"],
        "set-image: 'gitea.treytartt.com/treytartt/honeydue-admin:1a2b3c4d5e' is a build of "
        "gitea.treytartt.com/treytartt/honeydue-admin, but api runs gitea.treytartt.com/treytartt/honeydue-api "
        "(services.api.image in config/base.yaml).\n"
        "  fix: pass a build of gitea.treytartt.com/treytartt/honeydue-api, or only its tag or digest.\n",
    ),
]


@pytest.mark.parametrize("args, message", BAD_INPUT, ids=[" ".join(a[:2]) for a, _ in BAD_INPUT])
def test_bad_input_is_one_message_and_changes_nothing(repo: Repo, args: list[str], message: str):
    before = repo.snapshot()
    assert repo.main("set-image", *args) == (2, "", message + NOTHING)
    assert repo.snapshot() == before


def test_edits_not_saved_to_git_are_not_overwritten_without_saying_so(repo: Repo):
    repo.edit("staging.yaml", "B2_BUCKET: honeyDueStaging", "B2_BUCKET: honeyDueStaging2")
    before = repo.snapshot()
    assert repo.main("set-image", "api", "1a2b3c4d5e", "--env", "staging") == (
        2,
        "",
        "set-image: config/staging.yaml has changes not committed to git, which set-image would edit and render "
        "on top of.\n"
        "  fix: commit or stash them (git stash) and run set-image again, or pass --allow-dirty to keep them in.\n"
        + NOTHING,
    )
    assert repo.snapshot() == before
    code, _, _ = repo.main("set-image", "api", "1a2b3c4d5e", "--env", "staging", "--allow-dirty")
    assert code == 0
    assert repo.changed_lines("config") == [
        ("  B2_BUCKET: honeyDueStaging", "  B2_BUCKET: honeyDueStaging2"),
        ("  api: 6f303dbbaa", "  api: 1a2b3c4d5e"),
    ]


def test_an_environment_that_follows_another_is_refused_with_the_file_to_edit(repo: Repo):
    repo.config.joinpath("qa.yaml").write_text(QA)
    repo.synth()
    repo.commit("qa runs what staging runs")
    before = repo.snapshot()
    assert repo.main("set-image", "api", "1a2b3c4d5e", "--env", "qa") == (
        2,
        "",
        "set-image: qa takes api's build from staging (shipping.follows in config/qa.yaml); config/staging.yaml "
        "names it.\n"
        "  fix: change it there: main.py set-image api REF --env staging; or pin api under images: in "
        "config/qa.yaml.\n" + NOTHING,
    )
    assert repo.snapshot() == before
    # Set where it is named, the build reaches the follower too.
    code, out, _ = repo.main("set-image", "api", "1a2b3c4d5e", "--env", "staging")
    assert code == 0
    assert "dist/staging/, dist/qa/ rendered" in out.splitlines()[0]
    assert f"image: {API_REPOSITORY}:1a2b3c4d5e\n" in (repo.dist / "qa/apps/deployment-api.yaml").read_text()


def test_commit_lands_a_build_as_config_says_on_a_branch_of_its_own_or_on_the_current_one(repo: Repo):
    code, out, _ = repo.main("set-image", "api", "1a2b3c4d5e", "--env", "staging", "--commit")
    assert code == 0
    assert out.splitlines()[-1] == "next: git push origin ship/staging-api-1a2b3c4d5e and open a pull request into main"
    assert repo.git("log", "-1", "--format=%s").strip() == "staging runs api 1a2b3c4d5e"
    assert repo.git("status", "--porcelain").strip() == ""
    assert repo.git("diff", "--name-only", "main", "HEAD").split() == [
        "config/staging.yaml",
        "dist/staging/INVENTORY.md",
        "dist/staging/apps/deployment-api.yaml",
    ]
    repo.git("switch", "--quiet", "main")
    repo.edit("staging.yaml", "builds: pull-request", "builds: commit")
    repo.commit("staging takes builds straight onto main")
    code, out, _ = repo.main("set-image", "admin", "1a2b3c4d5e", "--env", "staging", "--commit")
    assert code == 0
    assert out.splitlines()[-1] == "next: git push origin main"
    assert repo.git("log", "-1", "--format=%s").strip() == "staging runs admin 1a2b3c4d5e"


def test_concurrent_calls_take_turns_on_the_lock_and_the_second_does_not_overwrite_the_first(repo: Repo):
    def start(service: str) -> subprocess.Popen[str]:
        return subprocess.Popen(
            [
                *(sys.executable, str(PROJECT / "main.py"), "set-image", service, "1a2b3c4d5e", "--env", "staging"),
                *("--repo", ".", "--config-dir", "config", "--out", "dist"),
            ],
            cwd=repo.root,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )

    runs = [start("api"), start("admin")]
    results = sorted((run.wait(timeout=300), run.stdout.read(), run.stderr.read()) for run in runs)  # type: ignore[union-attr]
    (ok, ok_out, _), (refused, refused_out, refused_err) = results
    assert (ok, refused, refused_out) == (0, 2, "")
    assert refused_err.endswith(
        "set-image: config/staging.yaml has changes not committed to git, which set-image would edit and render "
        "on top of.\n"
        "  fix: commit or stash them (git stash) and run set-image again, or pass --allow-dirty to keep them in.\n"
        + NOTHING
    )
    service = "api" if ok_out.startswith("staging runs api") else "admin"
    assert repo.changed_lines("config") == [(f"  {service}: 6f303dbbaa", f"  {service}: 1a2b3c4d5e")]


def test_ctrl_c_or_sigterm_is_one_line_exit_130_and_config_and_dist_stay_together(repo: Repo, tmp_path):
    """Sent once set-image holds dist/'s lock (its handler is in place), at points through the synth and review."""
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    lock = repo.root / ".dist.lock"
    deployment = repo.dist / "staging/apps/deployment-api.yaml"
    outcomes = []
    for signum, delay in ((signal.SIGTERM, 0.0), (signal.SIGINT, 0.3), (signal.SIGTERM, 0.7)):
        repo.git("checkout", "--quiet", "--", "config", "dist")
        run = subprocess.Popen(
            [
                *(sys.executable, str(PROJECT / "main.py"), "set-image", "api", "1a2b3c4d5e", "--env", "staging"),
                *("--repo", ".", "--config-dir", "config", "--out", "dist"),
            ],
            cwd=repo.root,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            start_new_session=True,
            env={**os.environ, "TMPDIR": str(scratch)},
        )
        deadline = time.monotonic() + 120
        while run.poll() is None and time.monotonic() < deadline:
            if lock.exists() and lock.read_text().strip() == str(run.pid):
                break
            time.sleep(0.02)
        time.sleep(delay)
        if run.poll() is None:
            os.killpg(run.pid, signum)
        _, stderr = run.communicate(timeout=120)
        outcomes.append(run.returncode)
        if run.returncode == 130:
            assert (
                stderr == "set-image: interrupted; config/ and dist/ are as they were, or both hold the whole change\n"
            )
        else:
            assert run.returncode == 0, stderr
        edited = "  api: 1a2b3c4d5e\n" in (repo.config / "staging.yaml").read_text()
        assert edited == (":1a2b3c4d5e\n" in deployment.read_text())  # config and dist/ change together
        # No temporary directory of set-image's left (jsii's own runtime directory after a signal is
        # synth's matter, issue 19: plain `main.py synth` leaves it the same way).
        assert [p.name for p in scratch.iterdir() if p.name.startswith("honeydue-")] == []
    assert 130 in outcomes
