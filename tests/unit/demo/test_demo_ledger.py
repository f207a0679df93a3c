"""The `order_agreements` stream: Shopify's ledger as source-shopify 4.3.0 emits it, and in
agreement with the money that moved (transactions) and with the orders' `current_*` totals.

Read back from the lake (latest version of each record), for the US and the EU shop.
"""

from __future__ import annotations

import dataclasses
import json
from collections import Counter, defaultdict
from decimal import Decimal
from typing import Any

import pytest
from support.demo_lake import PARAMS, DemoLake, parse_ts

from spoon.extract.demo import records
from spoon.extract.demo.history import History
from spoon.extract.demo.model import DemoConfig

ZERO = Decimal("0.00")
SHOPS = ["full_shop", "eu_shop"]
MONEY_FIELDS = (
    "total_amount",
    "total_discount_amount_after_taxes",
    "total_discount_amount_before_taxes",
    "total_tax_amount",
)


def amount(money: dict[str, Any]) -> Decimal:
    value = money["shop_money"]["amount"]
    assert isinstance(value, float), f"{value!r}: the connector casts amounts to numbers"
    return Decimal(repr(value))


def total(sales: list[dict[str, Any]], field: str = "total_amount") -> Decimal:
    return sum((amount(s[field]) for s in sales), ZERO)


def sales_of(record: dict[str, Any], **where: str) -> list[dict[str, Any]]:
    return [
        s
        for a in record["agreements"]
        for s in a["sales"]
        if all(s[k] == v for k, v in where.items())
    ]


@dataclasses.dataclass
class LedgerShop:
    """A shop's latest orders, ledger and refunds by id, its transactions by order id."""

    lake: DemoLake
    orders: dict[int, dict[str, Any]]
    ledger: dict[int, dict[str, Any]]
    refunds: dict[int, dict[str, Any]]
    transactions: dict[int, list[dict[str, Any]]]
    currency: str


@pytest.fixture(params=SHOPS)
def shop(request: pytest.FixtureRequest) -> LedgerShop:
    lake = request.getfixturevalue(request.param)
    transactions: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for t in lake.latest("transactions").values():
        transactions[t["order_id"]].append(t)
    return LedgerShop(
        lake=lake,
        orders=lake.latest("orders"),
        ledger=lake.latest("order_agreements"),
        refunds=lake.latest("order_refunds"),
        transactions=transactions,
        currency=lake.records("shop")[0]["currency"],
    )


def test_one_ledger_record_per_order_not_deleted(shop: LedgerShop) -> None:
    live = {i for i, o in shop.orders.items() if o["deleted_at"] is None}
    assert set(shop.ledger) == live
    for order_id, rec in shop.ledger.items():
        order = shop.orders[order_id]
        # the same change instant as the order's latest version, in GraphQL's UTC `Z`
        assert rec["updated_at"].endswith("Z") and rec["created_at"].endswith("Z")
        assert parse_ts(rec["updated_at"]) == parse_ts(order["updated_at"])
        assert parse_ts(rec["created_at"]) == parse_ts(order["created_at"])
        assert rec["admin_graphql_api_id"] == f"gid://shopify/Order/{order_id}"
        assert rec["shop_url"] == order["shop_url"]


def test_records_have_the_connectors_shape(shop: LedgerShop) -> None:
    kinds: Counter[tuple[str, str]] = Counter()
    for rec in shop.ledger.values():
        assert isinstance(rec["id"], int)
        assert isinstance(rec["agreements"], list) and rec["agreements"], rec["id"]
        for a in rec["agreements"]:
            assert "__typename" not in a, "source-shopify pops __typename from every node"
            assert isinstance(a["id"], int)
            assert a["admin_graphql_api_id"] == f"gid://shopify/SalesAgreement/{a['id']}"
            assert a["happened_at"].endswith("+00:00"), "RFC 3339 in UTC, as the connector"
            assert a["reason"] in ("ORDER", "REFUND", "ORDER_EDIT")
            for s in a["sales"]:
                assert "__typename" not in s
                assert isinstance(s["id"], int)
                assert s["admin_graphql_api_id"] == f"gid://shopify/Sale/{s['id']}"
                for field in MONEY_FIELDS:
                    assert s[field]["shop_money"]["currency_code"] == shop.currency
                    amount(s[field])
                kinds[(s["action_type"], s["line_type"])] += 1
                if s["line_type"] == "PRODUCT":
                    assert s["line_item"]["id"] in {
                        li["id"] for li in shop.orders[rec["id"]]["line_items"]
                    }
                    assert s["line_item"]["admin_graphql_api_id"].startswith("gid://shopify/")
                else:
                    assert s.get("line_item") is None, "only ProductSale has a line item"
                if s["action_type"] == "RETURN":  # returns are negative
                    assert amount(s["total_amount"]) <= 0 or s["line_type"] == "ADJUSTMENT"
                    assert amount(s["total_tax_amount"]) <= 0
                    if s["line_type"] == "PRODUCT":
                        assert s["quantity"] < 0
                elif s["line_type"] in ("PRODUCT", "GIFT_CARD"):
                    assert s["quantity"] > 0
    want = {
        ("ORDER", "PRODUCT"),
        ("ORDER", "SHIPPING"),
        ("ORDER", "GIFT_CARD"),
        ("RETURN", "PRODUCT"),
        ("RETURN", "SHIPPING"),
        ("RETURN", "ADJUSTMENT"),
    }
    if shop.lake.shop.key == "eu":
        want |= {("ORDER", "DUTY"), ("RETURN", "DUTY"), ("ORDER", "TIP")}
    assert want <= set(kinds), kinds


def test_agreements_book_the_order_its_refunds_and_its_cancellation(shop: LedgerShop) -> None:
    refunds: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for r in shop.refunds.values():
        refunds[r["order_id"]].append(r)
    cancellations = 0
    for order_id, rec in shop.ledger.items():
        order = shop.orders[order_id]
        first, *rest = rec["agreements"]
        assert first["reason"] == "ORDER"
        assert parse_ts(first["happened_at"]) == parse_ts(order["processed_at"])
        ordered = {s["line_item"]["id"]: s for s in first["sales"] if s["line_type"] == "PRODUCT"}
        merch = {li["id"] for li in order["line_items"] if li["product_id"] and not li["gift_card"]}
        assert set(ordered) == merch, "one ORDER sale per line item"
        refund_times = sorted(parse_ts(r["processed_at"]) for r in refunds[order_id])
        booked = sorted(parse_ts(a["happened_at"]) for a in rest if a["reason"] == "REFUND")
        if order["cancelled_at"] and any(a["reason"] == "ORDER_EDIT" for a in rest):
            cancellations += 1
            (edit,) = [a for a in rest if a["reason"] == "ORDER_EDIT"]
            assert parse_ts(edit["happened_at"]) == parse_ts(order["cancelled_at"])
            assert all(s["action_type"] == "RETURN" for s in edit["sales"])
        assert booked == refund_times, order_id
        # every unit ordered is returned at most once
        for line_id, sale in ordered.items():
            returned = -sum(
                s["quantity"]
                for s in sales_of(rec, line_type="PRODUCT", action_type="RETURN")
                if s["line_item"]["id"] == line_id
            )
            assert 0 <= returned <= sale["quantity"]
    assert cancellations, "a cancellation without a refund reverses its sales"


def test_every_paid_order_ledger_equals_the_money_that_moved(shop: LedgerShop) -> None:
    """Σ of every sale's total_amount (all line types) == the sale transaction less the
    refund transactions, for every paid order; a cancellation without a refund reverses the
    sales (ORDER_EDIT) but moves no money, so it is left out of the sum."""
    checked = Counter()
    for order_id, rec in shop.ledger.items():
        txs = shop.transactions[order_id]
        sold = [t for t in txs if t["kind"] == "sale"]
        if not sold:
            continue  # unpaid
        paid = sum((Decimal(repr(t["amount_set"]["shop_money"]["amount"])) for t in sold), ZERO)
        back = sum(
            (
                Decimal(repr(t["amount_set"]["shop_money"]["amount"]))
                for t in txs
                if t["kind"] == "refund"
            ),
            ZERO,
        )
        moved = [s for a in rec["agreements"] if a["reason"] != "ORDER_EDIT" for s in a["sales"]]
        assert total(moved) == paid - back, order_id
        kinds = {s["line_type"] for s in moved}
        checked["orders"] += 1
        checked["refunded"] += back > 0
        checked.update(k for k in kinds if k in ("DUTY", "TIP", "ADJUSTMENT", "GIFT_CARD"))
    assert checked["orders"] >= 250 and checked["refunded"] >= 10, checked
    assert checked["ADJUSTMENT"] and checked["GIFT_CARD"], checked
    if shop.lake.shop.key == "eu":
        assert checked["DUTY"] and checked["TIP"], checked


def test_every_order_ledger_equals_its_current_totals(shop: LedgerShop) -> None:
    """The ledger as of the sync against the order's own `current_*` totals."""
    compared = 0
    for order_id, rec in shop.ledger.items():
        o = shop.orders[order_id]
        sales = [s for a in rec["agreements"] for s in a["sales"]]
        assert total(sales) == amount(o["current_total_price_set"]), order_id
        if o["cancelled_at"]:
            continue  # the reconciliation calls a cancelled order's totals not comparable
        compared += 1
        assert total(sales, "total_tax_amount") == amount(o["current_total_tax_set"]), order_id
        goods = [s for s in sales if s["line_type"] in ("PRODUCT", "GIFT_CARD")]
        subtotal = total(goods) - (
            ZERO if o["taxes_included"] else total(goods, "total_tax_amount")
        )
        assert subtotal == amount(o["current_subtotal_price_set"]), order_id
        duties = total([s for s in sales if s["line_type"] == "DUTY"])
        current = o["current_total_duties_set"]
        if current is not None:  # JSON text, amounts as strings (the REST API's duties sets)
            assert Decimal(json.loads(current)["shop_money"]["amount"]) == duties, order_id
        assert current is not None or duties == 0
        tips = total([s for s in sales if s["line_type"] == "TIP"])
        assert tips == Decimal(repr(o["total_tip_received"])), order_id
    assert compared >= 250


def test_tax_inclusive_sales_split_discounts_by_the_rule(eu_shop: Any) -> None:
    """A taxes-included ORDER sale: total = price x qty - discount (tax inside), discount
    after taxes = the discount, before taxes = gross without tax - net without tax."""
    orders = eu_shop.latest("orders")
    seen = 0
    for rec in eu_shop.latest("order_agreements").values():
        o = orders[rec["id"]]
        if not o["taxes_included"]:
            continue
        lines = {li["id"]: li for li in o["line_items"]}
        for s in sales_of(rec, line_type="PRODUCT", action_type="ORDER"):
            li = lines[s["line_item"]["id"]]
            price = Decimal(repr(li["price_set"]["shop_money"]["amount"])) * li["quantity"]
            discount = sum(
                (
                    Decimal(a["amount_set"]["shop_money"]["amount"])
                    for a in li["discount_allocations"]
                ),
                ZERO,
            )
            (tax_line,) = li["tax_lines"]
            rate = Decimal(repr(tax_line["rate"]))
            tax = (price - discount) * rate / (1 + rate)
            assert amount(s["total_tax_amount"]) == tax.quantize(Decimal("0.01"), "ROUND_HALF_UP")
            assert amount(s["total_amount"]) == price - discount
            assert amount(s["total_discount_amount_after_taxes"]) == discount
            gross = price - (price * rate / (1 + rate)).quantize(Decimal("0.01"), "ROUND_HALF_UP")
            net = price - discount - amount(s["total_tax_amount"])
            assert amount(s["total_discount_amount_before_taxes"]) == gross - net
            seen += discount > 0
    assert seen >= 3, "tax-inclusive lines with a discount"


def test_an_order_without_agreements_is_an_empty_object() -> None:
    """The connector's quirk (`agreements: {}`, not `[]`), kept in the one place that
    renders the record; no demo order has none, as no Shopify order has."""
    history = History(DemoConfig(**PARAMS))
    order = next(iter(history.orders()))
    cutoff = order.processed_at.replace(year=2030)
    assert [a["reason"] for a in records.agreements_record(order, cutoff)["agreements"]] == [
        "ORDER"
    ]
    empty = dataclasses.replace(order, agreements=[])
    assert records.agreements_record(empty, cutoff)["agreements"] == {}
