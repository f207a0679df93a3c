"""Local stand-ins for the Snowflake tests: a fakesnow server (reading S3 from moto)."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

HERE = Path(__file__).resolve().parent

#: What fakesnow 0.12 cannot execute. These statements are checked by sqlfluff (unit
#: tests) and skipped here by kind; everything else must run, and no error is swallowed.
FAKESNOW_CANNOT_RUN = frozenset(
    {
        "CREATE ROLE",
        "GRANT",
        "CREATE WAREHOUSE",
        "ALTER WAREHOUSE",
        "CREATE RESOURCE MONITOR",
        "ALTER RESOURCE MONITOR",
        "CREATE STORAGE INTEGRATION",
        "ALTER STORAGE INTEGRATION",
        "CREATE PIPE",
        "CREATE USER",
        "ALTER USER",
        "ALTER SCHEMA",  # ENABLE MANAGED ACCESS
        "CREATE MASKING POLICY",
        "ALTER MASKING POLICY",
        "ALTER TABLE",  # SET MASKING POLICY
        "CREATE NETWORK POLICY",
        "ALTER NETWORK POLICY",
    }
)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait_for_port(port: int, proc: subprocess.Popen[bytes], timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"fakesnow server exited with {proc.returncode}")
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise RuntimeError(f"fakesnow did not listen on 127.0.0.1:{port} within {timeout}s")


@pytest.fixture()
def fakesnow_cannot_run() -> frozenset[str]:
    return FAKESNOW_CANNOT_RUN


@pytest.fixture(scope="module")
def fakesnow_port(moto_endpoint: str) -> Iterator[int]:
    """A fakesnow server on 127.0.0.1 for this test module, its S3 stages served by moto."""
    port = _free_port()
    proc = subprocess.Popen(
        [sys.executable, str(HERE / "fakesnow_s3.py"), str(port), moto_endpoint],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        _wait_for_port(port, proc)
        yield port
    finally:
        proc.terminate()
        proc.wait(timeout=20)


@pytest.fixture(scope="module")
def fakesnow_connect(fakesnow_port: int) -> Any:
    """A factory of plain connector connections to the module's fakesnow server."""
    return lambda **kwargs: _connect(fakesnow_port, **kwargs)


def _connect(port: int, **kwargs: Any) -> Any:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import snowflake.connector

    return snowflake.connector.connect(
        account="fakesnow",
        user="fake",
        password="snow",
        host="127.0.0.1",
        port=port,
        protocol="http",
        **kwargs,
    )
