"""Local stand-ins for the Snowflake tests: a fakesnow server (reading S3 from moto)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from support.servers import FAKESNOW_CANNOT_RUN, fakesnow_connection, fakesnow_server


@pytest.fixture()
def fakesnow_cannot_run() -> frozenset[str]:
    return FAKESNOW_CANNOT_RUN


@pytest.fixture(scope="module")
def fakesnow_port(moto_endpoint: str) -> Iterator[int]:
    """A fakesnow server on 127.0.0.1 for this test module, its S3 stages served by moto."""
    with fakesnow_server(moto_endpoint) as port:
        yield port


@pytest.fixture(scope="module")
def fakesnow_connect(fakesnow_port: int) -> Any:
    """A factory of plain connector connections to the module's fakesnow server."""
    return lambda **kwargs: fakesnow_connection(fakesnow_port, **kwargs)
