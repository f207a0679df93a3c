"""The ground truth beside the lake equals the metrics recomputed from the lake, two ways.

`spoon.extract.demo.truth` derives the truth from the generator's ledger objects. Here the same
metrics are recomputed from the Parquet rows alone (latest version of each record, amounts
from the `shop_money` side as Decimal), twice and independently:

- from the REST records (orders, order_refunds) by the rules of docs/metrics.md, the
  tax-inclusive split rule included: the decomposition the dbt models make;
- from the `order_agreements` ledger records by the spec's "metrics from the ledger".

All three must agree to the cent, for the US shop (tax on top) and the EU shop (taxes
included, export orders, duties, tips). A generator bug that makes the REST records and the
ledger disagree, or the records disagree with the generator's objects, fails here.
"""

from __future__ import annotations

import csv
import json
from collections import defaultdict
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from support.demo_lake import parse_ts

ZERO = Decimal("0.00")
#: The truth file's money columns, in its column order (duties and tips were appended).
MONEY = (
    "gross_sales",
    "discounts",
    "returns",
    "net_sales",
    "shipping",
    "taxes",
    "total_sales",
    "duties",
    "tips",
)
CENT = Decimal("0.01")
SHOPS = ["full_shop", "two_syncs", "eu_shop", "eu_two_syncs"]


def money(value: str | float | int) -> Decimal:
    """A lake amount (a number or a string, as the schema says) as an exact cent amount."""
    amount = Decimal(value) if isinstance(value, str) else Decimal(repr(value))
    assert amount == amount.quantize(CENT), f"{value!r} is not a cent amount"
    return amount


def shop_money(money_set: dict[str, Any]) -> Decimal:
    return money(money_set["shop_money"]["amount"])


def cents(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding="ROUND_HALF_UP")


def is_tip(li: dict[str, Any]) -> bool:
    """A tip line item: no product, no variant, not a gift card, named "Tip"."""
    return li["product_id"] is None and li["variant_id"] is None and li["name"] == "Tip"


def _days() -> dict[date, dict[str, Any]]:
    return defaultdict(lambda: {"orders": 0, **dict.fromkeys(MONEY, ZERO)})


def _finish(days: dict[date, dict[str, Any]]) -> dict[date, dict[str, Any]]:
    for d in days.values():
        d["net_sales"] = d["gross_sales"] - d["discounts"] - d["returns"]
        d["total_sales"] = d["net_sales"] + d["shipping"] + d["duties"] + d["taxes"]
    return dict(days)


def _shop(
    lake: Any, parse_ts: Any, only: set[int] | None = None
) -> tuple[dict[int, dict[str, Any]], Any]:
    """The sales orders (not test, not deleted; of `only`, if given) and a shop-local date
    function."""
    shops = list(lake.latest("shop").values())
    assert len(shops) == 1
    tz = ZoneInfo(shops[0]["iana_timezone"])

    def day(ts: str) -> date:
        return parse_ts(ts).astimezone(tz).date()

    orders = {
        o["id"]: o
        for o in lake.latest("orders").values()
        if not o["test"] and o["deleted_at"] is None and (only is None or o["id"] in only)
    }
    return orders, day


def split(price: Decimal, discount: Decimal, tax: Decimal, rate: Decimal) -> Decimal:
    """Gross without its tax, per docs/metrics.md's split rule for taxes-included lines."""
    if rate:
        return price - cents(price * rate / (1 + rate))
    if tax and price > discount:
        return price - cents(tax * price / (price - discount))
    return price


def recompute_rest(
    lake: Any, parse_ts: Any, only: set[int] | None = None
) -> dict[date, dict[str, Decimal]]:
    """rpt_daily_sales from the REST records, per docs/metrics.md."""
    orders, day = _shop(lake, parse_ts, only)
    days = _days()
    refunds: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for r in lake.latest("order_refunds").values():
        refunds[r["order_id"]].append(r)

    for order in orders.values():
        included = order["taxes_included"]
        assert isinstance(included, bool), order["id"]
        lines = {li["id"]: li for li in order["line_items"]}
        merch = [li for li in order["line_items"] if not li["gift_card"] and not is_tip(li)]

        # the sale, on the order's date
        sale = days[day(order["processed_at"])]
        sale["orders"] += 1
        line_net: dict[int, Decimal] = {}
        line_tax: dict[int, Decimal] = {}
        duties = ZERO
        for li in merch:
            price = shop_money(li["price_set"]) * li["quantity"]
            discount = sum((shop_money(a["amount_set"]) for a in li["discount_allocations"]), ZERO)
            tax = sum((shop_money(t["price_set"]) for t in li["tax_lines"]), ZERO)
            if included:
                rate = sum((Decimal(repr(t["rate"])) for t in li["tax_lines"]), ZERO)
                gross = split(price, discount, tax, rate)
                sale["gross_sales"] += gross
                sale["discounts"] += gross - (price - discount - tax)
            else:
                sale["gross_sales"] += price
                sale["discounts"] += discount
            sale["taxes"] += tax
            line_net[li["id"]], line_tax[li["id"]] = price - discount, tax
            duties += sum((money(d["shop_money"]["amount"]) for d in li["duties"]), ZERO)
        sale["duties"] += duties
        sale["tips"] += money(order["total_tip_received"])
        ship_net = ship_tax = ZERO
        for s in order["shipping_lines"]:
            discount = sum((shop_money(a["amount_set"]) for a in s["discount_allocations"]), ZERO)
            tax = sum((shop_money(t["price_set"]) for t in s["tax_lines"]), ZERO)
            ship_net += shop_money(s["price_set"]) - discount - (tax if included else ZERO)
            ship_tax += tax
        sale["shipping"] += ship_net
        sale["taxes"] += ship_tax

        # refunds, each on its own date
        refunded_sub: dict[int, Decimal] = defaultdict(lambda: ZERO)
        refunded_tax: dict[int, Decimal] = defaultdict(lambda: ZERO)
        ship_refunded = ship_tax_refunded = duties_refunded = ZERO
        for r in refunds.pop(order["id"], []):
            on = days[day(r["processed_at"] or r["created_at"])]
            for rli in r["refund_line_items"]:
                if lines[rli["line_item_id"]]["gift_card"]:
                    continue
                sub, tax = shop_money(rli["subtotal_set"]), shop_money(rli["total_tax_set"])
                on["returns"] += sub - tax if included else sub
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
            refunded_duties = shop_money(r["total_duties_set"])
            assert refunded_duties == sum(
                (shop_money(d["amount_set"]) for d in json.loads(r["duties"])), ZERO
            ), r["id"]
            on["duties"] -= refunded_duties
            duties_refunded += refunded_duties

        # a cancellation reverses whatever the refunds have not
        if order["cancelled_at"]:
            on = days[day(order["cancelled_at"])]
            for li in merch:
                tax_left = line_tax[li["id"]] - refunded_tax[li["id"]]
                sub_left = line_net[li["id"]] - refunded_sub[li["id"]]
                on["returns"] += sub_left - tax_left if included else sub_left
                on["taxes"] -= tax_left
            if order["shipping_lines"]:
                on["shipping"] -= ship_net + ship_refunded
                on["taxes"] -= ship_tax + ship_tax_refunded
            on["duties"] -= duties - duties_refunded
            on["tips"] -= money(order["total_tip_received"])  # no refund ever pays a tip back

    # refunds left over belong to test or deleted orders only
    excluded = {o["id"] for o in lake.latest("orders").values()} - set(orders)
    assert only is not None or set(refunds) <= excluded
    return _finish(days)


def recompute_ledger(
    lake: Any, parse_ts: Any, only: set[int] | None = None
) -> dict[date, dict[str, Decimal]]:
    """rpt_daily_sales from the order_agreements records (Shopify's ledger)."""
    orders, day = _shop(lake, parse_ts, only)
    ledger = lake.latest("order_agreements")
    days = _days()
    for order_id, order in orders.items():
        days[day(order["processed_at"])]["orders"] += 1
        for agreement in ledger[order_id]["agreements"]:
            on = days[day(agreement["happened_at"])]
            for s in agreement["sales"]:
                total, tax = shop_money(s["total_amount"]), shop_money(s["total_tax_amount"])
                before = shop_money(s["total_discount_amount_before_taxes"])
                kind = s["line_type"]
                if kind == "PRODUCT" and s["action_type"] == "RETURN":
                    on["returns"] -= total - tax
                elif kind == "PRODUCT":
                    on["gross_sales"] += total - tax + before
                    on["discounts"] += before
                elif kind == "SHIPPING":
                    on["shipping"] += total - tax
                elif kind == "DUTY":
                    on["duties"] += total - tax
                elif kind == "ADJUSTMENT":
                    on["returns"] -= total - tax
                elif kind == "TIP":
                    on["tips"] += total
                    assert tax == 0
                else:
                    assert kind == "GIFT_CARD" and tax == 0, kind
                    continue
                on["taxes"] += tax
    return _finish(days)


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


def _differences(
    want: dict[date, dict[str, Any]], got: dict[date, dict[str, Any]], what: str
) -> list[str]:
    zero = {"orders": 0, **dict.fromkeys(MONEY, ZERO)}
    return [
        f"{d} {col}: truth {want.get(d, zero)[col]} != {what} {got.get(d, zero)[col]}"
        for d in sorted(set(want) | set(got))
        for col in ("orders", *MONEY)
        if want.get(d, zero)[col] != got.get(d, zero)[col]
    ]


@pytest.mark.parametrize("which", SHOPS)
def test_truth_equals_metrics_recomputed_from_rest_records_and_from_the_ledger(
    which: str, request: pytest.FixtureRequest
) -> None:
    lake = request.getfixturevalue(which)
    truth = read_truth(lake.truth_file)
    assert len(truth) >= 100, "one row per day with sales events"
    for what, got in (
        ("REST records", recompute_rest(lake, parse_ts)),
        ("ledger", recompute_ledger(lake, parse_ts)),
    ):
        wrong = _differences(truth, got, what)
        assert not wrong, f"{len(wrong)} differences, e.g.:\n" + "\n".join(wrong[:10])
    # the comparison is not vacuous: every metric moves, refunds and cancellations included
    totals = {col: sum((d[col] for d in truth.values()), ZERO) for col in MONEY}
    moving = MONEY if lake.shop.key == "eu" else MONEY[:-2]  # the US shop has no duties/tips
    assert all(totals[col] > 0 for col in moving), totals
    assert any(d["shipping"] < 0 or d["taxes"] < 0 for d in truth.values()), (
        "no day where refunds outweigh sales"
    )
    if lake.shop.key == "us":
        assert totals["duties"] == totals["tips"] == 0
    else:
        assert any(d["duties"] < 0 for d in truth.values()), "no day with refunded duties"


def test_tax_inclusive_metrics_are_not_the_tax_on_top_metrics(eu_shop: Any) -> None:
    """The EU truth differs from what the US rule would make of the same records: the
    test above would catch a taxes-included rule applied as tax on top."""
    orders = list(eu_shop.latest("orders").values())
    assert any(o["taxes_included"] for o in orders)
    naive = sum(
        (
            shop_money(li["price_set"]) * li["quantity"]
            for o in orders
            if not o["test"] and o["deleted_at"] is None
            for li in o["line_items"]
            if not li["gift_card"] and not is_tip(li)
        ),
        ZERO,
    )
    truth = read_truth(eu_shop.truth_file)
    gross = sum((d["gross_sales"] for d in truth.values()), ZERO)
    assert gross < naive - 1000  # VAT is out of the included orders' gross


def test_the_issues_order_107_at_7_percent_with_11_90_shipping_at_19_percent(eu_shop: Any) -> None:
    """Issue 16's own order: one 107.00 line (7 % VAT inside: 7.00), 11.90 shipping (1.90
    VAT inside): gross 100.00, shipping 10.00, taxes 8.90, total 118.90, both ways."""
    (order,) = [
        o
        for o in eu_shop.latest("orders").values()
        if [li["name"] for li in o["line_items"]] == ["Woodcraft Library - Complete set"]
        and [s["title"] for s in o["shipping_lines"]] == ["DHL Express"]
        and not o["refunds"]
        and not o["discount_applications"]
    ][:1]
    (line,) = order["line_items"]
    assert order["taxes_included"] is True
    assert (shop_money(line["price_set"]), line["quantity"]) == (Decimal("107.00"), 1)
    assert [(t["rate"], t["price"]) for t in line["tax_lines"]] == [(0.07, 7.0)]
    (ship,) = order["shipping_lines"]
    assert shop_money(ship["price_set"]) == Decimal("11.90")
    assert [(t["rate"], t["price"]) for t in ship["tax_lines"]] == [(0.19, 1.9)]
    assert shop_money(order["total_price_set"]) == Decimal("118.90")
    assert shop_money(order["total_tax_set"]) == Decimal("8.90")
    want = {
        "orders": 1,
        "gross_sales": Decimal("100.00"),
        "discounts": ZERO,
        "returns": ZERO,
        "net_sales": Decimal("100.00"),
        "shipping": Decimal("10.00"),
        "taxes": Decimal("8.90"),
        "total_sales": Decimal("118.90"),
        "duties": ZERO,
        "tips": ZERO,
    }
    for recompute in (recompute_rest, recompute_ledger):
        days = recompute(eu_shop, parse_ts, {order["id"]})
        assert list(days.values()) == [want], recompute.__name__


@pytest.mark.parametrize("which", ["two_syncs", "eu_two_syncs"])
def test_truth_covers_only_what_the_lake_holds(which: str, request: pytest.FixtureRequest) -> None:
    """Events after the last synced day are not in the truth yet."""
    lake = request.getfixturevalue(which)
    truth = read_truth(lake.truth_file)
    assert max(truth) <= lake.last_day
    assert min(truth) == lake.params["start"]


@pytest.mark.parametrize("which", ["full_shop", "eu_shop"])
def test_order_records_add_up(which: str, request: pytest.FixtureRequest) -> None:
    """Shopify's own identities between an order's totals and its lines hold in every
    record (tips are lines but not in the subtotal; duties and tips in the total price)."""
    lake = request.getfixturevalue(which)
    for o in lake.records("orders"):
        included = o["taxes_included"]
        lines = [li for li in o["line_items"] if not is_tip(li)]
        tips = sum((shop_money(li["price_set"]) for li in o["line_items"] if is_tip(li)), ZERO)
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
        duties = sum((money(d["shop_money"]["amount"]) for li in lines for d in li["duties"]), ZERO)
        assert shop_money(o["total_line_items_price_set"]) == items, o["id"]
        assert shop_money(o["subtotal_price_set"]) == items - line_disc, o["id"]
        assert shop_money(o["total_discounts_set"]) == line_disc + ship_disc, o["id"]
        assert shop_money(o["total_shipping_price_set"]) == ship, o["id"]
        assert shop_money(o["total_tax_set"]) == tax, o["id"]
        assert shop_money(o["total_tax_set"]) == sum(
            (shop_money(t["price_set"]) for t in o["tax_lines"]), ZERO
        )
        assert money(o["total_tip_received"]) == tips, o["id"]
        if o["original_total_duties_set"] is None:
            assert duties == 0, o["id"]
        else:
            assert shop_money(json.loads(o["original_total_duties_set"])) == duties, o["id"]
        total = items - line_disc + ship - ship_disc + (ZERO if included else tax) + duties + tips
        assert shop_money(o["total_price_set"]) == total, o["id"]


@pytest.mark.parametrize("which", ["full_shop", "eu_shop"])
def test_refund_transactions_pay_back_what_the_refund_says(
    which: str, request: pytest.FixtureRequest
) -> None:
    """Refunded subtotal (plus its tax where tax is on top), less the adjustments, plus the
    refunded duties: that is the refund transaction."""
    lake = request.getfixturevalue(which)
    sales = {}
    refunds = {}
    for t in lake.records("transactions"):
        assert t["status"] == "success"
        (sales if t["kind"] == "sale" else refunds)[t["id"]] = t
    orders = {o["id"]: o for o in lake.records("orders")}
    for t in sales.values():
        assert shop_money(t["amount_set"]) == shop_money(orders[t["order_id"]]["total_price_set"])
    paid_back: dict[int, Decimal] = defaultdict(lambda: ZERO)
    for r in lake.records("order_refunds"):
        included = orders[r["order_id"]]["taxes_included"]
        items = sum(
            (
                shop_money(x["subtotal_set"])
                + (ZERO if included else shop_money(x["total_tax_set"]))
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
        duties = shop_money(r["total_duties_set"])
        (tx,) = r["transactions"]
        assert tx["kind"] == "refund" and tx["id"] in refunds
        assert shop_money(refunds[tx["id"]]["amount_set"]) == items - adjusted + duties, r["id"]
        paid_back[r["order_id"]] += items - adjusted + duties
    for order_id, amount in paid_back.items():
        assert amount <= shop_money(orders[order_id]["total_price_set"]), order_id
