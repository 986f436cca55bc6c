"""A small client for the rehearsal's API server: REST over loopback with the admin token,
and kubectl for what kubectl does best (apply, drain), its warnings kept.
"""

from __future__ import annotations

import contextlib
import json
import ssl
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from gitops.k8s.workloads import sequence
from gitops.rehearse.procs import Supervisor

MERGE = "application/merge-patch+json"
JSON = "application/json"


class ApiError(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(f"HTTP {status}: {message}")
        self.status = status
        self.message = message


@dataclass
class Api:
    server: str
    token: str
    ca_cert: Path
    warnings: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._context = ssl.create_default_context(cafile=str(self.ca_cert))

    def request(
        self, method: str, path: str, body: object = None, content_type: str = JSON, timeout: float = 30
    ) -> dict:
        data = None if body is None else json.dumps(body).encode()
        req = urllib.request.Request(self.server + path, data=data, method=method)
        req.add_header("Authorization", f"Bearer {self.token}")
        req.add_header("Accept", JSON)
        if data is not None:
            req.add_header("Content-Type", content_type)
        try:
            with urllib.request.urlopen(req, context=self._context, timeout=timeout) as response:
                self.warnings.extend(_warnings(response.headers.get_all("Warning") or []))
                text = response.read()
        except urllib.error.HTTPError as err:
            detail = err.read().decode(errors="replace")
            with contextlib.suppress(json.JSONDecodeError, AttributeError):  # not a Status object: the text as sent
                detail = json.loads(detail).get("message", detail)
            raise ApiError(err.code, detail) from None
        return json.loads(text) if text else {}

    def get(self, path: str) -> dict:
        return self.request("GET", path)

    def find(self, path: str) -> dict | None:
        try:
            return self.get(path)
        except ApiError as err:
            if err.status == 404:
                return None
            raise

    def items(self, path: str) -> list[dict]:
        """The objects of a collection, each with the kind and apiVersion that a list leaves out of its items,
        so that they read as manifests do (gitops/k8s looks at an object's kind)."""
        listed = self.get(path)
        kind, version = str(listed.get("kind", "")).removesuffix("List"), listed.get("apiVersion")
        return [{"kind": kind, "apiVersion": version, **item} for item in sequence(listed.get("items"))]

    def create(self, path: str, obj: dict) -> dict:
        return self.request("POST", path, obj)

    def merge_patch(self, path: str, patch: dict) -> dict:
        return self.request("PATCH", path, patch, MERGE)

    def delete(self, path: str) -> None:
        try:
            self.request("DELETE", path)
        except ApiError as err:
            if err.status != 404:
                raise

    def ready(self) -> bool:
        """Whether the API server answers /readyz with 200 (one look: poll.until waits)."""
        try:
            req = urllib.request.Request(self.server + "/readyz")
            req.add_header("Authorization", f"Bearer {self.token}")
            with urllib.request.urlopen(req, context=self._context, timeout=2) as response:
                return response.status == 200
        except (urllib.error.URLError, OSError):
            return False


def _warnings(headers: list[str]) -> list[str]:
    # RFC 7234 warn-code "-" warn-agent "text": the API server sends 299 - "message".
    found = []
    for header in headers:
        text = header.split(" ", 2)[-1].strip()
        found.append(text[1:-1] if text.startswith('"') and text.endswith('"') else text)
    return found


@dataclass
class Kubectl:
    binary: str
    kubeconfig: Path
    supervisor: Supervisor

    def run(self, *args: str, input: bytes | None = None, timeout: float = 120) -> tuple[int, str, list[str]]:
        """(exit code, stdout, warnings): kubectl prints API warnings on stderr as 'Warning: ...'."""
        done = self.supervisor.run(
            "kubectl", [self.binary, f"--kubeconfig={self.kubeconfig}", *args], input=input, timeout=timeout
        )
        stderr = done.stderr.decode(errors="replace")
        warnings = [line.removeprefix("Warning: ") for line in stderr.splitlines() if line.startswith("Warning: ")]
        out = done.stdout.decode(errors="replace")
        if done.returncode != 0:
            out += "\n" + "\n".join(line for line in stderr.splitlines() if not line.startswith("Warning: "))
        return done.returncode, out.strip(), warnings
