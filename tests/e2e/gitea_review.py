"""End-to-end: the review comment on a real Gitea v1.25.5. This is `make e2e-gitea`.

A Gitea on 127.0.0.1 (tests/e2e/gitea_server.py) gets this repository pushed as `main` and a pull
request from a branch where `main.py set-image` gave staging a new api build, as the app's CI does (the
pull request's `make test` passes whatever builds config/ holds: tests/builds.py). Then the
workflow's own steps run on a checkout of it (tests/e2e/gitea_workflow.py): the real `make test`,
`main.py diff`, the rehearsal (a recorded report, or the real steps with E2E_GITEA_REHEARSE=real), the
upload and `main.py comment` against this Gitea. What Gitea then holds and shows is checked: one
comment, edited in place by the next push (prod's api scaled to four without `make synth`, which fails
the gate: the comment says what failed and holds the diff alone), each rendered by Gitea's own Markdown
renderer with every code block, table and <details> as written. `main.py comment` then posts two more:
tests/review/diff/kit.py's CONFIG_CHANGE (a multi-line value inside a list, a list value: the two
cases a reader once saw broken) and a 300-object change, one comment within the budget with every
risk flag.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from ruamel.yaml import YAML

from gitops.forge.comment import compose
from gitops.formats import markdown as md
from gitops.formats import markdown_check
from gitops.formats.markdown_budget import DEFAULT_LIMIT
from gitops.k8s.images import short_digest
from gitops.layout import PROJECT
from gitops.rehearse.session import Session
from gitops.render.synth import synth
from gitops.review.diff import render_md
from gitops.review.diff.load import Loader
from gitops.review.diff.render_md import MARKER
from gitops.review.diff.report import build
from tests import commonmark
from tests.builds import pinned_config
from tests.e2e import gitea_workflow
from tests.e2e.gitea_server import REPO, USER, Gitea, binary
from tests.review.diff import kit as diffkit

RECORDED_REHEARSAL = Path(__file__).with_name("recorded") / "rehearse.md"
STAGING_API = str(YAML(typ="safe").load((PROJECT / "config" / "staging.yaml").read_text())["images"]["api"])
NEW_TAG = next(tag for tag in ("7c1e2d3f4a", "8d2f3e4a5b") if tag != STAGING_API)
REHEARSAL_STEPS = ("Build the rehearsal's tools", "Rehearse the change on a throwaway cluster")
# The outer make's and pytest's own variables are not the runner's.
NOT_INHERITED = ("MAKEFLAGS", "MFLAGS", "MAKELEVEL", "MAKEOVERRIDES", "GITEA_TOKEN", "PYTEST_CURRENT_TEST")


def git(repo: Path, *args: str) -> str:
    done = subprocess.run(["git", "-C", str(repo), *args], capture_output=True, text=True)
    assert done.returncode == 0, f"git {' '.join(args)}: {done.stderr}"
    return done.stdout.strip()


def commit(repo: Path, message: str) -> str:
    git(repo, "add", "-A")
    git(repo, "-c", "user.name=e2e", "-c", "user.email=e2e@example.invalid", "commit", "--quiet", "-m", message)
    return git(repo, "rev-parse", "HEAD")


class PullRequest:
    """The repository on Gitea, the local clone pushing to it, and the pull request from `change`."""

    def __init__(self, gitea: Gitea, session: Session) -> None:
        self.gitea = gitea
        self.session = session
        self.source = session.root / "source"
        self.runs = 0
        self.number = 0
        subprocess.run(["git", "clone", "--quiet", str(PROJECT), str(self.source)], check=True)
        gitea.create_repository()
        self.push("main", git(self.source, "rev-parse", "HEAD"))

    def push(self, branch: str, sha: str) -> None:
        git(
            self.source,
            *self.gitea.git_auth(),
            "push",
            "--quiet",
            "--force",
            self.gitea.clone_url,
            f"{sha}:refs/heads/{branch}",
        )
        self.gitea.wait_for_branch(branch, sha)

    def open(self) -> None:
        git(self.source, "checkout", "--quiet", "-b", "change")
        shipped = subprocess.run(
            [sys.executable, "main.py", "set-image", "api", NEW_TAG, "--env", "staging"],
            cwd=self.source,
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert shipped.returncode == 0, shipped.stderr
        self.push("change", commit(self.source, f"staging runs api {NEW_TAG}"))
        self.number = int(self.gitea.open_pull_request("change", "main", "A realistic change")["number"])

    def context(self) -> dict:
        """The pull_request event's contexts as Gitea's runner fills them, from Gitea's own answer."""
        pull = self.gitea.pull_request(self.number)
        return {
            "github": {
                "event_name": "pull_request",
                "repository": f"{USER}/{REPO}",
                "api_url": self.gitea.api_url,
                "server_url": self.gitea.url,
                "base_ref": pull["base"]["ref"],
                "head_ref": pull["head"]["ref"],
                "sha": pull["head"]["sha"],
                "ref": f"refs/pull/{self.number}/head",
                "run_number": str(self.runs),
                "run_id": str(self.runs),
                "event": {"pull_request": pull},
            },
            "secrets": {"GITEA_TOKEN": self.gitea.token},
            "runner": {"os": "Linux"},
        }

    def run_workflow(self) -> gitea_workflow.Job:
        self.runs += 1
        context = self.context()
        workspace = gitea_workflow.checkout(
            self.gitea.clone_url,
            self.gitea.git_auth(),
            context["github"]["sha"],
            self.session.root / f"run-{self.runs}" / "workspace",
        )
        substitutes: dict[str, gitea_workflow.Substitute] = {}
        if os.environ.get("E2E_GITEA_REHEARSE") != "real":
            substitutes = {REHEARSAL_STEPS[0]: _built, REHEARSAL_STEPS[1]: _recorded_rehearsal}
        env = {k: v for k, v in os.environ.items() if k not in NOT_INHERITED and not k.startswith("PYTEST_")}
        env["no_proxy"] = env["NO_PROXY"] = "127.0.0.1"  # the forge is on loopback, whatever proxy CI names
        job = gitea_workflow.run(workspace, context, self.session.supervisor, substitutes, env)
        print(f"\nworkflow run {self.runs} on {context['github']['sha'][:12]}:\n{job.transcript()}", flush=True)
        return job


def _built(workspace: Path) -> dict[str, str]:
    return {"code": "0"}


def _recorded_rehearsal(workspace: Path) -> dict[str, str]:
    shutil.copy(RECORDED_REHEARSAL, workspace / ".tools" / "rehearse.md")
    return {"code": "0"}


@pytest.fixture(scope="module")
def session() -> Iterator[Session]:
    with Session(prefix="honeydue-e2e-gitea-") as opened:
        yield opened


@pytest.fixture(scope="module")
def gitea(session: Session) -> Gitea:
    return Gitea(session, binary()).start()


@pytest.fixture(scope="module")
def pull_request(gitea: Gitea, session: Session) -> PullRequest:
    opened = PullRequest(gitea, session)
    opened.open()
    return opened


def _rendered_as_written(gitea: Gitea, body: str) -> str:
    """Gitea's HTML for the comment, after checking it shows every block as written (and offline too)."""
    html = gitea.render(body)
    assert markdown_check.problems(body, html) == []
    assert commonmark.problems(body) == []
    return html


def _log_tail(job: gitea_workflow.Job, step: str) -> str:
    """What a failed step said: its failed tests, then its last lines."""
    log = job.step(step).log
    failed = [line for line in log.splitlines() if line.startswith(("FAILED ", "ERROR "))]
    return "\n".join([*failed[:40], "...", log[-3000:]])


def test_the_pull_request_gets_one_comment_with_the_change_and_the_rehearsal(pull_request: PullRequest):
    gitea = pull_request.gitea
    job = pull_request.run_workflow()
    assert job.step("gate").outputs == {"code": "0"}, _log_tail(job, "gate")
    assert job.step("diff").outputs == {"code": "0"}, _log_tail(job, "diff")
    assert job.ok, job.transcript()
    workspace = pull_request.session.root / "run-1" / "workspace"
    reports = [(workspace / ".tools" / name).read_text() for name in ("diff.md", "rehearse.md")]
    (only,) = gitea.comments(pull_request.number)
    assert only["body"] == compose(reports)  # as posted, byte for byte: marker, the change, the rehearsal
    assert only["body"].startswith(f"{MARKER}\n### Cluster changes: ")
    assert "\n### Cluster rehearsal\n" in only["body"]
    image = f"image honeydue-api {short_digest(STAGING_API)} → {NEW_TAG}"
    assert f"| [staging] Deployment honeydue/api | {image}<br>rollout: " in only["body"]
    _rendered_as_written(gitea, only["body"])
    kept = job.artifacts / "review-report"
    assert {"diff.md", "gate.log", "rehearse.md"} <= {p.name for p in kept.iterdir()}


def test_a_push_that_fails_the_gate_edits_the_same_comment_with_what_failed(pull_request: PullRequest):
    gitea = pull_request.gitea
    (before,) = gitea.comments(pull_request.number)
    # A config edit committed without `make synth`: dist/ is stale, which the gate's freshness check refuses.
    diffkit.apply(
        pull_request.source / "config", [("prod.yaml", "  api:\n    replicas: 3\n", "  api:\n    replicas: 4\n")]
    )
    pull_request.push("change", commit(pull_request.source, "prod api on four replicas, dist/ not synthesized"))
    job = pull_request.run_workflow()
    assert job.step("gate").outputs["code"] not in ("", "0")
    assert job.step("diff").outputs == {"code": "0"}
    assert [job.step(name).status for name in REHEARSAL_STEPS] == ["skipped", "skipped"]
    assert job.step("Post or update the pull-request comment").status == "success"
    assert job.steps[-1].status == "failure" and not job.ok
    (after,) = gitea.comments(pull_request.number)
    assert after["id"] == before["id"]
    body = after["body"]
    lines = body.split("\n")
    assert lines[:4] == [
        MARKER,
        f"### Failed: `make test` exited {job.step('gate').outputs['code']}",
        "",
        "What failed:",
    ]
    assert "- `make: *** [Makefile:" in body
    assert f"[this run's log]({gitea.url}{USER}/{REPO}/actions/runs/2)" in body
    assert "Generated files differ from git (stale or uncommitted):" in body  # the log's tail says why
    assert "### Cluster changes: " in body and "replicas 3 → 4" in body  # the change, diffed all the same
    assert "### Cluster rehearsal" not in body  # skipped: the diff alone
    _rendered_as_written(gitea, body)


def _post(gitea: Gitea, title: str, *bodies: Path) -> tuple[str, str]:
    """`main.py comment` with these reports on a new issue, twice; (its last output, the comment's body)."""
    issue = int(gitea.open_issue(title)["number"])
    env = {k: v for k, v in os.environ.items() if k not in NOT_INHERITED}
    env.update(GITEA_TOKEN=gitea.token, no_proxy="127.0.0.1", NO_PROXY="127.0.0.1")
    args = ["--api-url", gitea.api_url, "--repo", f"{USER}/{REPO}", "--pr", str(issue)]
    args += [arg for body in bodies for arg in ("--body-file", str(body))]
    args += ["--full-report", "the `review-report` artifact"]
    for _ in range(2):  # the second run finds the comment and leaves it as it is
        done = subprocess.run(
            [sys.executable, "main.py", "comment", *args], cwd=PROJECT, env=env, capture_output=True, text=True
        )
        assert done.returncode == 0, done.stderr
    (only,) = gitea.comments(issue)
    return done.stdout, only["body"]


def test_values_of_several_lines_inside_lists_render_whole_on_gitea(gitea: Gitea, session: Session):
    synthesized = session.root / "values" / "dist"
    synth(pinned_config(), synthesized, write_schema=False)
    changed = diffkit.config_change(pinned_config(), session.root / "values")
    loader = Loader()
    report = build(
        loader.load("main", [synthesized], dist_root=synthesized), loader.load("change", [changed], dist_root=changed)
    )
    diff = session.root / "values" / "diff.md"
    diff.write_text(render_md.render(report))
    _, body = _post(gitea, "Values of several lines inside lists", diff)
    html = _rendered_as_written(gitea, body)
    blocks = markdown_check.read_html(html).code_blocks
    # The NetworkPolicy peer inserted in front (a multi-line value inside a list) and the spread
    # constraints (a list value), each whole in its block, at the margin.
    peer = "podSelector:\n  matchLabels:\n    app.kubernetes.io/instance: honeydue-staging\n"
    assert any(block.startswith(peer) for block in blocks)
    assert any(block.startswith("- labelSelector:\n    matchLabels:\n") for block in blocks)
    # Every collapsed block the comment holds (one per changed object) renders as one on Gitea.
    assert html.count("<details>") == body.count("<details>") == diff.read_text().count("<details>") > 0


def test_a_300_object_change_is_one_comment_within_the_budget(gitea: Gitea, session: Session):
    before, after = diffkit.synthetic_change(session.root / "large", changed=200, added=50, removed=50)
    report = diffkit.compare(before, after)
    diff = session.root / "large" / "diff.md"
    diff.write_text(render_md.render(report))
    out, body = _post(gitea, "A change of 300 objects", diff, RECORDED_REHEARSAL)
    assert " unchanged on " in out
    assert len(diff.read_text()) > 10 * DEFAULT_LIMIT >= 10 * len(body)
    rows = [line for line in md.lines_of(body) if line.startswith("| **")]
    assert len(rows) == len(report.risks) == 250
    assert "**prod** (passed)" in body and "**staging** (passed)" in body
    assert body.split("\n")[1].startswith(f"> **Shortened to fit {DEFAULT_LIMIT:,} characters**")
    _rendered_as_written(gitea, body)
