"""Fixtures for the Airbyte tests: a fake Airbyte API on 127.0.0.1 and the variables the
definitions in airbyte/ reference."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from support.airbyte_env import DEFINITION_VARS
from support.fake_airbyte_api import FakeAirbyteServer

REPO = Path(__file__).resolve().parents[3]


@pytest.fixture()
def fake_airbyte(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeAirbyteServer]:
    """A fake Airbyte API; SPOON_AIRBYTE_* and the definitions' variables point at it."""
    with FakeAirbyteServer() as server:
        monkeypatch.setenv("SPOON_AIRBYTE_URL", server.url)
        monkeypatch.setenv("SPOON_AIRBYTE_CLIENT_ID", server.fake.client_id)
        monkeypatch.setenv("SPOON_AIRBYTE_CLIENT_SECRET", server.fake.client_secret)
        for key, value in DEFINITION_VARS.items():
            monkeypatch.setenv(key, value)
        yield server


@pytest.fixture()
def definitions_dir(tmp_path: Path) -> Path:
    """A copy of airbyte/ that a test may edit."""
    target = tmp_path / "airbyte"
    target.mkdir()
    for path in (REPO / "airbyte").glob("*.yaml"):
        (target / path.name).write_text(path.read_text())
    return target
