"""The lake writer types each stream from source-shopify's JSON schemas, as Airbyte's S3
destination does, whatever the records of a batch hold (issue 17): the shapes here are the
ones source-shopify emits for real shops (FIELD-NOTES)."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from spoon.load.lake import STREAMS, Lake
from spoon.load.loader import load_lake
from spoon.settings import repo_path
from spoon.stream_schemas import (
    SCHEMA_DIR,
    SOURCE_SHOPIFY_VERSION,
    declared,
    prune,
    stream_schema,
)

T = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


def money(amount: float | str) -> dict[str, Any]:
    return {
        "shop_money": {"amount": amount, "currency_code": "USD"},
        "presentment_money": {"amount": amount, "currency_code": "USD"},
    }


def order(oid: int, **extra: Any) -> dict[str, Any]:
    return {
        "id": oid,
        "name": f"#{oid}",
        "updated_at": "2026-03-01T10:00:00-07:00",
        "total_price": 27.5,
        "total_price_set": money(27.5),
        "line_items": [
            {
                "id": oid * 10,
                "quantity": 2,
                "price": 12.5,
                "price_set": money(12.5),
                "discount_allocations": [{"amount": "2.00", "amount_set": money("2.00")}],
                "tax_lines": [{"price": 1.0, "rate": 0.1, "title": "Tax"}],
            }
        ],
        "shipping_lines": [
            {"id": oid * 100, "price": 5.0, "tax_lines": [{"price": 0.5, "rate": 0.1}]}
        ],
        **extra,
    }


DELETED = {
    "id": 99,
    "deleted_at": "2026-03-01T11:00:00-07:00",
    "updated_at": "2026-03-01T11:00:00-07:00",
    "deleted_message": "Ann deleted order #99.",
    "deleted_description": "Order was deleted.",
    "shop_url": "willows-spoon.myshopify.com",
}


def write(tmp_path: Path, stream: str, records: list[dict[str, Any]]) -> pa.Table:
    (path,) = Lake(str(tmp_path / "lake")).write_records(
        "shopify", stream, records, extracted_at=T, sync_id=1
    )
    return pq.read_table(path)


def test_the_shipped_schemas_are_source_shopifys_pruned() -> None:
    """The package carries our streams' schemas from the pinned source-shopify (so the
    writer needs no .cache at runtime); they are the connector's, pruned of descriptions."""
    cache = repo_path(
        ".cache", f"source-shopify-{SOURCE_SHOPIFY_VERSION}", "source_shopify", "schemas"
    )
    if not (cache / "orders.json").is_file():
        pytest.fail(f"{cache} is missing: run `make shopify-schemas`", pytrace=False)
    for stream in STREAMS:
        shipped = json.loads((SCHEMA_DIR / f"{stream}.json").read_text())
        assert shipped == prune(json.loads((cache / f"{stream}.json").read_text())), stream
    mk = repo_path("Makefile").read_text()
    assert f"SHOPIFY_SCHEMAS_VERSION := {SOURCE_SHOPIFY_VERSION}" in mk
    lock = repo_path("airbyte", "pyairbyte-requirements.lock").read_text()
    assert f"airbyte-source-shopify=={SOURCE_SHOPIFY_VERSION}" in lock


def test_every_declared_field_is_a_column_whatever_the_first_record(tmp_path: Path) -> None:
    table = write(tmp_path, "orders", [{"id": 1}])
    schema = stream_schema("orders")
    assert schema is not None
    assert set(schema["properties"]) <= set(table.column_names)
    # nested declared fields too: line_items' structs have every declared field
    items = table.schema.field("line_items").type.value_type
    assert set(schema["properties"]["line_items"]["items"]["properties"]) <= {f.name for f in items}


def test_a_deleted_record_first_leaves_the_others_whole(tmp_path: Path) -> None:
    table = write(tmp_path, "orders", [DELETED, order(1), order(2)])
    rows = table.to_pylist()
    assert [r["id"] for r in rows] == [99, 1, 2]
    assert rows[0]["deleted_message"] == "Ann deleted order #99." and rows[0]["line_items"] is None
    for row in rows[1:]:
        (line,) = row["line_items"]
        assert (line["id"], line["quantity"], line["price"]) == (row["id"] * 10, 2, 12.5)
        assert line["tax_lines"][0]["price"] == 1.0
        assert line["discount_allocations"][0]["amount"] == "2.00"
        # an array the schema gives no items (shipping_lines[].tax_lines) keeps its values
        assert row["shipping_lines"][0]["tax_lines"] == [{"price": 0.5, "rate": 0.1}]
        assert row["deleted_at"] is None


def test_fulfillments_with_empty_objects(tmp_path: Path) -> None:
    """`origin_address: {}` (declared properties: a struct of nulls) and `receipt: {}` (a
    schemaless object: JSON text) no longer stop the write."""
    fulfillment = {"id": 7, "status": "success", "origin_address": {}, "receipt": {}}
    rich = {**fulfillment, "id": 8, "receipt": {"testcase": True, "authorization": "123"}}
    table = write(
        tmp_path, "orders", [order(1, fulfillments=[fulfillment]), order(2, fulfillments=[rich])]
    )
    f1, f2 = (r["fulfillments"][0] for r in table.to_pylist())
    assert f1["receipt"] == "{}" and json.loads(f2["receipt"]) == rich["receipt"]
    assert f1["origin_address"] is not None and set(f1["origin_address"].values()) == {None}
    assert pa.types.is_string(table.schema.field("fulfillments").type.value_type["receipt"].type)


def test_rest_and_graphql_transactions_in_one_batch(tmp_path: Path) -> None:
    graphql = {
        "id": 1,
        "order_id": 20,
        "kind": "SALE",
        "status": "SUCCESS",
        "amount": 27.5,
        "amount_set": {"shop_money": {"amount": 27.5, "currency_code": "USD"}},
        "receipt": '{"payment_id":"abc"}',
        "created_at": "2026-03-01T17:00:00+00:00",
    }
    rest = {
        "id": 2,
        "order_id": 21,
        "kind": "sale",
        "status": "success",
        "amount": "12.50",  # a string amount where the schema says number
        "receipt": {},
        "created_at": "2026-03-01T10:00:00-07:00",
    }
    rows = write(tmp_path, "transactions", [rest, graphql]).to_pylist()
    assert [r["receipt"] for r in rows] == ["{}", '{"payment_id":"abc"}']
    assert [r["amount"] for r in rows] == [12.5, 27.5]
    assert rows[0]["amount_set"] is None
    shop_money = rows[1]["amount_set"]["shop_money"]
    assert (shop_money["amount"], shop_money["currency_code"]) == (27.5, "USD")
    assert [r["_airbyte_meta"]["changes"] for r in rows] == [[], []]


def test_string_and_number_amounts_keep_their_declared_type(tmp_path: Path) -> None:
    """Discount allocation amounts are strings in the schema, prices numbers: a record
    with the other spelling is converted without loss, not rejected."""
    odd = order(2)
    odd["line_items"][0]["price"] = "12.50"
    odd["line_items"][0]["discount_allocations"][0]["amount"] = 2
    rows = write(tmp_path, "orders", [order(1), odd]).to_pylist()
    lines = [r["line_items"][0] for r in rows]
    assert [ln["price"] for ln in lines] == [12.5, 12.5]
    assert [ln["discount_allocations"][0]["amount"] for ln in lines] == ["2.00", "2"]


def test_a_fraction_in_an_integer_field_is_nulled_and_reported(tmp_path: Path) -> None:
    """Every value a number is not every value an integer: 9.7 in `id` or 1.5 in a line's
    `quantity` is null and reported (Arrow alone would write 9 and 1); 3.0 stays 3."""
    fraction = order(2, id=9.7)
    fraction["line_items"][0]["quantity"] = 1.5
    integral = order(3, id=3.0)
    integral["line_items"][0]["quantity"] = 2.0
    rows = write(tmp_path, "orders", [order(1), fraction, integral]).to_pylist()
    assert [r["id"] for r in rows] == [1, None, 3]
    assert [r["line_items"][0]["quantity"] for r in rows] == [2, None, 2]
    nulled = {"change": "NULLED", "reason": "DESTINATION_SERIALIZATION_ERROR"}
    assert [r["_airbyte_meta"]["changes"] for r in rows] == [
        [],
        [{"field": "id", **nulled}, {"field": "line_items[0].quantity", **nulled}],
        [],
    ]


def test_declared_kinds() -> None:
    tx = stream_schema("transactions")
    customers = stream_schema("customers")
    assert tx is not None and customers is not None
    assert declared(tx["properties"]["receipt"]).kind == "json"  # oneOf object | string
    # anyOf of strings (date-time | string | null) is a string
    assert declared(customers["properties"]["accepts_marketing_updated_at"]).kind == "string"


def test_the_loader_lands_every_shape(tmp_path: Path) -> None:
    """What the writer wrote loads whole: the deleted order, the orders after it with their
    lines, the fulfillments' JSON text."""
    lake = Lake(str(tmp_path / "lake"))
    fulfillment = {"id": 7, "origin_address": {}, "receipt": {}}
    lake.write_records(
        "shopify",
        "orders",
        [DELETED, order(1, fulfillments=[fulfillment]), order(2)],
        extracted_at=T,
        sync_id=1,
    )
    db = tmp_path / "w.duckdb"
    report = load_lake(str(tmp_path / "lake"), "shopify", db, str(tmp_path / "q"))
    assert report.loaded == 1 and not report.quarantined
    with duckdb.connect(str(db), read_only=True) as con:
        got = con.execute(
            "select record->>'$.id', json_array_length(record->'$.line_items'), "
            "record->>'$.deleted_at', record->'$.fulfillments[0].receipt' "
            "from raw.orders order by 1"
        ).fetchall()
    assert got == [
        ("1", 1, None, '"{}"'),
        ("2", 1, None, None),
        ("99", 0, "2026-03-01T11:00:00-07:00", None),  # null: no lines
    ]
