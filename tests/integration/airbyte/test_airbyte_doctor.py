"""`spoon doctor` checks Airbyte for real, against the fake Airbyte API on 127.0.0.1: the API
answers, the client credentials get a token, the configured connection exists."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from spoon.extract.airbyte.client import AirbyteError
from spoon.extract.airbyte.sync import doctor_check
from spoon.settings import load_settings
from spoon.setup.airbyte.cli import app

SPOON = str(Path(sys.executable).parent / "spoon")


@pytest.fixture()
def applied(fake_airbyte: Any, definitions_dir: Path) -> Any:
    """The fake Airbyte with the connection of airbyte/*.yaml applied."""
    result = CliRunner().invoke(app, ["apply", "--dir", str(definitions_dir)])
    assert result.exit_code == 0, result.output
    return fake_airbyte


def doctor(tmp_path: Path, **env: str) -> tuple[int, str]:
    """`spoon doctor` as a user runs it; returns its exit code and the airbyte check's row."""
    out = subprocess.run(
        [SPOON, "doctor"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        # SPOON_S3_BUCKET is set for the definitions only: no S3 check here
        env={**{k: v for k, v in os.environ.items() if k != "SPOON_S3_BUCKET"}, "COLUMNS": "400"}
        | env,
        timeout=120,
    )
    rows = [ln for ln in out.stdout.splitlines() if ln.startswith("│ airbyte ")]
    assert len(rows) == 1, out.stdout + out.stderr
    assert "Traceback" not in out.stdout + out.stderr
    return out.returncode, " ".join(rows[0].strip("│ ").split())


def test_doctor_checks_the_connection(applied: Any, tmp_path: Path) -> None:
    (conn,) = applied.fake.connections.values()
    code, row = doctor(tmp_path)
    assert code == 0, row
    assert row.startswith("airbyte │ ok │ ")
    assert f"'shopify-to-s3' {conn['connectionId']} (active)" in row
    assert "workspace 'Default Workspace'" in row
    # for real: a token, then the workspaces and the connections with that token
    paths = [(r.method, r.path) for r in applied.fake.requests if r.path != "/sources"]
    assert paths[-3:] == [
        ("POST", "/applications/token"),
        ("GET", "/workspaces"),
        ("GET", "/connections"),
    ]


@pytest.mark.parametrize(
    ("env", "message"),
    [
        (
            {"SPOON_AIRBYTE_CLIENT_SECRET": "wrong-secret"},  # pragma: allowlist secret
            "Airbyte rejected the credentials (401) while trying to get an access token; "
            "check SPOON_AIRBYTE_CLIENT_ID and SPOON_AIRBYTE_CLIENT_SECRET",
        ),
        (
            {"SPOON_AIRBYTE_CONNECTION_NAME": "shopify-eu-to-s3"},
            "no Airbyte connection named 'shopify-eu-to-s3' in workspace 'Default Workspace'; "
            "run `spoon airbyte apply` or set SPOON_AIRBYTE_CONNECTION_NAME",
        ),
    ],
    ids=["bad-secret", "missing-connection"],
)
def test_doctor_fails_in_one_line(
    applied: Any, tmp_path: Path, env: dict[str, str], message: str
) -> None:
    code, row = doctor(tmp_path, **env)
    assert code == 1
    assert row == f"airbyte │ failed │ {message}"
    assert "wrong-secret" not in row


def test_an_unreachable_airbyte_fails_within_seconds(
    fake_airbyte: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))  # bound, never listening: connections are refused
        port = sock.getsockname()[1]
        monkeypatch.setenv("SPOON_AIRBYTE_URL", f"http://127.0.0.1:{port}/api/public/v1")
        started = time.monotonic()
        with pytest.raises(AirbyteError, match=r"^cannot reach Airbyte at http://127\.0\.0\.1:"):
            doctor_check(load_settings())
    assert time.monotonic() - started < 15


def test_a_server_that_is_not_airbyte(fake_airbyte: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SPOON_AIRBYTE_URL", fake_airbyte.url.removesuffix("/api/public/v1"))
    with pytest.raises(
        AirbyteError, match=r"no Airbyte public API at .*must end in /api/public/v1"
    ):
        doctor_check(load_settings())
