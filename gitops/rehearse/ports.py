"""Free TCP ports on 127.0.0.1, handed out once each per rehearsal.

A port is found by binding port 0 on loopback and reading what the kernel chose; the socket is
closed before the component binds it, so the same port is never handed out twice in one run.
"""

from __future__ import annotations

import socket

LOOPBACK = "127.0.0.1"


class Ports:
    def __init__(self) -> None:
        self._given: set[int] = set()

    def take(self) -> int:
        for _ in range(100):
            with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
                sock.bind((LOOPBACK, 0))
                port = sock.getsockname()[1]
            if port not in self._given:
                self._given.add(port)
                return port
        raise OSError("no free port on 127.0.0.1 after 100 tries")

    @property
    def given(self) -> frozenset[int]:
        return frozenset(self._given)
