"""A wrong setting or a missing secret stops the command before any work: one line on
stderr naming what to fix, a non-zero exit, and nothing written (no lake, no warehouse, no
ground truth, no dbt run, no request to Airbyte).

Each case runs the CLI in an empty workspace; "nothing written" means the workspace is
still empty afterwards. Settings validation itself (types, names, .env) is unit-tested in
tests/unit/core/test_core_settings.py; the Airbyte `plan`/`apply` commands' missing
variables in tests/integration/airbyte/test_airbyte_apply.py.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from support.fake_airbyte_api import FakeAirbyteServer
from support.reliability import error_lines, make_workspace, tree_listing

CASES: dict[str, tuple[tuple[str, ...], dict[str, str], str]] = {
    # id: (command, settings, what the one line must say)
    "unknown-warehouse-run": (
        ("run",),
        {"SPOON_WAREHOUSE": "oracle"},
        "SPOON_WAREHOUSE='oracle' is invalid: Input should be 'duckdb' or 'snowflake'",
    ),
    "unknown-warehouse-transform": (
        ("transform",),
        {"SPOON_WAREHOUSE": "oracle"},
        "SPOON_WAREHOUSE='oracle' is invalid",
    ),
    "not-a-number": (
        ("extract",),
        {"SPOON_DEMO_ORDERS": "lots"},
        "SPOON_DEMO_ORDERS='lots' is invalid",
    ),
    "unsupported-lake-url": (
        ("load",),
        {"SPOON_LAKE_URL": "ftp://files.example.com/lake"},
        "SPOON_LAKE_URL='ftp://files.example.com/lake' is invalid",
    ),
    "snowflake-without-account": (
        ("run",),
        {"SPOON_WAREHOUSE": "snowflake"},
        "SPOON_SNOWFLAKE_ACCOUNT not set",
    ),
    "snowflake-run-without-keys": (
        ("run",),
        {"SPOON_WAREHOUSE": "snowflake", "SPOON_SNOWFLAKE_ACCOUNT": "acme-prod"},
        "set SPOON_SNOWFLAKE_LOADER_PRIVATE_KEY_PATH or run `spoon bootstrap keygen`",
    ),
    "snowflake-transform-key-path-missing": (
        ("transform",),
        {
            "SPOON_WAREHOUSE": "snowflake",
            "SPOON_SNOWFLAKE_ACCOUNT": "acme-prod",
            "SPOON_SNOWFLAKE_PRIVATE_KEY_PATH": "/nonexistent/transformer.p8",
        },
        "no Snowflake private key at /nonexistent/transformer.p8",
    ),
    "airbyte-extract-without-secret": (
        ("extract", "--source", "airbyte"),
        {"SPOON_AIRBYTE_CLIENT_ID": "spoon-client"},
        "SPOON_AIRBYTE_CLIENT_SECRET must be set",
    ),
    "airbyte-run-without-secret": (
        ("run", "--source", "airbyte"),
        {"SPOON_AIRBYTE_CLIENT_ID": "spoon-client"},
        "SPOON_AIRBYTE_CLIENT_SECRET must be set",
    ),
    "shopify-extract-without-token": (
        ("extract", "--source", "shopify"),
        {"SPOON_SHOPIFY_SHOP": "willows-spoon"},
        "SPOON_SHOPIFY_ACCESS_TOKEN is not set",
    ),
}


@pytest.fixture(scope="module")
def airbyte() -> Iterator[FakeAirbyteServer]:
    """A fake Airbyte API on 127.0.0.1 that records every request it gets."""
    with FakeAirbyteServer() as server:
        yield server


@pytest.mark.parametrize("case", sorted(CASES))
def test_bad_setting_fails_in_one_line_before_any_work(
    case: str, tmp_path: Path, airbyte: Any
) -> None:
    args, settings, message = CASES[case]
    ws = make_workspace(tmp_path / "ws", SPOON_AIRBYTE_URL=airbyte.url, **settings)
    requests_before = len(airbyte.fake.requests)
    before = tree_listing(ws.root)

    out = ws.spoon(*args, check=False)

    assert out.returncode != 0, out.stdout
    lines = error_lines(out)
    assert len(lines) == 1, out.stderr
    assert lines[0].startswith("error: ") and message in lines[0], lines[0]
    assert tree_listing(ws.root) == before, "something was written"
    assert not ws.lake.exists() and not ws.duckdb_path.exists()
    assert len(airbyte.fake.requests) == requests_before, "Airbyte was called"
