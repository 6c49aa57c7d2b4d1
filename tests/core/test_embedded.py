"""Port choice for the embedded servers (a clash is what makes weed exit with 255), and how
clients reach the embedded PostgreSQL (its Unix socket)."""

from __future__ import annotations

import dataclasses
import os
import socket
from pathlib import Path

import asyncpg
import pytest

from onething.core.embedded import EmbeddedPostgres, SeaweedPorts
from onething.core.processes import free_port, free_ports
from onething.core.settings import DatabaseSettings, Settings


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


def test_the_embedded_url_names_its_unix_socket_and_tcp_when_the_path_is_too_long(
    tmp_path: Path,
) -> None:
    near = EmbeddedPostgres(tmp_path / "pg", 55999, "secret")
    assert near.url("onething") == (
        f"postgresql://onething:secret@/onething?host={tmp_path / 'pg'}&port=55999"
    )
    far = EmbeddedPostgres(tmp_path / ("d" * 120) / "pg", 55999, "secret")
    assert far.socket_dir is None
    assert far.url("onething") == "postgresql://onething:secret@127.0.0.1:55999/onething"


def test_another_database_keeps_the_socket() -> None:
    url = "postgresql://u:p@/postgres?host=/var/run/pg&port=5432"
    assert DatabaseSettings(url=url).with_database("onething_test") == (
        "postgresql://u:p@/onething_test?host=/var/run/pg&port=5432"
    )
    assert DatabaseSettings(url="postgresql://u:p@db:5432/postgres").with_database("x") == (
        "postgresql://u:p@db:5432/x"
    )


async def test_the_embedded_database_is_reached_over_the_socket(settings: Settings) -> None:
    if os.environ.get("DATABASE_URL"):
        pytest.skip("DATABASE_URL names the server: its address is the operator's")
    connection = await asyncpg.connect(settings.database.asyncpg_dsn)
    try:
        # NULL for a connection over a Unix socket
        assert await connection.fetchval("SELECT inet_server_addr()") is None
    finally:
        await connection.close()
