"""Ports chosen for servers that other processes start a moment later."""

from __future__ import annotations

import socket

from micromentor.embedded.ports import free_port, outgoing_port_range


def test_a_chosen_port_is_free_and_never_one_an_outgoing_connection_could_take():
    low, high = outgoing_port_range()
    for _ in range(50):
        port = free_port()
        assert not low <= port <= high
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as server:
            server.bind(("127.0.0.1", port))
