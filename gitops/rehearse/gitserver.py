"""A loopback smart-HTTP git server: `git http-backend` behind a small CGI bridge.

source-controller's go-git cannot fetch over git's dumb HTTP protocol, so the repository is
served the way Gitea serves it, by git itself, on 127.0.0.1 only, behind HTTP basic auth
with credentials generated for this run (the ones the bootstrap puts in the auth Secret).
"""

from __future__ import annotations

import base64
import os
import secrets
import subprocess
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from gitops.rehearse.ports import LOOPBACK

HTTP_BACKEND = "http-backend"


class GitServer:
    def __init__(self, root: Path, port: int, process_group: int | None = None) -> None:
        self.root, self.port = root, port
        self.username = "rehearsal"
        self.password = secrets.token_hex(16)
        self.requests: list[str] = []
        self._group = process_group
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                server._serve(self)

            def do_POST(self) -> None:
                server._serve(self)

            def log_message(self, *args: object) -> None:
                pass

        self._httpd = ThreadingHTTPServer((LOOPBACK, port), Handler)
        self._thread = threading.Thread(target=self._httpd.serve_forever, name="git-http", daemon=True)

    def url(self, repository: str) -> str:
        return f"http://{LOOPBACK}:{self.port}/{repository}"

    @property
    def address(self) -> tuple[str, int]:
        """The (host, port) the server is bound to."""
        host, port = self._httpd.server_address[:2]
        return str(host), int(port)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()

    def _authorized(self, header: str | None) -> bool:
        expected = base64.b64encode(f"{self.username}:{self.password}".encode()).decode()
        return header is not None and secrets.compare_digest(header, f"Basic {expected}")

    def _serve(self, request: BaseHTTPRequestHandler) -> None:
        path, _, query = request.path.partition("?")
        self.requests.append(f"{request.command} {path}")
        if not self._authorized(request.headers.get("Authorization")):
            request.send_response(401)
            request.send_header("WWW-Authenticate", 'Basic realm="rehearsal"')
            request.send_header("Content-Length", "0")
            request.end_headers()
            return
        length = int(request.headers.get("Content-Length") or 0)
        body = request.rfile.read(length) if length else b""
        env = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "GIT_PROJECT_ROOT": str(self.root),
            "GIT_HTTP_EXPORT_ALL": "1",
            "REQUEST_METHOD": request.command,
            "PATH_INFO": path,
            "QUERY_STRING": query,
            "CONTENT_TYPE": request.headers.get("Content-Type", ""),
            "CONTENT_LENGTH": str(len(body)),
            "REMOTE_USER": self.username,
            "REMOTE_ADDR": LOOPBACK,
            "GATEWAY_INTERFACE": "CGI/1.1",
        }
        for header in ("Content-Encoding", "Git-Protocol"):
            if request.headers.get(header):
                env["HTTP_" + header.upper().replace("-", "_")] = request.headers[header]
        done = subprocess.run(
            ["git", HTTP_BACKEND], input=body, env=env, capture_output=True, timeout=60, process_group=self._group
        )
        head, _, payload = done.stdout.partition(b"\r\n\r\n")
        status, headers = 200, []
        for line in head.decode(errors="replace").split("\r\n"):
            name, _, value = line.partition(":")
            if name.lower() == "status":
                status = int(value.strip().split()[0])
            elif name:
                headers.append((name, value.strip()))
        request.send_response(status)
        for name, value in headers:
            request.send_header(name, value)
        request.send_header("Content-Length", str(len(payload)))
        request.end_headers()
        request.wfile.write(payload)
