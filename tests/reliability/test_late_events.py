"""Late news about old orders lands on the day Shopify's reports show it
(docs/metrics.md, contract 3 of the design).

On top of the clean run, a later sync delivers:

- a refund processed 90 days after its order, at 23:30 in the shop's time zone (already
  the next day in UTC), with the new version of its order (`financial_status`
  partially_refunded, a later `updated_at`), as Shopify sends both;
- an order edited after it was reported: a new version of an old order with one more line
  item (what Shopify's order editing adds), `updated_at` weeks later.

Expected for the refund: its return, refunded tax and totals on the refund's shop-local
date, nothing on its UTC date, and the order's own day unchanged.

Expected for the edit: Shopify's Sales reports book what an order edit adds on the edit's
date, and leave the order's own day as it was reported (docs/metrics.md, "Order edits": a
line missing from the earliest version of its order is sold on the `updated_at` of the
first version that has it). Both cases share one load and one dbt build; each checks every
day of `rpt_daily_sales`, the other change included.
"""

from __future__ import annotations

import copy
import uuid
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from support.reliability import Baseline, clone

from spoon.load.lake import Lake
from spoon.metrics import CORE_MONEY_COLUMNS

REFUND_ID = 990_000_000_001
REFUND_LINE_ID = 990_000_000_101
NEW_LINE_ID = 13_999_999_999_901
Daily = dict[date, dict[str, Any]]


def _records(ws: Any, stream: str) -> list[dict[str, Any]]:
    """A stream's records as the source sent them (without Airbyte's own columns)."""
    return [
        {k: v for k, v in row.items() if not k.startswith("_airbyte")}
        for path in sorted(ws.stream_dir(stream).glob("*.parquet"))
        for row in pq.read_table(path).to_pylist()
    ]


def _iso(moment: datetime) -> str:
    return moment.isoformat(timespec="seconds")


def _money(amount: Decimal, currency: str) -> dict[str, Any]:
    value = float(amount)
    return {
        "shop_money": {"amount": value, "currency_code": currency},
        "presentment_money": {"amount": value, "currency_code": currency},
    }


def _bump(order: dict[str, Any], field: str, by: Decimal) -> None:
    """Add `by` to a money field and its `_set` twin (both sides, same currency here)."""
    if order.get(field) is not None:
        order[field] = float(Decimal(str(order[field])) + by)
    money_set = order.get(f"{field}_set")
    if money_set:
        for side in ("shop_money", "presentment_money"):
            amount = Decimal(str(money_set[side]["amount"]))
            money_set[side]["amount"] = float(amount + by)


def _pick_lines(ws: Any) -> list[tuple]:
    """Sale lines of quantity 1, no discount, on plain orders (no refund, not cancelled)."""
    return ws.query(
        """
        select s.order_id, s.order_line_id, s.gross_sales, s.taxes, o.order_date
        from marts.fct_sales as s
        join marts.fct_orders as o using (order_id)
        where s.event_type = 'sale' and s.quantity = 1 and s.discounts = 0
          and s.gross_sales > 0 and s.taxes > 0
          and o.returns = 0 and not o.is_cancelled and o.currency = o.presentment_currency
          and o.financial_status = 'paid'
          and (select count(*) from marts.fct_sales as x
               where x.order_id = s.order_id and x.event_type = 'sale') = 1
        order by o.order_date, s.order_id
        """
    )


def _write(ws: Any, stream: str, rows: list[dict[str, Any]], extracted: datetime) -> None:
    stamped = [
        {
            "_airbyte_raw_id": str(uuid.uuid4()),
            "_airbyte_extracted_at": extracted,
            "_airbyte_generation_id": 0,
            "_airbyte_meta": {"sync_id": 2, "changes": []},
            **row,
        }
        for row in rows
    ]
    pq.write_table(
        pa.Table.from_pylist(stamped), ws.stream_dir(stream) / Lake.file_name(extracted, 0)
    )


def _daily(ws: Any) -> Daily:
    cols = ("orders", *CORE_MONEY_COLUMNS)
    rows = ws.query(f"select date_day, {', '.join(cols)} from marts.rpt_daily_sales")
    return {r[0]: dict(zip(cols, r[1:], strict=True)) for r in rows}


@dataclass
class Late:
    ws: Any
    before: Daily
    after: Daily
    expected: Daily  # `before`, the report running to the refund's day, and the refund
    refund: tuple  # order_id, line_id, price, tax, order_day, refund_day
    edit: tuple  # order_id, line_id, price, tax, order_day, edit_day


@pytest.fixture(scope="module")
def late(baseline: Baseline, tmp_path_factory: pytest.TempPathFactory) -> Late:
    ws = clone(baseline.ws, tmp_path_factory.mktemp("late"))
    before = _daily(ws)
    (shop,) = _records(ws, "shop")
    zone = ZoneInfo(shop["iana_timezone"])
    currency = shop["currency"]
    lines = _pick_lines(ws)
    refunded, edited = lines[0], lines[len(lines) // 3]
    assert refunded[0] != edited[0]
    orders = {o["id"]: o for o in _records(ws, "orders")}

    # 1) the refund, 90 days after its order, late in the shop's evening
    order_id, line_id, price, tax, order_day = refunded
    refund_day = order_day + timedelta(days=90)
    refund_at = datetime.combine(refund_day, time(23, 30), tzinfo=zone)
    assert refund_at.astimezone(ZoneInfo("UTC")).date() == refund_day + timedelta(days=1)
    order = copy.deepcopy(orders[order_id])
    (line,) = [li for li in order["line_items"] if li["id"] == line_id]
    template = _records(ws, "order_refunds")[0]
    refund = {
        **template,
        "id": REFUND_ID,
        "admin_graphql_api_id": f"gid://shopify/Refund/{REFUND_ID}",
        "order_id": order_id,
        "note": "Returned after 90 days",
        "created_at": _iso(refund_at),
        "processed_at": _iso(refund_at),
        "refund_line_items": [
            {
                "id": REFUND_LINE_ID,
                "line_item_id": line_id,
                "location_id": None,
                "quantity": 1,
                "restock_type": "return",
                "subtotal": float(price),
                "subtotal_set": _money(price, currency),
                "total_tax": float(tax),
                "total_tax_set": _money(tax, currency),
                "line_item": line,
            }
        ],
        "order_adjustments": [],
        "transactions": [],
    }
    order["updated_at"] = _iso(refund_at)
    order["financial_status"] = "partially_refunded"

    # 2) another order edited weeks after it was reported: one more line item
    e_order_id, e_line_id, e_price, e_tax, e_day = edited
    edit = copy.deepcopy(orders[e_order_id])
    (source_line,) = [li for li in edit["line_items"] if li["id"] == e_line_id]
    added = {
        **copy.deepcopy(source_line),
        "id": NEW_LINE_ID,
        "admin_graphql_api_id": f"gid://shopify/LineItem/{NEW_LINE_ID}",
    }
    edit["line_items"].append(added)
    edit_at = datetime.combine(date(2025, 10, 3), time(10, 0), tzinfo=zone)
    assert max(before) < edit_at.date() < refund_day
    edit["updated_at"] = _iso(edit_at)
    for field in ("total_line_items_price", "subtotal_price", "current_subtotal_price"):
        _bump(edit, field, e_price)
    for field in ("total_tax", "current_total_tax"):
        _bump(edit, field, e_tax)
    for field in ("total_price", "current_total_price"):
        _bump(edit, field, e_price + e_tax)

    extracted = (refund_at + timedelta(days=1)).astimezone(ZoneInfo("UTC"))
    _write(ws, "order_refunds", [refund], extracted)
    _write(ws, "orders", [order, edit], extracted)
    ws.spoon("load")
    ws.spoon("transform")  # incremental on top of the clean run

    zero = dict.fromkeys(("orders", *CORE_MONEY_COLUMNS), Decimal(0))
    expected = {day: dict(row) for day, row in before.items()}
    day = max(before) + timedelta(days=1)
    while day <= refund_day:  # the report now runs to the refund's day
        expected[day] = dict(zero)
        day += timedelta(days=1)
    r = expected[refund_day]
    r["returns"] += price
    r["net_sales"] -= price
    r["taxes"] -= tax
    r["total_sales"] -= price + tax
    return Late(
        ws,
        before,
        _daily(ws),
        expected,
        (order_id, line_id, price, tax, order_day, refund_day),
        (e_order_id, e_line_id, e_price, e_tax, e_day, edit_at.date()),
    )


def _add_sale(expected: Daily, day: date, price: Decimal, tax: Decimal) -> None:
    row = expected[day]
    row["gross_sales"] += price
    row["net_sales"] += price
    row["taxes"] += tax
    row["total_sales"] += price + tax


def _changed(after: Daily, expected: Daily) -> dict[date, tuple]:
    days = {d for d in set(after) | set(expected) if after.get(d) != expected.get(d)}
    return {d: (after.get(d), expected.get(d)) for d in sorted(days)[:5]}


def _totals_agree(ws: Any) -> None:
    sums = ", ".join(f"sum({m})" for m in CORE_MONEY_COLUMNS)
    totals = [
        ws.query(f"select {sums} from marts.{t}")[0]
        for t in ("rpt_daily_sales", "fct_sales", "fct_orders")
    ]
    assert totals[0] == totals[1] == totals[2]


def test_refund_90_days_later_lands_on_its_shop_local_date(late: Late) -> None:
    order_id, _line_id, price, tax, order_day, refund_day = late.refund
    expected = {day: dict(row) for day, row in late.expected.items()}
    # the edit, on its own date (test_order_edit_lands_on_the_edits_date), to isolate the refund
    _e_order, _e_line, e_price, e_tax, _e_day, edit_day = late.edit
    _add_sale(expected, edit_day, e_price, e_tax)
    assert not _changed(late.after, expected), _changed(late.after, expected)
    assert refund_day + timedelta(days=1) not in late.after  # nothing on its UTC date
    assert late.after[order_day] == late.before[order_day]

    (ret,) = late.ws.query(
        "select event_date, cast(event_at as date), returns, taxes from marts.fct_sales "
        "where refund_id = ? and event_type = 'return'",
        [REFUND_ID],
    )
    assert ret == (refund_day, refund_day + timedelta(days=1), price, -tax)
    assert late.ws.query(
        "select order_date, returns, gross_sales from marts.fct_orders where order_id = ?",
        [order_id],
    ) == [(order_day, price, price)]
    _totals_agree(late.ws)


def test_order_edit_lands_on_the_edits_date(late: Late) -> None:
    _e_order, _e_line, e_price, e_tax, e_day, edit_day = late.edit
    assert late.after[e_day] == late.before[e_day], "the reported day was restated"
    expected = {day: dict(row) for day, row in late.expected.items()}
    _add_sale(expected, edit_day, e_price, e_tax)
    assert not _changed(late.after, expected), _changed(late.after, expected)
    assert late.ws.query(
        "select event_date, gross_sales from marts.fct_sales where order_line_id = ?",
        [NEW_LINE_ID],
    ) == [(edit_day, e_price)]
    _totals_agree(late.ws)
