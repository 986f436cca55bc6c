"""Port choice: loopback only, never the same port twice in one run."""

from __future__ import annotations

import socket

from gitops.rehearse.ports import LOOPBACK, Ports


def test_ports_are_distinct_and_bindable_on_loopback():
    ports = Ports()
    taken = [ports.take() for _ in range(20)]
    assert len(set(taken)) == 20
    assert ports.given == frozenset(taken)
    for port in taken:
        with socket.socket() as sock:
            sock.bind((LOOPBACK, port))
