"""Fixtures shared by every test folder."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from support.servers import moto_server


@pytest.fixture(autouse=True)
def _isolated_settings(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No test reads the developer's .env or writes into the checkout's data/ folder."""
    for key in list(os.environ):
        if key.startswith("SPOON_"):
            monkeypatch.delenv(key)
    monkeypatch.setenv("SPOON_ENV_FILE", str(tmp_path / "no.env"))


@pytest.fixture(scope="session")
def moto_endpoint() -> Iterator[str]:
    """A moto S3/IAM server on 127.0.0.1 (server mode), for the whole session."""
    with moto_server() as endpoint:
        yield endpoint


@pytest.fixture()
def aws_env(monkeypatch: pytest.MonkeyPatch, moto_endpoint: str) -> str:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    monkeypatch.setenv("SPOON_AWS_ENDPOINT_URL", moto_endpoint)
    return moto_endpoint
