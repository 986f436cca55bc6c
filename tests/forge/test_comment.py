"""Posting the report on a pull request: one comment, found by its marker and edited on every push.

A small stand-in for Gitea's issue-comment API runs on the loopback address.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

import main as cli
from gitops.forge import comment
from gitops.review.diff.render_md import MARKER

TOKEN = "job-token"


class FakeGitea:
    def __init__(self) -> None:
        self.comments: dict[int, dict] = {}
        self.calls: list[tuple[str, str]] = []
        self.next_id = 100
        self.refuse_writes = False

    def add(self, body: str, login: str = "someone") -> int:
        self.next_id += 1
        self.comments[self.next_id] = {"id": self.next_id, "body": body, "user": {"login": login}}
        return self.next_id


def _handler(fake: FakeGitea):
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args) -> None:
            pass

        def _reply(self, status: int, payload: object) -> None:
            data = json.dumps(payload).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def _body(self) -> dict:
            return json.loads(self.rfile.read(int(self.headers["Content-Length"])))

        def _route(self, method: str) -> None:
            fake.calls.append((method, self.path))
            if self.headers.get("Authorization") != f"token {TOKEN}":
                return self._reply(401, {"message": "token is required"})
            if method != "GET" and fake.refuse_writes:
                return self._reply(403, {"message": "token does not have write access"})
            list_path = "/api/v1/repos/treytartt/honeydue-gitops/issues/7/comments"
            edit_prefix = "/api/v1/repos/treytartt/honeydue-gitops/issues/comments/"
            if method == "GET" and self.path == list_path:
                return self._reply(200, list(fake.comments.values()))
            if method == "POST" and self.path == list_path:
                new = fake.add(self._body()["body"], "gitea-actions")
                return self._reply(201, fake.comments[new])
            if method == "PATCH" and self.path.startswith(edit_prefix):
                found = fake.comments.get(int(self.path[len(edit_prefix) :]))
                if found is None:
                    return self._reply(404, {"message": "not found"})
                found["body"] = self._body()["body"]
                return self._reply(200, found)
            return self._reply(404, {"message": "no route"})

        def do_GET(self) -> None:
            self._route("GET")

        def do_POST(self) -> None:
            self._route("POST")

        def do_PATCH(self) -> None:
            self._route("PATCH")

    return Handler


@pytest.fixture
def gitea() -> Iterator[tuple[FakeGitea, str]]:
    fake = FakeGitea()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(fake))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield fake, f"http://127.0.0.1:{server.server_address[1]}/api/v1"
    finally:
        server.shutdown()
        server.server_close()


def _main(argv: list[str]) -> int:
    return cli.main(["comment", *argv])


def _post(
    tmp_path: Path, api: str, body: str, monkeypatch, capsys, budget: str = "65536", *extra: str
) -> tuple[int, str, str]:
    (tmp_path / "diff.md").write_text(body)
    monkeypatch.setenv("GITEA_TOKEN", TOKEN)
    monkeypatch.setenv("no_proxy", "127.0.0.1")  # the stand-in is local, whatever proxy CI uses
    code = _main(
        [
            "--api-url",
            api,
            "--repo",
            "treytartt/honeydue-gitops",
            "--pr",
            "7",
            "--body-file",
            str(tmp_path / "diff.md"),
            "--budget",
            budget,
            *extra,
        ]
    )
    out = capsys.readouterr()
    return code, out.out, out.err


def test_the_first_push_creates_later_pushes_edit_the_same_comment(gitea, tmp_path, monkeypatch, capsys):
    fake, api = gitea
    fake.add("LGTM")
    first = f"{MARKER}\n### Cluster changes\nv1\n"
    assert _post(tmp_path, api, first, monkeypatch, capsys) == (
        0,
        f"comment 102 created on treytartt/honeydue-gitops#7 ({len(first)} characters)\n",
        "",
    )
    second = f"{MARKER}\n### Cluster changes\nv2\n"
    assert _post(tmp_path, api, second, monkeypatch, capsys) == (
        0,
        f"comment 102 updated on treytartt/honeydue-gitops#7 ({len(second)} characters)\n",
        "",
    )
    assert _post(tmp_path, api, second, monkeypatch, capsys) == (
        0,
        f"comment 102 unchanged on treytartt/honeydue-gitops#7 ({len(second)} characters)\n",
        "",
    )
    assert [c["body"] for c in fake.comments.values()] == ["LGTM", second]
    assert [method for method, _ in fake.calls] == ["GET", "POST", "GET", "PATCH", "GET"]


def test_the_oldest_marked_comment_is_the_one_edited():
    comments = [
        {"id": 9, "body": f"{MARKER}\nnewer", "user": {"login": "gitea-actions"}},
        {"id": 5, "body": f"  {MARKER}\nolder", "user": {"login": "someone"}},
        {"id": 3, "body": f"quoting {MARKER}", "user": {"login": "gitea-actions"}},
    ]
    assert comment.own_comment(comments)["id"] == 5
    assert comment.own_comment(comments, author="gitea-actions")["id"] == 9
    assert comment.own_comment([]) is None


def test_a_refusal_exits_one_and_bad_input_exits_two(gitea, tmp_path, monkeypatch, capsys):
    fake, api = gitea
    fake.refuse_writes = True
    code, out, err = _post(tmp_path, api, f"{MARKER}\nbody\n", monkeypatch, capsys)
    assert (code, out) == (1, "")
    assert err == (
        f"comment: POST {api}/repos/treytartt/honeydue-gitops/issues/7/comments: HTTP 403 "
        '{"message": "token does not have write access"}\n'
    )
    code, out, err = _post(tmp_path, api, "a report\n", monkeypatch, capsys, budget="100")
    assert (code, err) == (2, "comment: --budget 100 is too small for a comment (at least 4096)\n")
    monkeypatch.delenv("GITEA_TOKEN")
    assert _main(["--api-url", api, "--repo", "r/x", "--pr", "1", "--body-file", "x"]) == 2
    assert capsys.readouterr().err == "comment: GITEA_TOKEN is not set\n"


def test_several_reports_make_one_comment_in_the_order_given(gitea, tmp_path, monkeypatch, capsys):
    fake, api = gitea
    (tmp_path / "diff.md").write_text(f"{MARKER}\n### Cluster changes\nv1\n")
    (tmp_path / "rehearse.md").write_text("### Cluster rehearsal\n\n**prod** (passed): rehearsed.\n\n")
    monkeypatch.setenv("GITEA_TOKEN", TOKEN)
    monkeypatch.setenv("no_proxy", "127.0.0.1")
    assert (
        _main(
            [
                "--api-url",
                api,
                "--repo",
                "treytartt/honeydue-gitops",
                "--pr",
                "7",
                "--body-file",
                str(tmp_path / "diff.md"),
                "--body-file",
                str(tmp_path / "rehearse.md"),
            ]
        )
        == 0
    )
    (body,) = [c["body"] for c in fake.comments.values()]
    assert body == f"{MARKER}\n### Cluster changes\nv1\n\n### Cluster rehearsal\n\n**prod** (passed): rehearsed.\n"


def test_the_marker_starts_the_comment_whatever_the_order_of_the_reports():
    assert comment.compose(["", "x\n"]) == f"{MARKER}\nx\n"
    assert comment.compose(["### Cluster rehearsal\n", f"{MARKER}\n### Cluster changes\n"]) == (
        f"{MARKER}\n### Cluster rehearsal\n\n### Cluster changes\n"
    )
    with pytest.raises(ValueError, match="does not start with the marker line"):
        comment.upsert(None, 1, "### Cluster rehearsal\n")


def test_a_failed_step_opens_the_comment_with_what_failed_and_where_to_look(gitea, tmp_path, monkeypatch, capsys):
    fake, api = gitea
    log = tmp_path / "gate.log"
    log.write_text(
        ".venv/bin/python main.py synth\n\x1b[31mFAILED tests/x.py::test_y - AssertionError\x1b[0m\n"
        "============ 1 failed, 9 passed in 3.21s ============\n"
        "make: *** [Makefile:3: test] Error 1\n"
    )
    (tmp_path / "Makefile").write_text("test:\n\tmake synth\n\t$(PY) -m pytest -q\n")
    monkeypatch.chdir(tmp_path)
    code, _, err = _post(
        tmp_path,
        api,
        f"{MARKER}\n### Cluster changes\nv1\n",
        monkeypatch,
        capsys,
        "65536",
        *("--step", "make test", "2", str(log), "--step", "main.py rehearse", "", str(tmp_path / "none.log")),
        *("--run-url", "http://127.0.0.1/o/r/actions/runs/4"),
    )
    assert (code, err) == (0, "")
    (body,) = [c["body"] for c in fake.comments.values()]
    assert body.split("\n")[:16] == [
        MARKER,
        "### Failed: `make test` exited 2",
        "",
        "What failed:",
        "",
        "- `FAILED tests/x.py::test_y - AssertionError`",
        "- `1 failed, 9 passed in 3.21s`",
        "- `make: *** [Makefile:3: test] Error 1`: the command at `Makefile:3` is `$(PY) -m pytest -q`",
        "",
        "Where to look: the step `make test` in [this run's log](http://127.0.0.1/o/r/actions/runs/4).",
        "",
        "The last 4 line(s) of its log:",
        "",
        "```",
        ".venv/bin/python main.py synth",
        "FAILED tests/x.py::test_y - AssertionError",
    ]
    assert body.endswith("```\n\n### Cluster changes\nv1\n")
