"""The hand-made shop's syncs (support.rawshop.us.SYNCS) with bad records beside the good
ones (DESIGN.md contract 4, issue 17): each fails one check of dbt's macros/rejects.sql, or
carries a value the lake writer nulled, and must end in audit.rejected_records, not in the
marts. Built on DuckDB (tests/integration/dbt/test_dbt_rejects.py) and on Snowflake SQL
(test_dbt_fakesnow.py)."""

from __future__ import annotations

import copy
import json
from typing import Any

from support.rawshop.blocks import Batch
from support.rawshop.us import R1, SYNCS

#: (stream, record id, field, reason) of every check the bad records fail
REJECTED = {
    ("orders", "abc", "id", "not an integer: abc"),
    ("orders", "9001", "line_items[].price", "not a decimal: twelve"),
    ("orders", "9002", "line_items[].quantity", "not an integer: 1.5x"),
    ("orders", "9003", "processed_at", "not a timestamp: not a date"),
    ("customers", "12.5", "id", "not an integer: 12.5"),
    # nested arrays: a tax line's rate, a refund line's subtotal
    ("orders", "9006", "line_items[].tax_lines[].rate", "not a decimal: x"),
    ("order_refunds", "599", "refund_line_items[].subtotal", "not a decimal: ten"),
    # values the lake writer nulled (reported in _airbyte_meta.changes), as an object and as
    # the JSON text a writer may keep it as
    (
        "orders",
        "9005",
        "line_items[0].price",
        "nulled by the writer: line_items[0].price (DESTINATION_SERIALIZATION_ERROR)",
    ),
    (
        "orders",
        "9007",
        "line_items[1].tax_lines[0].price",
        "nulled by the writer: line_items[1].tax_lines[0].price (no reason given)",
    ),
}
SERDE = "DESTINATION_SERIALIZATION_ERROR"


def nulled(field: str, reason: str | None = None) -> dict[str, Any]:
    """The `_airbyte_meta` of a record whose value of `field` the writer nulled."""
    change = {"field": field, "change": "NULLED"}
    return {"changes": [change if reason is None else {**change, "reason": reason}]}


def bad_syncs() -> list[Batch]:
    """SYNCS with bad records added to the first sync: copies of a good order with one
    field that does not type each, a customer whose id is not an integer, a refund with a
    subtotal that is no number, orders whose values the lake writer nulled; and a good
    order whose nulled value is of a field nobody reads (no reject)."""
    syncs = copy.deepcopy(SYNCS)
    first = syncs[0]
    good = first["orders"][0]

    def order(order_id: Any, **changes: Any) -> dict[str, Any]:
        rec = copy.deepcopy(good)
        rec.update(id=order_id, name=f"#{order_id}", customer=None, email=None, **changes)
        return rec

    lines = good["line_items"]
    bad_price = [{**lines[0], "price": "twelve"}, *lines[1:]]
    bad_qty = [{**lines[0], "quantity": "1.5x"}, *lines[1:]]
    no_price = [{**lines[0], "price": None}, *lines[1:]]
    bad_rate = copy.deepcopy(lines)
    bad_rate[0]["tax_lines"][0]["rate"] = "x"
    as_text = json.dumps(nulled("line_items[1].tax_lines[0].price"))
    refund = copy.deepcopy(R1)
    refund.update(id=599)
    refund["refund_line_items"][0]["subtotal"] = "ten"
    first["order_refunds"] = [*first["order_refunds"], refund]
    first["orders"][1] = {
        **first["orders"][1],
        "note": None,
        "_airbyte_meta": nulled("note", SERDE),
    }
    first["orders"] = [
        *first["orders"],
        order("abc"),
        order(9001, line_items=bad_price),
        order(9002, line_items=bad_qty),
        order(9003, processed_at="not a date"),
        order(9005, line_items=no_price, _airbyte_meta=nulled("line_items[0].price", SERDE)),
        order(9006, line_items=bad_rate),
        order(9007, _airbyte_meta=as_text),
    ]
    first["customers"] = [
        *first["customers"],
        {**first["customers"][0], "id": "12.5", "email": "half@example.com"},
    ]
    return syncs
