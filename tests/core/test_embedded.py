"""Port choice for the embedded servers (a clash is what makes weed exit with 255)."""

from __future__ import annotations

import dataclasses
import socket

from onething.core.embedded import SeaweedPorts
from onething.core.processes import free_port, free_ports


def test_seaweed_ports_are_all_distinct() -> None:
    for _ in range(50):
        ports = dataclasses.astuple(SeaweedPorts.pick())
        assert len(set(ports)) == len(ports) == 10


def test_a_busy_preferred_port_is_replaced_by_a_free_one() -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        taken = busy.getsockname()[1]
        assert SeaweedPorts.pick(taken).s3 != taken
        assert free_port(taken) != taken


def test_excluded_ports_are_never_chosen() -> None:
    promised = free_port()
    for _ in range(50):
        assert promised not in free_ports(10, preferred=promised, exclude={promised})
