"""A private network namespace for the one component that cannot be told to listen on 127.0.0.1.

Argo CD v3.2.11's application-controller serves its metrics and /healthz on all interfaces:
controller/appcontroller.go builds the address as fmt.Sprintf("0.0.0.0:%d", metricsPort), and
no flag or environment variable sets the host (cmd/argocd-application-controller/commands/
argocd_application_controller.go has --metrics-port only). The rehearsal's rule is that every
process listens on 127.0.0.1 alone, so the controller runs in a network namespace of its own
(`unshare -rn`: a user namespace, so no root is needed, and a network namespace that holds only
its own loopback device). Its 0.0.0.0 there reaches nothing but that namespace's loopback.

The controller still dials the API server, Redis and the repo-server at 127.0.0.1:<port>, which
in its namespace would be nobody. This module bridges exactly those ports, through Unix sockets
in the session's directory (a path-named Unix socket is a file, reachable from every network
namespace that sees the file): inside, a listener on 127.0.0.1:<port> for each bridged port hands
each connection to <dir>/to-<port>.sock; outside, the rehearsal's Relay accepts on that socket and
connects to the real 127.0.0.1:<port>. The other way, <dir>/from-<port>.sock reaches a port inside
(the controller's /healthz, for the readiness check): nothing outside listens on TCP for it.

Run inside the namespace as a script, with no import from the project (only the standard library):
    unshare -rn python netns.py --dir DIR --forward PORT ... --expose PORT ... -- COMMAND ...
It brings the namespace's loopback device up, opens the bridges, runs COMMAND with its output
inherited, and exits with COMMAND's exit code; a SIGTERM is passed on to COMMAND.
"""

from __future__ import annotations

import argparse
import contextlib
import fcntl
import signal
import socket
import struct
import subprocess
import sys
import threading
from collections.abc import Callable
from pathlib import Path

LOOPBACK = "127.0.0.1"  # gitops/rehearse/ports.py's, repeated: this file runs without the project on sys.path
UNSHARE = ("unshare", "--user", "--map-root-user", "--net")  # util-linux; the long form of `unshare -rn`
CHUNK = 65536
# linux/sockios.h and linux/if.h: read and set an interface's flags; IFF_UP. struct ifreq is 40 bytes on
# Linux: the name (16), then a union whose first member here is the flags (short), padded.
SIOCGIFFLAGS, SIOCSIFFLAGS, IFF_UP = 0x8913, 0x8914, 0x1
IFREQ = "16sh22x"


def to_path(directory: Path, port: int) -> Path:
    """The Unix socket that carries connections from inside to 127.0.0.1:port outside."""
    return directory / f"to-{port}.sock"


def from_path(directory: Path, port: int) -> Path:
    """The Unix socket that carries connections from outside to 127.0.0.1:port inside."""
    return directory / f"from-{port}.sock"


def _pump(source: socket.socket, target: socket.socket) -> None:
    """Copy source to target until source ends, then end target's sending side."""
    try:
        while data := source.recv(CHUNK):
            target.sendall(data)
    except OSError:
        pass
    with contextlib.suppress(OSError):
        target.shutdown(socket.SHUT_WR)


def _join(one: socket.socket, other: socket.socket) -> None:
    """Carry bytes both ways between two connected sockets, then close both."""
    back = threading.Thread(target=_pump, args=(other, one), daemon=True)
    back.start()
    _pump(one, other)
    back.join()
    one.close()
    other.close()


def _accept_loop(listener: socket.socket, connect: Callable[[], socket.socket], stopped: threading.Event) -> None:
    while not stopped.is_set():
        try:
            conn, _ = listener.accept()
        except OSError:
            return  # the listener was closed
        try:
            peer = connect()
        except OSError:
            conn.close()  # the far side is not there (yet, or any more): the client sees the connection end
            continue
        threading.Thread(target=_join, args=(conn, peer), daemon=True).start()


def _tcp_listener(port: int) -> socket.socket:
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind((LOOPBACK, port))
    listener.listen(64)
    return listener


def _unix_listener(path: Path) -> socket.socket:
    with contextlib.suppress(FileNotFoundError):
        path.unlink()
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(str(path))
    listener.listen(64)
    return listener


def _tcp_connect(port: int) -> Callable[[], socket.socket]:
    return lambda: socket.create_connection((LOOPBACK, port), timeout=10)


def _unix_connect(path: Path) -> Callable[[], socket.socket]:
    def connect() -> socket.socket:
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            sock.connect(str(path))
        except OSError:
            sock.close()
            raise
        return sock

    return connect


class Bridges:
    """Listeners that each hand their connections to a connect function, one thread per listener."""

    def __init__(self) -> None:
        self._listeners: list[socket.socket] = []
        self._stopped = threading.Event()

    def add(self, listener: socket.socket, connect: Callable[[], socket.socket]) -> None:
        self._listeners.append(listener)
        threading.Thread(target=_accept_loop, args=(listener, connect, self._stopped), daemon=True).start()

    def stop(self) -> None:
        self._stopped.set()
        for listener in self._listeners:
            with contextlib.suppress(OSError):
                listener.shutdown(socket.SHUT_RDWR)
            listener.close()


class Relay(Bridges):
    """The outside half, in the rehearsal's own process: <dir>/to-<port>.sock -> 127.0.0.1:<port>."""

    def __init__(self, directory: Path, ports: list[int]) -> None:
        super().__init__()
        self.directory = directory
        directory.mkdir(parents=True, exist_ok=True)
        for port in ports:
            self.add(_unix_listener(to_path(directory, port)), _tcp_connect(port))


def command(directory: Path, forward: list[int], expose: list[int], argv: list[str]) -> list[str]:
    """The command line that runs argv in a private network namespace with these bridges."""
    return [
        *UNSHARE,
        sys.executable,
        str(Path(__file__).resolve()),
        f"--dir={directory}",
        *(f"--forward={port}" for port in forward),
        *(f"--expose={port}" for port in expose),
        "--",
        *argv,
    ]


def http_get(path: Path, target: str = "/healthz", timeout: float = 2.0) -> int | None:
    """The HTTP status of GET target through a from-<port>.sock, or None when nothing answers."""
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
            sock.settimeout(timeout)
            sock.connect(str(path))
            sock.sendall(f"GET {target} HTTP/1.0\r\nHost: localhost\r\n\r\n".encode())
            head = sock.recv(64).decode(errors="replace")
    except OSError:
        return None
    parts = head.split(" ", 2)
    return int(parts[1]) if len(parts) > 1 and parts[0].startswith("HTTP/") and parts[1].isdigit() else None


def loopback_up() -> None:
    """Bring up the namespace's loopback device (a new network namespace starts with it down)."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        request = struct.pack(IFREQ, b"lo", 0)
        flags = struct.unpack(IFREQ, fcntl.ioctl(sock, SIOCGIFFLAGS, request))[1]
        fcntl.ioctl(sock, SIOCSIFFLAGS, struct.pack(IFREQ, b"lo", flags | IFF_UP))


def main(argv: list[str]) -> int:
    """Inside the namespace: loopback up, bridges open, then the command."""
    split = argv.index("--") if "--" in argv else len(argv)
    parser = argparse.ArgumentParser(prog="netns.py")
    parser.add_argument("--dir", type=Path, required=True)
    parser.add_argument("--forward", type=int, action="append", default=[])
    parser.add_argument("--expose", type=int, action="append", default=[])
    args = parser.parse_args(argv[:split])
    run = argv[split + 1 :]
    if not run:
        parser.error("no command after --")
    try:
        loopback_up()
        bridges = Bridges()
        for port in args.forward:
            bridges.add(_tcp_listener(port), _unix_connect(to_path(args.dir, port)))
        for port in args.expose:
            bridges.add(_unix_listener(from_path(args.dir, port)), _tcp_connect(port))
    except OSError as err:
        print(f"netns: cannot set up the namespace's loopback bridges: {err}", file=sys.stderr, flush=True)
        return 2
    child = subprocess.Popen(run)
    signal.signal(signal.SIGTERM, lambda signum, _frame: child.send_signal(signum))
    signal.signal(signal.SIGINT, lambda signum, _frame: child.send_signal(signum))
    code = child.wait()
    bridges.stop()
    return code if code >= 0 else 128 - code


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
