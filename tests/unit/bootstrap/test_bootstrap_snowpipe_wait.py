"""The load step's wait against scripted COPY_HISTORY answers, through the real SQL layer
(`SnowflakeHistory`) on a scripted connection. Time is a fake clock: no real waiting."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

import pytest

from spoon.errors import LoadError
from spoon.load import snowpipe
from spoon.names import snowflake_names

T0 = datetime(2026, 1, 2, 2, 30, tzinfo=UTC)


def _file(stream: str, n: int = 0) -> snowpipe.ExpectedFile:
    return snowpipe.ExpectedFile(
        stream, f"shopify/{stream}/2026_01_02_1767321000000_{n}.parquet", T0
    )


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        assert seconds > 0
        self.now += seconds


class ScriptedSnowflake:
    """A DB-API connection answering COPY_HISTORY from a script: `script[table]` is a list
    of answers, one per poll (the last one repeats); ALTER PIPE ... REFRESH is recorded and
    may make files appear (`after_refresh[table]`)."""

    def __init__(
        self,
        script: dict[str, list[list[tuple[Any, ...]]]],
        after_refresh: dict[str, list[tuple[Any, ...]]] | None = None,
    ) -> None:
        self.script = script
        self.after_refresh = after_refresh or {}
        self.polls: dict[str, int] = {}
        self.refreshed: list[tuple[str, str]] = []
        self.queries: list[tuple[str, dict[str, Any]]] = []

    def cursor(self) -> ScriptedCursor:
        return ScriptedCursor(self)


class ScriptedCursor:
    def __init__(self, conn: ScriptedSnowflake) -> None:
        self.conn = conn
        self.rows: list[tuple[Any, ...]] = []

    def execute(self, sql: str, params: dict[str, Any] | None = None) -> None:
        params = params or {}
        self.conn.queries.append((sql, params))
        if "COPY_HISTORY" in sql:
            assert re.search(r"FROM TABLE\(RAW\.INFORMATION_SCHEMA\.COPY_HISTORY\(", sql), sql
            table = params["table"]
            assert datetime.fromisoformat(params["since"]) < T0
            if table in {t for t, _ in self.conn.refreshed} and table in self.conn.after_refresh:
                self.rows = self.conn.after_refresh[table]
                return
            answers = self.conn.script.get(table, [[]])
            i = self.conn.polls.get(table, 0)
            self.conn.polls[table] = i + 1
            self.rows = answers[min(i, len(answers) - 1)]
            return
        m = re.fullmatch(
            r"ALTER PIPE (RAW\.RAW\.(\w+))_PIPE REFRESH MODIFIED_AFTER = %\(since\)s", sql
        )
        assert m, sql
        self.conn.refreshed.append((m.group(1), params["since"]))
        self.rows = []

    def fetchall(self) -> list[tuple[Any, ...]]:
        return self.rows

    def close(self) -> None:
        pass


@pytest.fixture()
def names(make_settings):
    return snowflake_names(make_settings())


def _wait(conn: ScriptedSnowflake, names, files, clock: Clock, **kw: float) -> snowpipe.WaitReport:
    return snowpipe.wait_for_files(
        snowpipe.SnowflakeHistory(conn, names),
        files,
        timeout_s=kw.get("timeout_s", 600),
        poll_s=kw.get("poll_s", 10),
        refresh_after_s=kw.get("refresh_after_s", 60),
        clock=clock,
        sleep=clock.sleep,
    )


def test_all_loaded(names) -> None:
    orders, refunds = _file("orders"), _file("order_refunds")
    conn = ScriptedSnowflake(
        {
            # first poll: orders still loading; second: loaded (COPY_HISTORY shows it)
            "RAW.RAW.ORDERS": [[], [(orders.key, "Loaded", None, 120)]],
            "RAW.RAW.ORDER_REFUNDS": [
                [
                    (refunds.key, "Loaded", None, 7),
                    ("shopify/order_refunds/old.parquet", "Load failed", "old", 0),
                ]
            ],
        }
    )
    clock = Clock()
    report = _wait(conn, names, [orders, refunds], clock)
    assert {f.key for f in report.loaded} == {orders.key, refunds.key}
    assert report.rows == 127
    assert report.polls == 2 and clock.now == 10
    assert conn.refreshed == []
    assert str(report) == "2 files, 127 rows loaded by Snowpipe"


def test_one_failed_names_the_file_and_first_error(names) -> None:
    good, bad = _file("orders", 0), _file("orders", 1)
    conn = ScriptedSnowflake(
        {
            "RAW.RAW.ORDERS": [
                [
                    (good.key, "Loaded", None, 5),
                    (
                        "s3://willows-spoon-lake/lake/" + bad.key,
                        "Load failed",
                        "Invalid Parquet file: magic bytes not found",
                        0,
                    ),
                ]
            ],
        }
    )
    with pytest.raises(LoadError) as err:
        _wait(conn, names, [good, bad], Clock())
    msg = str(err.value)
    assert bad.key in msg and "Invalid Parquet file: magic bytes not found" in msg
    assert "\n" not in msg


def test_a_file_fixed_after_a_failed_load_counts_as_loaded(names) -> None:
    """COPY_HISTORY keeps the failed load beside the later one (oldest first): the newest
    decides, so the re-run the error line asks for passes once the file is fixed."""
    orders = _file("orders")
    conn = ScriptedSnowflake(
        {
            "RAW.RAW.ORDERS": [
                [
                    (orders.key, "Load failed", "No magic bytes found at end of file", 0),
                    (orders.key, "Loaded", None, 42),
                ]
            ]
        }
    )
    report = _wait(conn, names, [orders], Clock())
    assert report.rows == 42 and [f.key for f in report.loaded] == [orders.key]
    assert conn.queries[0][0].endswith("ORDER BY last_load_time")


def test_missing_file_is_refreshed_then_loaded(names) -> None:
    orders, shop = _file("orders"), _file("shop")
    conn = ScriptedSnowflake(
        {"RAW.RAW.ORDERS": [[(orders.key, "Loaded", None, 3)]], "RAW.RAW.SHOP": [[]]},
        after_refresh={"RAW.RAW.SHOP": [(shop.key, "Loaded", None, 1)]},
    )
    clock = Clock()
    report = _wait(conn, names, [orders, shop], clock, refresh_after_s=30, poll_s=10)
    assert [t for t, _ in conn.refreshed] == ["RAW.RAW.SHOP"]  # only the pipe that missed it
    assert report.refreshed == ["shop"]
    assert {f.key for f in report.loaded} == {orders.key, shop.key}
    assert clock.now == 40  # refreshed on the poll at 30 s, seen loaded at 40 s


def test_timeout_names_what_is_missing(names) -> None:
    orders = _file("orders")
    conn = ScriptedSnowflake({"RAW.RAW.ORDERS": [[]]})
    clock = Clock()
    with pytest.raises(LoadError, match=r"timed out after 100s .* 1 of 1 files not loaded") as err:
        _wait(conn, names, [orders], clock, timeout_s=100, refresh_after_s=50, poll_s=30)
    assert orders.key in str(err.value)
    assert [t for t, _ in conn.refreshed] == ["RAW.RAW.ORDERS"]  # refreshed once, not per poll
    assert clock.now == 100


def test_nothing_landed_needs_no_connection(make_settings, tmp_path) -> None:
    (tmp_path / "lake").mkdir()  # a lake with nothing in it (no lake at all is an error)
    settings = make_settings(lake_url=str(tmp_path / "lake"))
    assert str(snowpipe.wait_for_sync(settings)) == "0 files, 0 rows loaded by Snowpipe"


def test_landed_files_of_the_last_sync(make_settings, tmp_path) -> None:
    from spoon.load.lake import Lake

    lake = Lake(str(tmp_path / "lake"))
    old = datetime(2025, 12, 1, tzinfo=UTC)
    lake.write_records("shopify", "orders", [{"id": 1}], extracted_at=old, sync_id=1)
    new = lake.write_records("shopify", "orders", [{"id": 1}], extracted_at=T0, sync_id=2)
    lake.write_records("shopify", "not_a_stream", [{"id": 1}], extracted_at=T0, sync_id=2)
    settings = make_settings(lake_url=str(tmp_path / "lake"))
    files = snowpipe.landed_files(settings, now=T0.replace(hour=3))
    assert [f.key for f in files] == ["shopify/orders/" + new[0].rsplit("/", 1)[1]]
    assert files[0].landed_at == T0


def test_several_shops_each_shop_refreshes_its_own_pipe(make_settings) -> None:
    """Two shops share the ORDERS table; the one whose file is missing gets its own pipe
    refreshed (SHOP_EU_ORDERS_PIPE), the default shop's keeps its name ORDERS_PIPE."""
    names = snowflake_names(make_settings(lake_namespaces="shopify,shop_eu"))
    us = _file("orders")
    eu = snowpipe.ExpectedFile(
        "orders", "shop_eu/orders/2026_01_02_1767321000000_0.parquet", T0, "shop_eu"
    )
    conn = ScriptedSnowflake(
        {"RAW.RAW.ORDERS": [[(us.key, "Loaded", None, 3)]]},
        after_refresh={},
    )
    clock = Clock()
    with pytest.raises(
        LoadError, match=r"1 of 2 files not loaded \(e\.g\. shop_eu/.*shops shop_eu\)"
    ):
        _wait(conn, names, [us, eu], clock, timeout_s=60, refresh_after_s=30, poll_s=10)
    assert [t for t, _ in conn.refreshed] == ["RAW.RAW.SHOP_EU_ORDERS"]  # SHOP_EU_ORDERS_PIPE
    assert names.pipe("orders") == "RAW.RAW.ORDERS_PIPE"
    assert names.pipe("orders", "shop_eu") == "RAW.RAW.SHOP_EU_ORDERS_PIPE"


def test_landed_files_of_every_shop(make_settings, tmp_path) -> None:
    from spoon.load.lake import Lake

    lake = Lake(str(tmp_path / "lake"))
    for ns in ("shop_us", "shop_eu", "not_listed"):
        lake.write_records(ns, "orders", [{"id": 1}], extracted_at=T0, sync_id=1)
    settings = make_settings(lake_url=str(tmp_path / "lake"), lake_namespaces="shop_us,shop_eu")
    files = snowpipe.landed_files(settings, now=T0.replace(hour=3))
    assert [(f.namespace, f.shop, f.key.split("/")[0]) for f in files] == [
        ("shop_us", "shop_us", "shop_us"),
        ("shop_eu", "shop_eu", "shop_eu"),
    ]
