"""A real Gitea v1.25.5 (the binary `make gitea-tools` builds) on 127.0.0.1 for the end-to-end suite.

It lives in a rehearsal Session (gitops/rehearse/session.py): a temporary directory, a free loopback
port, and one process group led by the watchdog, stopped by its id on exit, on any error, on Ctrl-C and
on SIGTERM, and ended by the watchdog should the test process die. Its app.ini keeps it to itself:
SQLite, HTTP on 127.0.0.1 only, no SSH or LFS listener, offline (no CDN, no update check), Actions
off (the pushed .gitea/workflows/ would only queue runs that no runner takes). Gitea writes to app.ini
on its first start (INTERNAL_TOKEN, JWT_SECRET), so it sits in the temporary directory, writable.
"""

from __future__ import annotations

import base64
import json
import os
import re
import secrets
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

from gitops.layout import PROJECT
from gitops.rehearse.session import Session

USER = "e2e-admin"
REPO = "honeydue-gitops"
READY_SECONDS = 60

APP_INI = """APP_NAME = honeydue e2e
RUN_MODE = prod
WORK_PATH = {root}

[database]
DB_TYPE = sqlite3
PATH = {root}/data/gitea.db

[repository]
ROOT = {root}/repositories
DEFAULT_BRANCH = main

[server]
PROTOCOL = http
HTTP_ADDR = 127.0.0.1
HTTP_PORT = {port}
DOMAIN = 127.0.0.1
ROOT_URL = http://127.0.0.1:{port}/
OFFLINE_MODE = true
DISABLE_SSH = true
START_SSH_SERVER = false
LFS_START_SERVER = false
APP_DATA_PATH = {root}/data

[security]
INSTALL_LOCK = true

[service]
DISABLE_REGISTRATION = true

[oauth2]
ENABLED = false

[actions]
ENABLED = false

[cron.update_checker]
ENABLED = false

[log]
MODE = console
LEVEL = Warn
ROOT_PATH = {root}/log
"""


class GiteaError(AssertionError):
    """Gitea answered with an error: the test fails with its answer."""


def binary() -> Path:
    """The gitea binary: $GITEA (make e2e-gitea sets it), else where the Makefile builds it."""
    if os.environ.get("GITEA"):
        return Path(os.environ["GITEA"])
    done = subprocess.run(
        ["make", "-s", "--no-print-directory", "print-GITEA_BIN"], cwd=PROJECT, capture_output=True, text=True
    )
    return PROJECT / done.stdout.strip() / "gitea"


class Gitea:
    """One Gitea server with one admin user, its token, and the REST calls the suite makes."""

    def __init__(self, session: Session, gitea: Path) -> None:
        if not gitea.is_file():
            raise FileNotFoundError(f"{gitea}: not built; run make gitea-tools")
        self.session = session
        self.root = session.root / "gitea"
        self.port = session.ports.take()
        self.url = f"http://127.0.0.1:{self.port}/"
        self.api_url = f"{self.url}api/v1"
        self.config = self.root / "custom" / "conf" / "app.ini"
        self.config.parent.mkdir(parents=True)
        self.config.write_text(APP_INI.format(root=self.root, port=self.port))
        self.env = {
            **os.environ,
            "HOME": str(self.root),
            "GITEA_WORK_DIR": str(self.root),
            "GITEA_I_AM_BEING_UNSAFE_RUNNING_AS_ROOT": "true",  # CI runs as root; Gitea refuses it otherwise
        }
        self.argv = [str(gitea), "--config", str(self.config), "--work-path", str(self.root)]
        self.token = ""

    def _admin(self, name: str, *args: str) -> str:
        done = self.session.supervisor.run(name, [*self.argv, *args], env=self.env, timeout=120)
        if done.returncode != 0:
            raise GiteaError(f"gitea {' '.join(args[:3])}: exit {done.returncode}: {done.stderr.decode()[-2000:]}")
        return done.stdout.decode()

    def start(self) -> Gitea:
        """migrate, the admin user and its token, then `gitea web` until /api/healthz passes."""
        self._admin("gitea-migrate", "migrate")
        password = secrets.token_hex(16)
        self._admin(
            "gitea-user",
            *("admin", "user", "create", "--admin", "--username", USER, "--password", password),
            *("--email", f"{USER}@example.invalid", "--must-change-password=false"),
        )
        printed = self._admin(
            "gitea-token",
            *("admin", "user", "generate-access-token", "--username", USER, "--token-name", "e2e"),
            *("--scopes", "all", "--raw"),
        )
        # The token is the last line: as root, Gitea's warning about it comes first on the same stream.
        self.token = printed.strip().splitlines()[-1].strip()
        if not re.fullmatch(r"[0-9a-f]{40}", self.token):
            raise GiteaError(f"gitea admin user generate-access-token printed no token: {printed[-300:]!r}")
        web = self.session.supervisor.start("gitea", [*self.argv, "web"], env=self.env)
        deadline = time.monotonic() + READY_SECONDS
        while time.monotonic() < deadline:
            self.session.supervisor.check_alive()
            try:
                if self.call("GET", "/healthz", api=False).get("status") == "pass":
                    return self
            except (OSError, GiteaError):
                pass
            time.sleep(0.2)
        raise GiteaError(f"gitea web did not pass /api/healthz in {READY_SECONDS} s:\n{web.tail()}")

    def _request(self, method: str, url: str, data: bytes | None, content: str, accept: str) -> bytes:
        request = urllib.request.Request(
            url,
            data=data,
            method=method,
            headers={"Authorization": f"token {self.token}", "Content-Type": content, "Accept": accept},
        )
        # Straight to loopback, whatever proxy the machine's environment names.
        opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
        try:
            with opener.open(request, timeout=30) as response:
                return response.read()
        except urllib.error.HTTPError as err:
            raise GiteaError(f"{method} {url}: HTTP {err.code} {err.read().decode(errors='replace')[:500]}") from None

    def call(self, method: str, path: str, payload: object = None, *, api: bool = True) -> object:
        base = self.api_url if api else f"{self.url}api"
        data = None if payload is None else json.dumps(payload).encode()
        answer = self._request(method, f"{base}{path}", data, "application/json", "application/json")
        return json.loads(answer or b"null")

    def render(self, markdown: str) -> str:
        """The HTML Gitea shows for a pull-request comment of this Markdown (its own renderer)."""
        payload = {"Text": markdown, "Mode": "comment", "Context": f"{self.url}{USER}/{REPO}", "Wiki": False}
        return self._request(
            "POST", f"{self.api_url}/markdown", json.dumps(payload).encode(), "application/json", "text/html"
        ).decode()

    # ---- the repository, its branches and pull requests ----

    @property
    def clone_url(self) -> str:
        return f"{self.url}{USER}/{REPO}.git"

    def git_auth(self) -> list[str]:
        """git options that authenticate as the admin (the token never in a URL or a remote)."""
        basic = base64.b64encode(f"{USER}:{self.token}".encode()).decode()
        return ["-c", f"http.extraHeader=Authorization: Basic {basic}"]

    def create_repository(self) -> dict:
        answer = self.call(
            "POST", "/user/repos", {"name": REPO, "private": True, "auto_init": False, "default_branch": "main"}
        )
        assert isinstance(answer, dict)
        return answer

    def wait_for_branch(self, branch: str, sha: str, seconds: float = 30) -> None:
        """Gitea records a pushed branch asynchronously (post-receive hook, then a queue): poll for it."""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            try:
                found = self.call("GET", f"/repos/{USER}/{REPO}/branches/{branch}")
            except GiteaError:
                found = None
            if isinstance(found, dict) and found.get("commit", {}).get("id") == sha:
                return
            time.sleep(0.2)
        raise GiteaError(f"branch {branch} at {sha[:12]} not listed by Gitea after {seconds:.0f} s")

    def open_pull_request(self, head: str, base: str, title: str) -> dict:
        answer = self.call(
            "POST", f"/repos/{USER}/{REPO}/pulls", {"head": head, "base": base, "title": title, "body": title}
        )
        assert isinstance(answer, dict)
        return answer

    def pull_request(self, number: int) -> dict:
        answer = self.call("GET", f"/repos/{USER}/{REPO}/pulls/{number}")
        assert isinstance(answer, dict)
        return answer

    def comments(self, number: int) -> list[dict]:
        answer = self.call("GET", f"/repos/{USER}/{REPO}/issues/{number}/comments")
        return answer if isinstance(answer, list) else []

    def open_issue(self, title: str) -> dict:
        answer = self.call("POST", f"/repos/{USER}/{REPO}/issues", {"title": title})
        assert isinstance(answer, dict)
        return answer
