"""The ground truth beside the lake equals the metrics recomputed from the lake's records.

The recomputation below is written from docs/metrics.md alone, on the Parquet rows (the
latest version of each record, amounts from the `shop_money` side as Decimal), so it is
independent of `spoon.demo.truth`, which works on the generator's own objects. A generator
bug that makes the records disagree with its objects shows up here.
"""

from __future__ import annotations

import csv
from collections import defaultdict
from datetime import date
from decimal import Decimal
from pathlib import Path
from types import SimpleNamespace
from typing import Any
from zoneinfo import ZoneInfo

import pytest

ZERO = Decimal("0.00")
MONEY = (
    "gross_sales",
    "discounts",
    "returns",
    "net_sales",
    "shipping",
    "taxes",
    "total_sales",
)
CENT = Decimal("0.01")


def money(value: str | float | int) -> Decimal:
    """A lake amount (a number or a string, as the schema says) as an exact cent amount."""
    amount = Decimal(value) if isinstance(value, str) else Decimal(repr(value))
    assert amount == amount.quantize(CENT), f"{value!r} is not a cent amount"
    return amount


def shop_money(money_set: dict[str, Any]) -> Decimal:
    return money(money_set["shop_money"]["amount"])


def recompute(lake: Any, parse_ts: Any) -> dict[date, dict[str, Decimal]]:
    """rpt_daily_sales from the lake, per docs/metrics.md."""
    shops = list(lake.latest("shop").values())
    assert len(shops) == 1
    tz = ZoneInfo(shops[0]["iana_timezone"])

    def day(ts: str) -> date:
        return parse_ts(ts).astimezone(tz).date()

    days: dict[date, dict[str, Any]] = defaultdict(
        lambda: {"orders": 0, **dict.fromkeys(MONEY, ZERO)}
    )
    orders = {
        o["id"]: o
        for o in lake.latest("orders").values()
        if not o["test"] and o["deleted_at"] is None
    }
    refunds: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for r in lake.latest("order_refunds").values():
        refunds[r["order_id"]].append(r)

    for order in orders.values():
        lines = {li["id"]: li for li in order["line_items"]}
        merch = [li for li in order["line_items"] if not li["gift_card"]]

        # the sale, on the order's date
        sale = days[day(order["processed_at"])]
        sale["orders"] += 1
        line_net: dict[int, Decimal] = {}
        line_tax: dict[int, Decimal] = {}
        for li in merch:
            gross = shop_money(li["price_set"]) * li["quantity"]
            discount = sum((shop_money(a["amount_set"]) for a in li["discount_allocations"]), ZERO)
            tax = sum((shop_money(t["price_set"]) for t in li["tax_lines"]), ZERO)
            sale["gross_sales"] += gross
            sale["discounts"] += discount
            sale["taxes"] += tax
            line_net[li["id"]], line_tax[li["id"]] = gross - discount, tax
        ship_net = ship_tax = ZERO
        for s in order["shipping_lines"]:
            discount = sum((shop_money(a["amount_set"]) for a in s["discount_allocations"]), ZERO)
            ship_net += shop_money(s["price_set"]) - discount
            ship_tax += sum((shop_money(t["price_set"]) for t in s["tax_lines"]), ZERO)
        sale["shipping"] += ship_net
        sale["taxes"] += ship_tax

        # refunds, each on its own date
        refunded_sub: dict[int, Decimal] = defaultdict(lambda: ZERO)
        refunded_tax: dict[int, Decimal] = defaultdict(lambda: ZERO)
        ship_refunded = ship_tax_refunded = ZERO
        for r in refunds.pop(order["id"], []):
            on = days[day(r["processed_at"] or r["created_at"])]
            for rli in r["refund_line_items"]:
                if lines[rli["line_item_id"]]["gift_card"]:
                    continue
                sub, tax = shop_money(rli["subtotal_set"]), shop_money(rli["total_tax_set"])
                on["returns"] += sub
                on["taxes"] -= tax
                refunded_sub[rli["line_item_id"]] += sub
                refunded_tax[rli["line_item_id"]] += tax
            for adj in r["order_adjustments"]:
                amount, tax = shop_money(adj["amount_set"]), shop_money(adj["tax_amount_set"])
                if adj["kind"] == "shipping_refund":
                    on["shipping"] += amount
                    on["taxes"] += tax
                    ship_refunded += amount
                    ship_tax_refunded += tax
                elif adj["kind"] == "refund_discrepancy":
                    on["returns"] -= amount
                    on["taxes"] += tax
                else:  # pragma: no cover - a kind the metrics do not know
                    pytest.fail(f"unknown order adjustment kind {adj['kind']!r}")

        # a cancellation reverses whatever the refunds have not
        if order["cancelled_at"]:
            on = days[day(order["cancelled_at"])]
            for li in merch:
                on["returns"] += line_net[li["id"]] - refunded_sub[li["id"]]
                on["taxes"] -= line_tax[li["id"]] - refunded_tax[li["id"]]
            if order["shipping_lines"]:
                on["shipping"] -= ship_net + ship_refunded
                on["taxes"] -= ship_tax + ship_tax_refunded

    # refunds left over belong to test or deleted orders only
    excluded = {o["id"] for o in lake.latest("orders").values()} - set(orders)
    assert set(refunds) <= excluded

    for d in days.values():
        d["net_sales"] = d["gross_sales"] - d["discounts"] - d["returns"]
        d["total_sales"] = d["net_sales"] + d["shipping"] + d["taxes"]
    return dict(days)


def read_truth(path: Path) -> dict[date, dict[str, Decimal]]:
    with path.open(newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert rows and list(rows[0]) == ["date_day", "orders", *MONEY]
    out = {}
    for row in rows:
        values: dict[str, Any] = {k: money(v) for k, v in row.items() if k in MONEY}
        values["orders"] = int(row["orders"])
        out[date.fromisoformat(row["date_day"])] = values
    return out


@pytest.mark.parametrize("which", ["full_shop", "two_syncs"])
def test_truth_equals_metrics_recomputed_from_the_lake(
    which: str, request: pytest.FixtureRequest, demo: SimpleNamespace
) -> None:
    lake = request.getfixturevalue(which)
    truth = read_truth(lake.truth_file)
    got = recompute(lake, demo.parse_ts)
    assert len(truth) >= 100, "one row per day with sales events"
    zero = {"orders": 0, **dict.fromkeys(MONEY, ZERO)}
    wrong = [
        f"{d} {col}: truth {truth.get(d, zero)[col]} != lake {got.get(d, zero)[col]}"
        for d in sorted(set(truth) | set(got))
        for col in ("orders", *MONEY)
        if truth.get(d, zero)[col] != got.get(d, zero)[col]
    ]
    assert not wrong, f"{len(wrong)} differences, e.g.:\n" + "\n".join(wrong[:10])
    # the comparison is not vacuous: every metric moves, refunds and cancellations included
    totals = {col: sum((d[col] for d in truth.values()), ZERO) for col in MONEY}
    assert all(totals[col] > 0 for col in MONEY), totals
    assert any(d["shipping"] < 0 or d["taxes"] < 0 for d in truth.values()), (
        "no day where refunds outweigh sales"
    )


def test_truth_covers_only_what_the_lake_holds(two_syncs: Any, demo: SimpleNamespace) -> None:
    """Events after the last synced day are not in the truth yet."""
    truth = read_truth(two_syncs.truth_file)
    assert max(truth) <= demo.LAST_DAY
    assert min(truth) == demo.PARAMS["start"]


def test_order_records_add_up(full_shop: Any) -> None:
    """Shopify's own identities between an order's totals and its lines hold in every record."""
    for o in full_shop.records("orders"):
        lines = o["line_items"]
        items = sum((shop_money(li["price_set"]) * li["quantity"] for li in lines), ZERO)
        line_disc = sum(
            (shop_money(a["amount_set"]) for li in lines for a in li["discount_allocations"]), ZERO
        )
        ships = o["shipping_lines"]
        ship = sum((shop_money(s["price_set"]) for s in ships), ZERO)
        ship_disc = sum(
            (shop_money(a["amount_set"]) for s in ships for a in s["discount_allocations"]), ZERO
        )
        tax = sum(
            (shop_money(t["price_set"]) for x in [*lines, *ships] for t in x["tax_lines"]), ZERO
        )
        assert shop_money(o["total_line_items_price_set"]) == items, o["id"]
        assert shop_money(o["subtotal_price_set"]) == items - line_disc, o["id"]
        assert shop_money(o["total_discounts_set"]) == line_disc + ship_disc, o["id"]
        assert shop_money(o["total_shipping_price_set"]) == ship, o["id"]
        assert shop_money(o["total_tax_set"]) == tax, o["id"]
        assert shop_money(o["total_tax_set"]) == sum(
            (shop_money(t["price_set"]) for t in o["tax_lines"]), ZERO
        )
        total = items - line_disc + ship - ship_disc + tax
        assert shop_money(o["total_price_set"]) == total, o["id"]


def test_refund_transactions_pay_back_what_the_refund_says(full_shop: Any) -> None:
    sales = {}
    refunds = {}
    for t in full_shop.records("transactions"):
        assert t["status"] == "success"
        (sales if t["kind"] == "sale" else refunds)[t["id"]] = t
    orders = {o["id"]: o for o in full_shop.records("orders")}
    for t in sales.values():
        assert shop_money(t["amount_set"]) == shop_money(orders[t["order_id"]]["total_price_set"])
    paid_back: dict[int, Decimal] = defaultdict(lambda: ZERO)
    for r in full_shop.records("order_refunds"):
        items = sum(
            (
                shop_money(x["subtotal_set"]) + shop_money(x["total_tax_set"])
                for x in r["refund_line_items"]
            ),
            ZERO,
        )
        adjusted = sum(
            (
                shop_money(a["amount_set"]) + shop_money(a["tax_amount_set"])
                for a in r["order_adjustments"]
            ),
            ZERO,
        )
        (tx,) = r["transactions"]
        assert tx["kind"] == "refund" and tx["id"] in refunds
        assert shop_money(refunds[tx["id"]]["amount_set"]) == items - adjusted, r["id"]
        paid_back[r["order_id"]] += items - adjusted
    for order_id, amount in paid_back.items():
        assert amount <= shop_money(orders[order_id]["total_price_set"]), order_id
