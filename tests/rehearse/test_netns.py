"""The controller's private network namespace: its bridged ports reach the host's loopback, its own listeners
reach nobody on the host, and the host reaches an exposed port only through its Unix socket."""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path

import pytest

from gitops.rehearse import netns
from gitops.rehearse.ports import Ports


def _namespaces_available() -> bool:
    if shutil.which(netns.UNSHARE[0]) is None:
        return False
    return subprocess.run([*netns.UNSHARE, "true"], capture_output=True).returncode == 0


def _listening(port: int) -> bool:
    """Whether something on the host's loopback accepts connections on port."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.settimeout(0.5)
        return sock.connect_ex((netns.LOOPBACK, port)) == 0


class _Hello(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        self.send_response(200)
        self.end_headers()
        self.wfile.write(b"from the host")

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def host_server():
    server = HTTPServer((netns.LOOPBACK, 0), _Hello)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield server.server_address[1]
    server.shutdown()
    server.server_close()


def test_a_relay_carries_a_unix_socket_to_the_loopback_port(tmp_path: Path, host_server: int):
    relay = netns.Relay(tmp_path, [host_server])
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
            sock.connect(str(netns.to_path(tmp_path, host_server)))
            sock.sendall(b"GET / HTTP/1.0\r\n\r\n")
            answer = b""
            while chunk := sock.recv(4096):
                answer += chunk
    finally:
        relay.stop()
    assert answer.startswith(b"HTTP/1.0 200") and answer.endswith(b"from the host")


def test_nothing_answers_an_exposed_socket_nobody_listens_on(tmp_path: Path):
    assert netns.http_get(netns.from_path(tmp_path, 1)) is None


@pytest.mark.skipif(not _namespaces_available(), reason="unprivileged user and network namespaces are disabled here")
def test_inside_the_namespace_the_bridged_port_is_the_hosts_and_all_interfaces_is_its_own_loopback(
    tmp_path: Path, host_server: int
):
    ports = Ports()
    inside, exposed = ports.take(), ports.take()
    script = f"""
import http.server, socket, sys, threading, time, urllib.request
assert urllib.request.urlopen("http://127.0.0.1:{host_server}/").read() == b"from the host"
class Ok(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        self.send_response(204)
        self.end_headers()
    def log_message(self, *args):
        pass
server = http.server.HTTPServer(("0.0.0.0", {exposed}), Ok)  # what the controller does with its metrics port
held = socket.socket()
held.bind(("0.0.0.0", {inside}))
held.listen()
threading.Thread(target=server.serve_forever, daemon=True).start()
print("ready", flush=True)
sys.stdin.readline()
"""
    relay = netns.Relay(tmp_path, [host_server])
    child = subprocess.Popen(
        netns.command(tmp_path, [host_server], [exposed], [sys.executable, "-c", script]),
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert child.stdout is not None and child.stdout.readline().strip() == "ready"
        assert not _listening(inside) and not _listening(exposed)  # the host's loopback has neither
        assert netns.http_get(netns.from_path(tmp_path, exposed)) == 204
    finally:
        assert child.stdin is not None
        child.stdin.close()
        code = child.wait(timeout=10)
        relay.stop()
    assert code == 0
