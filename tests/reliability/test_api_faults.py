"""Transient API errors are retried with backoff and lose nothing; bad credentials fail in
one line without a retry storm.

- Airbyte (production extract, `spoon extract --source airbyte`): our client
  (`spoon.extract.airbyte.client`) against the fake Airbyte API of tests/integration/airbyte.
  Already covered there: `spoon airbyte apply` retrying 503/429 on the token, sources and
  connections (test_airbyte_apply.py::test_retries_on_503_and_429), a one-line 401 on `plan`, and an
  unreachable server. Here: the sync path (workspace and connection lookups, starting the job,
  polling it), a persistent outage that must give up, and the 401 on `spoon extract`.
- Shopify without Airbyte (`spoon extract --source shopify`): source-shopify itself runs
  through PyAirbyte against the fake Shopify Admin API of tests/integration/airbyte, its
  HTTPS redirected to 127.0.0.1 (redirect/sitecustomize.py). Retries on 429/503 are the
  connector's own (Airbyte CDK); what we add is the one-line error and writing nothing on
  failure. The connector costs ~12 s to start here, so these cases read three streams
  through `extract_shopify` (the function behind the CLI) rather than all eight.
"""

from __future__ import annotations

import itertools
import time
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import pyarrow.parquet as pq
import pytest
from support import fake_airbyte_api as fake_api
from support import fake_shopify as fake_shop
from support.reliability import error_lines, make_workspace

from spoon.extract.airbyte.client import AirbyteClient, AirbyteError
from spoon.extract.airbyte.sync import trigger_and_wait
from spoon.extract.pyairbyte import ShopifyExtractError, extract_shopify
from spoon.settings import load_settings, repo_path


# ---- Airbyte --------------------------------------------------------------------------------
class TimedAirbyte(fake_api.FakeAirbyte):
    """The fake Airbyte API, also noting when each request arrived."""

    def handle(self, method: str, raw_path: str, headers: dict[str, str], body: Any) -> Any:
        self.__dict__.setdefault("stamps", []).append(
            (time.monotonic(), method, urlparse(raw_path).path.removeprefix(fake_api.PREFIX))
        )
        return super().handle(method, raw_path, headers, body)

    def times(self, method: str, path: str) -> list[float]:
        return [t for t, m, p in self.__dict__.get("stamps", []) if (m, p) == (method, path)]


@pytest.fixture()
def airbyte() -> Iterator[Any]:
    fake = TimedAirbyte()
    conn = str(uuid.uuid4())
    fake.connections[conn] = {
        "connectionId": conn,
        "workspaceId": fake.workspace_id,
        "name": "shopify-to-s3",
        "sourceId": str(uuid.uuid4()),
        "destinationId": str(uuid.uuid4()),
        "status": "active",
    }
    with fake_api.FakeAirbyteServer(fake) as server:
        yield server


def _gaps(times: list[float]) -> list[float]:
    return [b - a for a, b in itertools.pairwise(times)]


def test_airbyte_sync_rides_out_429_and_503(airbyte: Any) -> None:
    fake = airbyte.fake
    fake.fail_next(429, times=1, path="/workspaces")
    fake.fail_next(503, times=1, path="/connections")
    fake.fail_next(503, times=2, path="/jobs", method="POST")  # starting the sync fails twice
    fake.fail_next(429, times=1, path="/jobs/1")  # then one poll is throttled
    settings = load_settings(
        airbyte_url=airbyte.url,
        airbyte_client_id=fake.client_id,
        airbyte_client_secret=fake.client_secret,
    )
    result = trigger_and_wait(settings, sleep=lambda _: None)  # job polls: no waiting

    assert (result.status, result.rows) == ("succeeded", 1234)
    assert list(fake.jobs) == [1], "exactly one sync started"
    starts = fake.times("POST", "/jobs")
    assert len(starts) == 3
    first, second = _gaps(starts)  # 0.5 s x 2^n, plus up to 1 s of jitter
    assert first >= 0.45 and second >= 0.95, (first, second)
    assert len(fake.times("GET", "/workspaces")) == 2
    assert len(fake.times("GET", "/connections")) == 2
    assert len(fake.times("GET", "/jobs/1")) == 3  # throttled, running, succeeded


def test_airbyte_outage_gives_up_after_bounded_backoff(airbyte: Any) -> None:
    fake = airbyte.fake
    fake.fail_next(503, times=1000, path="/applications/token")
    client = AirbyteClient(
        airbyte.url,
        fake.client_id,
        fake.client_secret,
        backoff_initial_ms=100,
        backoff_max_ms=400,
        max_elapsed_ms=2000,
    )
    t0 = time.monotonic()
    with pytest.raises(AirbyteError) as err:
        client.list_workspaces()
    assert time.monotonic() - t0 < 10
    message = str(err.value)
    assert "\n" not in message and "(503)" in message and "access token" in message
    attempts = fake.times("POST", "/applications/token")
    assert 2 <= len(attempts) <= 12, len(attempts)
    assert all(gap >= 0.09 for gap in _gaps(attempts))


def test_airbyte_bad_credentials_one_line_no_retry_storm(airbyte: Any, tmp_path: Path) -> None:
    fake = airbyte.fake
    ws = make_workspace(
        tmp_path / "ws",
        SPOON_AIRBYTE_URL=airbyte.url,
        SPOON_AIRBYTE_CLIENT_ID=fake.client_id,
        SPOON_AIRBYTE_CLIENT_SECRET="not-the-secret",  # pragma: allowlist secret
    )
    out = ws.spoon("extract", "--source", "airbyte", check=False)
    assert out.returncode != 0
    (line,) = error_lines(out)
    assert "rejected the credentials (401)" in line and "SPOON_AIRBYTE_CLIENT_SECRET" in line
    assert [(r.method, r.path) for r in fake.requests] == [("POST", "/applications/token")]
    assert fake.jobs == {} and not ws.lake.exists()


# ---- Shopify through PyAirbyte ---------------------------------------------------------------
START = (datetime.now(UTC) - timedelta(days=20)).replace(hour=0, minute=0, second=0, microsecond=0)
STREAMS = ["shop", "customers", "orders"]


class FlakyShopify(fake_shop.FakeShopify):
    """The fake Shopify Admin API, failing the requests it is told to and noting times."""

    def handle(
        self, method: str, raw: str, headers: dict[str, str], body: bytes
    ) -> tuple[int, dict[str, str], bytes]:
        path = urlparse(raw).path
        token = headers.get("x-shopify-access-token")
        self.__dict__.setdefault("stamps", []).append((time.monotonic(), path, token))
        for suffix, queue in self.__dict__.get("faults", {}).items():
            if path.endswith(suffix) and queue:
                status, retry_after = queue.pop(0)
                extra = {"Retry-After": retry_after} if retry_after else {}
                payload = b'{"errors": "injected"}'
                return status, {"content-type": "application/json", **extra}, payload
        return super().handle(method, raw, headers, body)

    def times(self, suffix: str) -> list[float]:
        return [t for t, p, _ in self.__dict__.get("stamps", []) if p.endswith(suffix)]


@pytest.fixture()
def shopify(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    if not repo_path(".venv-pyairbyte", "bin", "source-shopify").exists():
        pytest.fail("the PyAirbyte venv is missing: run `make pyairbyte-venv`")
    fake = FlakyShopify(fake_shop.small_shop(START, orders=12), token="shpat_fake")
    with fake_shop.FakeShopifyServer(fake) as server:
        monkeypatch.setenv("PYTHONPATH", str(fake_shop.REDIRECT_DIR))
        monkeypatch.setenv("SPOON_TEST_SHOPIFY_URL", server.url)
        yield fake


def _shopify_settings(tmp_path: Path, token: str) -> Any:
    return load_settings(
        shopify_shop="willows-spoon",
        shopify_access_token=token,
        shopify_start_date=(START - timedelta(days=10)).date(),
        lake_url=str(tmp_path / "lake"),
    )


def test_shopify_extract_retries_429_and_503(shopify: Any, tmp_path: Path) -> None:
    shopify.faults = {"/orders.json": [(429, "1")], "/customers.json": [(503, None)]}
    report = extract_shopify(_shopify_settings(tmp_path, "shpat_fake"), streams=STREAMS)

    assert report.records == {"shop": 1, "customers": 4, "orders": 12}
    for stream, ids in (("orders", 12), ("customers", 4)):
        (path,) = (tmp_path / "lake" / "shopify" / stream).glob("*.parquet")
        rows = pq.read_table(path).column("id").to_pylist()
        assert len(rows) == len(set(rows)) == ids, (stream, rows)
    orders, customers = shopify.times("/orders.json"), shopify.times("/customers.json")
    assert len(orders) == 2 and len(customers) == 2, (orders, customers)
    assert _gaps(orders)[0] >= 0.9  # Shopify's Retry-After honoured
    assert _gaps(customers)[0] >= 0.9  # backoff, not an immediate retry


def test_shopify_bad_token_one_line_no_retry_storm(shopify: Any, tmp_path: Path) -> None:
    with pytest.raises(ShopifyExtractError) as err:
        extract_shopify(_shopify_settings(tmp_path, "shpat_wrong"), streams=STREAMS)
    message = str(err.value)
    assert "\n" not in message and message.startswith("source-shopify failed:")
    assert "SPOON_SHOPIFY_ACCESS_TOKEN" in message
    refused = [t for t, _, token in shopify.stamps if token == "shpat_wrong"]
    assert 1 <= len(refused) <= 3, f"{len(refused)} requests with the refused token"
    assert not (tmp_path / "lake").exists()
