"""The lake writer follows contract 1 and writes atomically."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from spoon.load.lake import FILE_RE, Lake

T = datetime(2026, 1, 31, 23, 59, 59, tzinfo=UTC)


def test_layout_and_airbyte_columns(tmp_path: Path) -> None:
    lake = Lake(f"file://{tmp_path}")
    paths = lake.write_records(
        "shopify",
        "orders",
        [{"id": i, "tags": None} for i in range(5)],
        extracted_at=T,
        sync_id=3,
        chunk_size=2,
    )
    names = [Path(p).name for p in paths]
    assert names == [f"2026_01_31_{int(T.timestamp() * 1000)}_{n}.parquet" for n in range(3)]
    assert all(FILE_RE.match(n) for n in names)
    assert all(Path(p).parent == tmp_path / "shopify" / "orders" for p in paths)
    table = pq.read_table(paths[0])
    assert table.schema.field("_airbyte_raw_id").type == pa.string()
    assert table.schema.field("_airbyte_extracted_at").type == pa.timestamp("us", tz="UTC")
    assert table.schema.field("_airbyte_generation_id").type == pa.int64()
    assert pa.types.is_struct(table.schema.field("_airbyte_meta").type)
    assert table.column("id").to_pylist() == [0, 1]
    assert not [p for p in (tmp_path / "shopify/orders").iterdir() if p.name.startswith(".")]


def test_raw_ids_are_deterministic_and_unique(tmp_path: Path) -> None:
    a = Lake(str(tmp_path / "a")).write_records(
        "s", "x", [{"id": 1}, {"id": 2}], extracted_at=T, sync_id=1, raw_id_seed="k"
    )
    b = Lake(str(tmp_path / "b")).write_records(
        "s", "x", [{"id": 1}, {"id": 2}], extracted_at=T, sync_id=1, raw_id_seed="k"
    )
    assert Path(a[0]).read_bytes() == Path(b[0]).read_bytes()
    ids = pq.read_table(a[0]).column("_airbyte_raw_id").to_pylist()
    assert len(set(ids)) == 2


def test_listing_ignores_hidden_and_foreign_files(tmp_path: Path) -> None:
    lake = Lake(str(tmp_path))
    lake.write_records("shopify", "orders", [{"id": 1}], extracted_at=T, sync_id=1)
    (tmp_path / "shopify/orders/.partial.tmp").write_bytes(b"x")
    (tmp_path / "shopify/orders/readme.txt").write_text("x")
    (tmp_path / "shopify/_state").mkdir()
    files = lake.list_files("shopify")
    assert [(f.stream, f.key.split("/")[0]) for f in files] == [("orders", "shopify")]


def test_values_no_type_fits_are_json_text_or_nulled_and_reported(tmp_path: Path) -> None:
    """An undeclared field of mixed types is JSON text; a declared one that does not fit
    its type (an order id that is not a number) is null, and the row says so."""
    lake = Lake(str(tmp_path))
    (x,) = lake.write_records("s", "x", [{"v": 1}, {"v": "two"}], extracted_at=T, sync_id=1)
    assert pq.read_table(x).column("v").to_pylist() == ["1", "two"]
    (orders,) = lake.write_records(
        "shopify", "orders", [{"id": 1}, {"id": "two"}], extracted_at=T, sync_id=1
    )
    table = pq.read_table(orders)
    assert table.column("id").to_pylist() == [1, None]
    meta = table.column("_airbyte_meta").to_pylist()
    assert meta[0]["changes"] == []
    assert meta[1]["changes"] == [
        {"field": "id", "change": "NULLED", "reason": "DESTINATION_SERIALIZATION_ERROR"}
    ]


def test_s3_lake_through_the_same_code(aws_env: str) -> None:
    import boto3

    boto3.client("s3", endpoint_url=aws_env).create_bucket(Bucket="spoon-lake-test")
    lake = Lake("s3://spoon-lake-test/landing")
    lake.write_records("shopify", "orders", [{"id": 1}], extracted_at=T, sync_id=1)
    files = lake.list_files("shopify")
    assert [f.key for f in files] == [
        f"shopify/orders/2026_01_31_{int(T.timestamp() * 1000)}_0.parquet"
    ]
    assert lake.read_bytes(files[0].url)[:4] == b"PAR1"
