"""The embedded loader: contract 2 on DuckDB, once-only, all-or-nothing, quarantine."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from spoon.errors import LoadError
from spoon.load.lake import Lake
from spoon.load.loader import load_lake, raise_for_quarantine

SPOON = str(Path(sys.executable).parent / "spoon")
T0 = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


def _orders(n: int, start: int = 1) -> list[dict]:
    return [
        {
            "id": i,
            "updated_at": "2026-03-01T04:00:00-08:00",
            "total_price": 10.5 + i,
            "line_items": [{"id": i * 10, "price": 3.25, "quantity": 2}],
            "customer": {"id": 7, "email": "a@example.com"} if i % 2 else None,
        }
        for i in range(start, start + n)
    ]


def _write_lake(root: Path) -> Lake:
    lake = Lake(str(root))
    lake.write_records("shopify", "orders", _orders(3), extracted_at=T0, sync_id=1)
    lake.write_records(
        "shopify", "customers", [{"id": 7, "email": "a@example.com"}], extracted_at=T0, sync_id=1
    )
    return lake


def _load(tmp_path: Path):
    return load_lake(
        str(tmp_path / "lake"),
        "shopify",
        tmp_path / "wh.duckdb",
        str(tmp_path / "lake/_quarantine"),
    )


def test_loads_every_file_once(tmp_path: Path) -> None:
    _write_lake(tmp_path / "lake")
    first = _load(tmp_path)
    assert (first.loaded, first.rows) == (2, 4)
    second = _load(tmp_path)
    assert second.loaded == 0
    assert second.count("skipped") == 2
    with duckdb.connect(str(tmp_path / "wh.duckdb")) as con:
        assert con.execute("select count(*) from raw.orders").fetchone()[0] == 3
        cols = [r[0] for r in con.execute("describe raw.orders").fetchall()]
        assert cols == [
            "record",
            "_airbyte_raw_id",
            "_airbyte_extracted_at",
            "_file_name",
            "_loaded_at",
        ]
        rec = json.loads(
            con.execute("select record from raw.orders order by 1 limit 1").fetchone()[0]
        )
        assert rec["line_items"][0]["price"] == 3.25
        assert rec["_airbyte_raw_id"]
        names = con.execute("select distinct _file_name from raw.orders").fetchall()
        assert names[0][0].startswith("shopify/orders/2026_03_01_")
        hist = con.execute("select status, rows from raw._load_history order by stream").fetchall()
        assert hist == [("loaded", 1), ("loaded", 3)]


def test_new_sync_loads_only_new_files(tmp_path: Path) -> None:
    lake = _write_lake(tmp_path / "lake")
    _load(tmp_path)
    lake.write_records(
        "shopify", "orders", _orders(2, start=3), extracted_at=T0.replace(day=2), sync_id=2
    )
    report = _load(tmp_path)
    assert (report.loaded, report.rows) == (1, 2)
    with duckdb.connect(str(tmp_path / "wh.duckdb")) as con:
        # append-only: id 3 is there twice (two versions), staging keeps the latest
        assert con.execute("select count(*) from raw.orders").fetchone()[0] == 5


def test_a_load_is_stamped_after_every_earlier_load_even_if_the_clock_went_back(
    tmp_path: Path,
) -> None:
    """Incremental dbt models on DuckDB read rows loaded after the newest they hold."""
    lake = _write_lake(tmp_path / "lake")
    _load(tmp_path)
    ahead = datetime(2999, 1, 1)  # as if the first load ran while the clock was far ahead
    with duckdb.connect(str(tmp_path / "wh.duckdb")) as con:
        con.execute("update raw._load_history set loaded_at = ?", [ahead])
        con.execute("update raw.orders set _loaded_at = ?", [ahead])
    lake.write_records(
        "shopify", "orders", _orders(1, start=9), extracted_at=T0.replace(day=2), sync_id=2
    )
    assert _load(tmp_path).loaded == 1
    with duckdb.connect(str(tmp_path / "wh.duckdb")) as con:
        stamps = con.execute("select distinct _loaded_at from raw.orders order by 1").fetchall()
    assert [s[0] for s in stamps] == [ahead, ahead + timedelta(microseconds=1)]


def test_unchanged_files_are_skipped_without_reading_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A nightly load lists the whole lake: files listed as loaded are not read again."""
    _write_lake(tmp_path / "lake")
    _load(tmp_path)
    reads: list[str] = []
    real = Lake.read_bytes
    monkeypatch.setattr(Lake, "read_bytes", lambda self, url: reads.append(url) or real(self, url))
    assert _load(tmp_path).count("skipped") == 2
    assert reads == []
    # a history from before fingerprints: hashed once (still skipped), then remembered
    with duckdb.connect(str(tmp_path / "wh.duckdb")) as con:
        con.execute("update raw._load_history set fingerprint = null")
    assert _load(tmp_path).count("skipped") == 2
    assert len(reads) == 2
    assert _load(tmp_path).count("skipped") == 2
    assert len(reads) == 2


@pytest.mark.parametrize(
    ("first_note", "second_note", "batches"),
    [
        (None, "gift wrap", 1),  # a column all null in one file: read together by name
        (5, "gift wrap", 2),  # a real type change: each file read on its own
    ],
)
def test_files_differing_only_in_all_null_columns_load_together_with_the_same_json(
    tmp_path: Path, first_note: object, second_note: str, batches: int
) -> None:
    lake = Lake(str(tmp_path / "lake"))
    # a field source-shopify's schema does not declare is typed from each file's values
    # (a declared one always has its declared type)
    for sync, (order_id, note) in enumerate([(1, first_note), (2, second_note)], start=1):
        lake.write_records(
            "shopify", "orders", [{"id": order_id, "x_note": note}],
            extracted_at=T0.replace(day=sync), sync_id=sync,
        )  # fmt: skip
    assert _load(tmp_path).loaded == 2
    with duckdb.connect(str(tmp_path / "wh.duckdb")) as con:
        rows = con.execute(
            "select record, _loaded_at from raw.orders order by _airbyte_extracted_at"
        ).fetchall()
    records = [json.loads(r[0]) for r in rows]
    # each record exactly as its own file gives it: null stays null, 5 stays a number
    assert [(r["id"], r["x_note"]) for r in records] == [(1, first_note), (2, second_note)]
    assert len({r[1] for r in rows}) == batches  # one batch, one load stamp


def test_truncated_file_is_quarantined_and_others_load(tmp_path: Path) -> None:
    lake = _write_lake(tmp_path / "lake")
    bad = lake.write_records(
        "shopify", "orders", _orders(2, 50), extracted_at=T0.replace(day=3), sync_id=2
    )[0]
    data = Path(bad).read_bytes()
    Path(bad).write_bytes(data[: len(data) // 2])
    report = _load(tmp_path)
    assert report.loaded == 2
    assert [o.file.name for o in report.quarantined] == [Path(bad).name]
    with pytest.raises(LoadError, match=Path(bad).name):
        raise_for_quarantine(report)
    moved = tmp_path / "lake/_quarantine/shopify/orders" / Path(bad).name
    assert moved.exists() and not Path(bad).exists()
    assert "Parquet" in (moved.parent / (moved.name + ".reason.txt")).read_text()
    with duckdb.connect(str(tmp_path / "wh.duckdb")) as con:
        assert con.execute("select count(*) from raw.orders").fetchone()[0] == 3
        status = con.execute(
            "select status, error from raw._load_history where status <> 'loaded'"
        ).fetchall()
        assert status[0][0] == "quarantined" and "PAR1" in status[0][1]
    again = _load(tmp_path)  # not retried forever
    assert (again.loaded, len(again.quarantined)) == (0, 0)


@pytest.mark.parametrize(
    "content, reason",
    [
        (b"", "empty file"),
        (b"id,total\n1,2\n", "not a Parquet file"),
    ],
)
def test_unreadable_files_are_quarantined(tmp_path: Path, content: bytes, reason: str) -> None:
    _write_lake(tmp_path / "lake")
    target = tmp_path / "lake/shopify/orders/2026_03_04_1772600000000_0.parquet"
    target.write_bytes(content)
    report = _load(tmp_path)
    assert report.loaded == 2
    assert reason in report.quarantined[0].error


def test_file_without_airbyte_columns_loads_nothing(tmp_path: Path) -> None:
    _write_lake(tmp_path / "lake")
    target = tmp_path / "lake/shopify/orders/2026_03_04_1772600000000_0.parquet"
    pq.write_table(pa.table({"id": [1, 2]}), target)
    report = _load(tmp_path)
    assert "missing column" in report.quarantined[0].error
    with duckdb.connect(str(tmp_path / "wh.duckdb")) as con:
        assert con.execute("select count(*) from raw.orders").fetchone()[0] == 3


def test_same_name_new_content_is_loaded_again(tmp_path: Path) -> None:
    lake = _write_lake(tmp_path / "lake")
    _load(tmp_path)
    path = lake.list_files("shopify")[1].url
    table = pq.read_table(path)
    pq.write_table(table.slice(0, 1), path)  # rewritten in place: new hash
    assert _load(tmp_path).loaded == 1


def test_loads_from_s3(tmp_path: Path, aws_env: str) -> None:
    import boto3

    boto3.client("s3", endpoint_url=aws_env).create_bucket(Bucket="spoon-loader-test")
    url = "s3://spoon-loader-test/landing"
    lake = Lake(url)
    lake.write_records("shopify", "orders", _orders(4), extracted_at=T0, sync_id=1)
    report = load_lake(url, "shopify", tmp_path / "wh.duckdb", url + "/_quarantine")
    assert (report.loaded, report.rows) == (1, 4)
    assert load_lake(url, "shopify", tmp_path / "wh.duckdb", url + "/_quarantine").loaded == 0


def test_cli_load_names_the_bad_file_and_exits_non_zero(tmp_path: Path) -> None:
    _write_lake(tmp_path / "lake")
    bad = tmp_path / "lake/shopify/orders/2026_03_04_1772600000000_0.parquet"
    bad.write_bytes(b"PAR1 garbage")
    env = {
        **os.environ,
        "SPOON_LAKE_URL": str(tmp_path / "lake"),
        "SPOON_DUCKDB_PATH": str(tmp_path / "wh.duckdb"),
    }
    out = subprocess.run([SPOON, "load"], env=env, capture_output=True, text=True, cwd=tmp_path)
    assert out.returncode == 1
    error_lines = [ln for ln in out.stderr.splitlines() if ln.startswith("error:")]
    assert len(error_lines) == 1 and bad.name in error_lines[0]
    assert "2 new files" in out.stdout
    again = subprocess.run([SPOON, "load"], env=env, capture_output=True, text=True, cwd=tmp_path)
    assert again.returncode == 0 and "0 new files" in again.stdout


def _daily_order_files(root: Path, sizes: list[int]) -> list[str]:
    """One orders file a day (day 1, 2, …), holding that day's number of orders."""
    lake = Lake(str(root))
    written: list[str] = []
    for day, n in enumerate(sizes, start=1):
        written += lake.write_records(
            "shopify",
            "orders",
            _orders(n, start=day * 100),
            extracted_at=T0.replace(day=day),
            sync_id=day,
        )
    return written


def test_files_of_a_stream_load_together_each_under_its_own_name(tmp_path: Path) -> None:
    written = _daily_order_files(tmp_path / "lake", [1, 2, 3, 4, 5])
    report = _load(tmp_path)
    assert (report.loaded, report.rows) == (5, 15)
    with duckdb.connect(str(tmp_path / "wh.duckdb")) as con:
        per_file = dict(
            con.execute("select _file_name, count(*) from raw.orders group by 1").fetchall()
        )
        history = dict(con.execute("select file_name, rows from raw._load_history").fetchall())
        stored = con.execute("select record from raw.orders order by _file_name").fetchall()
    keys = [f"shopify/orders/{Path(w).name}" for w in written]
    assert per_file == history == {k: n for k, n in zip(keys, range(1, 6), strict=True)}
    source = [r for w in sorted(written) for r in pq.read_table(w).to_pylist()]
    # the record is the whole source row: every column, Airbyte's own included
    assert sorted(json.loads(r[0])["id"] for r in stored) == sorted(r["id"] for r in source)
    assert all(set(json.loads(r[0])) == set(source[0]) for r in stored)


def test_a_corrupt_page_in_a_batch_quarantines_that_file_alone(tmp_path: Path) -> None:
    files = _daily_order_files(tmp_path / "lake", [50, 50, 50])
    victim = Path(files[1])
    data = bytearray(victim.read_bytes())
    footer = int.from_bytes(data[-8:-4], "little") + 8
    for i in range(8, len(data) - footer - 8):  # garble the pages, keep the footer readable
        data[i] = 0xA5
    victim.write_bytes(bytes(data))
    report = _load(tmp_path)
    assert report.loaded == 2
    assert [o.file.name for o in report.quarantined] == [victim.name]
    with duckdb.connect(str(tmp_path / "wh.duckdb")) as con:
        assert con.execute("select count(*) from raw.orders").fetchone()[0] == 100
    assert _load(tmp_path).loaded == 0  # not retried


def test_walks_every_shops_namespace_into_the_same_raw_tables(tmp_path: Path) -> None:
    """Several shops: each namespace's files load once into the stream's one raw table,
    the shop in `_file_name`; a namespace not listed is not loaded; ids may collide."""
    url = str(tmp_path / "lake")
    lake = Lake(url)
    for ns in ("shop_us", "shop_eu", "unlisted"):
        lake.write_records(ns, "orders", _orders(2), extracted_at=T0, sync_id=1)
    lake.write_records("shop_eu", "customers", [{"id": 7}], extracted_at=T0, sync_id=1)
    wh = tmp_path / "wh.duckdb"
    shops = ["shop_us", "shop_eu"]
    first = load_lake(url, shops, wh, url + "/_quarantine")
    assert (first.loaded, first.rows) == (3, 5)
    again = load_lake(url, shops, wh, url + "/_quarantine")
    assert (again.loaded, again.count("skipped")) == (0, 3)
    with duckdb.connect(str(wh)) as con:
        per_shop = con.execute(
            "select split_part(_file_name, '/', 1), count(*), count(distinct record->>'id') "
            "from raw.orders group by 1 order by 1"
        ).fetchall()
        history = con.execute(
            "select split_part(file_name, '/', 1), count(*) from raw._load_history group by 1 "
            "order by 1"
        ).fetchall()
    assert per_shop == [("shop_eu", 2, 2), ("shop_us", 2, 2)]  # the same ids, two shops
    assert history == [("shop_eu", 2), ("shop_us", 1)]
