"""Schema drift between syncs: the load and the dbt build still pass and every figure is
unchanged.

The clean run's lake is rewritten (same records, new file layouts) so that one stream's
files disagree on their schema, as they do when Shopify's API or the connector changes:

- a stream gains a column (orders, customers: a field the models do not know);
- a stream loses optional columns (orders without `note`, `tags`, `landing_site`;
  customers without `phone`, `tags`);
- a field changes from int to string, top level and nested, including ones the figures
  depend on (orders `order_number`, `total_weight`, `line_items[].quantity`; customers
  `orders_count`; order_refunds `refund_line_items[].quantity`).

Then a fresh warehouse loads the lake and dbt builds everything (tests included).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
from support.reliability import Baseline, clone, diff_prints, marts_fingerprint

Row = dict[str, Any]


def _gain_and_lose(drop: tuple[str, ...]) -> Callable[[Row], Row]:
    def change(row: Row) -> Row:
        row = {k: v for k, v in row.items() if k not in drop}
        row["merchant_business_entity_id"] = "MBE-1"  # new in a later API version
        return row

    return change


def _orders_to_strings(row: Row) -> Row:
    row["order_number"] = str(row["order_number"])
    row["total_weight"] = str(row["total_weight"])
    for line in row["line_items"]:
        line["quantity"] = str(line["quantity"])
    return row


def _customers_to_strings(row: Row) -> Row:
    row["orders_count"] = str(row["orders_count"])
    return row


def _refunds_to_strings(row: Row) -> Row:
    for line in row["refund_line_items"] or []:
        line["quantity"] = str(line["quantity"])
    return row


def _split(path: Path, variants: list[Callable[[Row], Row] | None]) -> list[pa.Schema]:
    """Rewrite one sync file as len(variants) files of the same sync, one variant each."""
    rows = pq.read_table(path).to_pylist()
    size = -(-len(rows) // len(variants))
    stem = path.stem.rsplit("_", 1)[0]
    path.unlink()
    schemas = []
    for part, change in enumerate(variants):
        chunk = rows[part * size : (part + 1) * size]
        table = pa.Table.from_pylist([change(r) if change else r for r in chunk])
        pq.write_table(table, path.with_name(f"{stem}_{part}.parquet"))
        schemas.append(table.schema)
    return schemas


def test_schema_drift_loads_builds_and_keeps_every_figure(
    baseline: Baseline, tmp_path: Path
) -> None:
    ws = clone(baseline.ws, tmp_path / "drift", warehouse=False)
    only = {s: sorted(ws.stream_dir(s).glob("*.parquet")) for s in ("orders", "customers")}
    assert all(len(files) == 1 for files in only.values()), only

    orders = _split(
        only["orders"][0],
        [None, _gain_and_lose(("note", "tags", "landing_site")), _orders_to_strings],
    )
    assert "merchant_business_entity_id" in orders[1].names and "note" not in orders[1].names
    assert orders[0].field("order_number").type == pa.int64()
    assert orders[2].field("order_number").type == pa.string()
    customers = _split(
        only["customers"][0], [_gain_and_lose(("phone", "tags")), _customers_to_strings]
    )
    assert customers[1].field("orders_count").type == pa.string()
    (refunds,) = _split(
        sorted(ws.stream_dir("order_refunds").glob("*.parquet"))[0], [_refunds_to_strings]
    )
    assert "string" in str(refunds.field("refund_line_items").type)

    out = ws.spoon("load")
    assert "0 quarantined" in out.stdout, out.stdout
    ws.spoon("transform")
    marts = marts_fingerprint(ws)
    assert marts == baseline.marts, diff_prints(marts, baseline.marts)
