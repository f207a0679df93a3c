"""The tax-inclusive EU demo shop holds every case of its rules, scripted and at natural rates.

Asserted from the lake records (latest version of each), as the pipeline sees them. The
shop: Europe/Berlin, EUR, prices with VAT inside (19 % / 7 % in Germany, the customer's own
country's rate elsewhere in the EU), export orders (CH, GB, US, NO) without VAT and often
with duties, tips on some orders.
"""

from __future__ import annotations

import json
from collections import Counter
from datetime import UTC, date, time, timedelta
from decimal import Decimal
from typing import Any

import pytest
from support.demo_lake import EU_PARAMS, DemoLake, ShopRecords, parse_ts, scripted_cases

from spoon.extract.demo import catalog_eu
from spoon.extract.demo.history import SCRIPTED_EU

ZERO = Decimal("0.00")
CENT = Decimal("0.01")
EXPORT = {"CH", "GB", "US", "NO"}


def money(money_set: dict[str, Any]) -> Decimal:
    return Decimal(str(money_set["shop_money"]["amount"]))


def cents(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding="ROUND_HALF_UP")


def rate(tax_line: dict[str, Any]) -> Decimal:
    return Decimal(repr(tax_line["rate"]))


def country(o: dict[str, Any]) -> str:
    return (o["shipping_address"] or o["billing_address"])["country_code"]


@pytest.fixture(scope="module")
def shop(eu_shop: DemoLake) -> ShopRecords:
    return ShopRecords.of(eu_shop)


def test_every_scripted_case_has_an_order_in_a_small_shop() -> None:
    cases = scripted_cases(EU_PARAMS)
    assert cases == sorted(name for name, _ in SCRIPTED_EU)
    assert {"issue_example", "export_duties", "duty_refund", "tip"} <= set(cases)


def test_the_shop_is_berlin_in_euro_with_taxes_included(shop: ShopRecords) -> None:
    s = shop.shop
    assert (s["iana_timezone"], s["currency"], s["country_code"]) == ("Europe/Berlin", "EUR", "DE")
    assert s["taxes_included"] is True
    assert all(o["currency"] == "EUR" and o["shop_url"] == s["shop_url"] for o in shop.orders)


def test_each_order_carries_its_own_taxes_included(shop: ShopRecords) -> None:
    """Domestic and EU orders include VAT; export orders are `false` and carry no VAT."""
    by_flag: Counter[tuple[bool, bool]] = Counter()
    for o in shop.orders:
        export = country(o) in EXPORT
        by_flag[(export, o["taxes_included"])] += 1
        assert o["taxes_included"] is not export, (o["id"], country(o))
        if export:
            assert not o["tax_lines"] and money(o["total_tax_set"]) == 0
    assert by_flag[(False, True)] >= 300 and by_flag[(True, False)] >= 20, by_flag


def test_vat_inside_lines_with_and_without_discounts(shop: ShopRecords) -> None:
    """tax = cents((price x qty - discounts) x r / (1 + r)), at the customer's country's rate
    for the product's VAT class."""
    rates: Counter[tuple[str, Decimal]] = Counter()
    discounted = plain = 0
    for o in shop.orders:
        if not o["taxes_included"]:
            continue
        market = catalog_eu.MARKET[country(o)]
        for li in o["line_items"]:
            if li["gift_card"] or li["product_id"] is None:
                continue
            price = money(li["price_set"]) * li["quantity"]
            discount = sum((money(a["amount_set"]) for a in li["discount_allocations"]), ZERO)
            (t,) = li["tax_lines"]
            r = rate(t)
            assert r in (market.standard, market.reduced)
            assert money(t["price_set"]) == cents((price - discount) * r / (1 + r)), li["id"]
            # the variant's price is the German shelf price, VAT included, for every EU buyer
            assert money(li["price_set"]) == Decimal(str(shop.variants[li["variant_id"]]["price"]))
            assert Decimal(str(li["pre_tax_price"])) == price - discount - money(t["price_set"])
            rates[(market.code, r)] += 1
            discounted += discount > 0
            plain += discount == 0
    assert discounted >= 3 and plain >= 100
    assert {("DE", Decimal("0.19")), ("DE", Decimal("0.07")), ("FR", Decimal("0.055"))} <= set(
        rates
    ), rates
    assert len({code for code, _ in rates}) >= 4, "EU customers pay their own country's VAT"


def test_shipping_charges_include_vat(shop: ShopRecords) -> None:
    charged = 0
    for o in shop.orders:
        for s in o["shipping_lines"]:
            net = money(s["price_set"]) - sum(
                (money(a["amount_set"]) for a in s["discount_allocations"]), ZERO
            )
            if not o["taxes_included"] or net == 0:
                assert not s["tax_lines"]
                continue
            (t,) = s["tax_lines"]
            assert money(t["price_set"]) == cents(net * rate(t) / (1 + rate(t)))
            charged += 1
    assert charged >= 50
    prices = {money(s["price_set"]) for o in shop.orders for s in o["shipping_lines"]}
    assert {Decimal("5.95"), Decimal("11.90"), Decimal("0.00")} <= prices


def test_export_orders_are_priced_without_german_vat(shop: ShopRecords) -> None:
    exports = [o for o in shop.orders if country(o) in EXPORT]
    assert {country(o) for o in exports} == EXPORT
    for o in exports:
        for li in o["line_items"]:
            if li["gift_card"] or li["product_id"] is None:
                continue
            shelf = Decimal(str(shop.variants[li["variant_id"]]["price"]))
            assert money(li["price_set"]) in (
                cents(shelf / Decimal("1.19")),
                cents(shelf / Decimal("1.07")),
            )
            assert not li["tax_lines"]
    # most export shoppers pay in their own currency
    assert {o["presentment_currency"] for o in exports} >= {"CHF", "GBP", "USD", "NOK"}


def test_duties_on_export_orders_and_their_refunds(shop: ShopRecords) -> None:
    with_duties = []
    for o in shop.orders:
        duties = [d for li in o["line_items"] for d in li["duties"]]
        if not duties:
            assert o["original_total_duties_set"] is None and o["current_total_duties_set"] is None
            continue
        assert country(o) in EXPORT and not o["taxes_included"]
        with_duties.append(o)
        for d in duties:
            assert isinstance(d["id"], str) and d["harmonized_system_code"]
            assert isinstance(d["shop_money"]["amount"], str)  # the REST API's duty amounts
            assert d["shop_money"]["currency_code"] == "EUR" and d["tax_lines"] == []
        original = json.loads(o["original_total_duties_set"])  # JSON text, as the schema says
        assert Decimal(original["shop_money"]["amount"]) == sum(
            (Decimal(d["shop_money"]["amount"]) for d in duties), ZERO
        )
        assert o["duties_included"] is False
    assert len(with_duties) >= 5, "duties are collected on export orders (scripted + natural)"
    refunded = [r for r in shop.refunds if money(r["total_duties_set"]) > 0]
    assert refunded, "a refund pays duties back"
    for r in refunded:
        order = shop.by_id[r["order_id"]]
        listed = json.loads(r["duties"])  # JSON text in order_refunds
        assert sum((money(d["amount_set"]) for d in listed), ZERO) == money(r["total_duties_set"])
        current = json.loads(order["current_total_duties_set"])
        assert Decimal(current["shop_money"]["amount"]) == 0 or order["cancelled_at"] is None
    assert all(r["duties"] == "[]" for r in shop.refunds if money(r["total_duties_set"]) == 0)


def test_tips_are_line_items_outside_the_subtotal(shop: ShopRecords) -> None:
    tipped = [o for o in shop.orders if o["total_tip_received"]]
    assert len(tipped) >= 3, "tips (scripted + natural)"
    for o in tipped:
        (tip,) = [li for li in o["line_items"] if li["product_id"] is None]
        assert (tip["title"], tip["name"], tip["variant_id"], tip["sku"]) == (
            "Tip",
            "Tip",
            None,
            None,
        )
        assert tip["quantity"] == 1 and not tip["taxable"] and not tip["requires_shipping"]
        assert not tip["tax_lines"] and not tip["discount_allocations"] and not tip["gift_card"]
        assert tip["tip_payment_gateway"] == o["payment_gateway_names"][0]
        assert money(tip["price_set"]) == Decimal(str(o["total_tip_received"]))
        assert money(o["subtotal_price_set"]) == sum(
            (
                money(li["price_set"]) * li["quantity"]
                - sum((money(a["amount_set"]) for a in li["discount_allocations"]), ZERO)
                for li in o["line_items"]
                if li["product_id"] is not None
            ),
            ZERO,
        )
        assert [s["line_type"] for s in shop.ledger[o["id"]]["agreements"][0]["sales"]].count(
            "TIP"
        ) == 1
    # only tips carry it (Parquet gives every line item of the file the column, null)
    assert all(
        li.get("tip_payment_gateway") is None
        for o in shop.orders
        for li in o["line_items"]
        if li["product_id"]
    )


def test_a_cancelled_tip_is_reversed_on_the_cancel_day(shop: ShopRecords) -> None:
    """A tipped order never paid and cancelled: the cancellation returns the tip too (a
    RETURN TIP sale at `cancelled_at`), the order's current total is 0, and its
    `total_tip_received` still says what the tip lines say (it is not a `current_*` total)."""
    cancelled = [o for o in shop.orders if o["cancelled_at"] and o["total_tip_received"]]
    assert cancelled, "a tipped order is cancelled"
    for o in cancelled:
        (tip,) = [li for li in o["line_items"] if li["product_id"] is None]
        assert Decimal(str(o["total_tip_received"])) == money(tip["price_set"]) > 0
        assert money(o["current_total_price_set"]) == 0
        (edit,) = [a for a in shop.ledger[o["id"]]["agreements"] if a["reason"] == "ORDER_EDIT"]
        assert parse_ts(edit["happened_at"]) == parse_ts(o["cancelled_at"])
        tips = [s for s in edit["sales"] if s["line_type"] == "TIP"]
        assert [(s["action_type"], money(s["total_amount"])) for s in tips] == [
            ("RETURN", -money(tip["price_set"]))
        ]


def test_refunds_of_vat_inclusive_lines_and_shipping(shop: ShopRecords) -> None:
    """A refunded subtotal includes its VAT (total_tax says how much); a shipping refund's
    amount is the shipping without VAT, its tax_amount the VAT (both negative)."""
    lines = shipping = partial = 0
    for r in shop.refunds:
        order = shop.by_id[r["order_id"]]
        if not order["taxes_included"]:
            continue
        items = {li["id"]: li for li in order["line_items"]}
        for rli in r["refund_line_items"]:
            li = items[rli["line_item_id"]]
            (t,) = li["tax_lines"]
            sub, tax = money(rli["subtotal_set"]), money(rli["total_tax_set"])
            assert abs(tax - cents(sub * rate(t) / (1 + rate(t)))) <= CENT
            lines += 1
            partial += rli["quantity"] < li["quantity"]
        for a in r["order_adjustments"]:
            if a["kind"] != "shipping_refund":
                continue
            charged = [s for s in order["shipping_lines"] if s["tax_lines"]]
            (s,) = charged
            amount, tax = money(a["amount_set"]), money(a["tax_amount_set"])
            assert amount < 0 and tax < 0
            assert -(amount + tax) == money(s["price_set"]) - sum(
                (money(x["amount_set"]) for x in s["discount_allocations"]), ZERO
            )
            assert -tax == money(s["tax_lines"][0]["price_set"])
            shipping += 1
    assert lines >= 5 and shipping >= 1 and partial >= 1


def test_cancellation_of_a_tax_inclusive_order(shop: ShopRecords) -> None:
    cancelled = [o for o in shop.orders if o["cancelled_at"] and o["taxes_included"]]
    refunded_ids = {r["order_id"] for r in shop.refunds}
    assert any(o["id"] in refunded_ids for o in cancelled), "cancelled with a refund"
    unrefunded = [o for o in cancelled if o["id"] not in refunded_ids]
    assert unrefunded, "cancelled without a refund"
    for o in unrefunded:
        (edit,) = [a for a in shop.ledger[o["id"]]["agreements"] if a["reason"] == "ORDER_EDIT"]
        assert parse_ts(edit["happened_at"]) == parse_ts(o["cancelled_at"])
        returned = sum(
            (Decimal(repr(s["total_amount"]["shop_money"]["amount"])) for s in edit["sales"]), ZERO
        )
        assert returned == -(money(o["total_price_set"]) - money(o["current_total_price_set"]))
    exported = [o for o in shop.orders if o["cancelled_at"] and o["original_total_duties_set"]]
    assert exported, "a cancelled export order pays its duties back"


def test_local_midnight_and_both_dst_changes_in_berlin(shop: ShopRecords) -> None:
    offsets = Counter(shop.local(o["processed_at"]).utcoffset() for o in shop.orders)
    assert set(offsets) == {timedelta(hours=1), timedelta(hours=2)}, offsets
    walls = Counter(
        (local.date(), local.time(), local.utcoffset())
        for o in shop.orders
        if (local := shop.local(o["processed_at"]))
    )
    fall, spring = date(2025, 10, 26), date(2026, 3, 29)
    # the hour that happens twice: 02:30 CEST and 02:30 CET
    assert walls[(fall, time(2, 30), timedelta(hours=2))]
    assert walls[(fall, time(2, 30), timedelta(hours=1))]
    # around the skipped hour: 01:30 CET and 03:30 CEST
    assert walls[(spring, time(1, 30), timedelta(hours=1))]
    assert walls[(spring, time(3, 30), timedelta(hours=2))]
    # 00:30 local is still the previous day in UTC: local and UTC dates differ
    midnight = [o for o in shop.orders if shop.local(o["processed_at"]).time() == time(0, 30)]
    assert len(midnight) >= 3
    for o in midnight:
        local = shop.local(o["processed_at"])
        assert local.astimezone(UTC).date() == local.date() - timedelta(days=1)
    # and a refund at local 00:20: its day is not its UTC day
    late = [r for r in shop.refunds if shop.local(r["processed_at"]).time() < time(1)]
    assert late and all(
        shop.local(r["processed_at"]).date() != parse_ts(r["processed_at"]).astimezone(UTC).date()
        for r in late
    )


def test_the_usual_cases_occur_in_the_eu_shop_too(shop: ShopRecords) -> None:
    statuses = Counter(o["financial_status"] for o in shop.orders)
    assert statuses["partially_refunded"] and statuses["refunded"] and statuses["pending"]
    assert any(o["test"] for o in shop.orders) and any(o["deleted_at"] for o in shop.orders)
    assert any(li["gift_card"] for o in shop.orders for li in o["line_items"])
    kinds = {a["kind"] for r in shop.refunds for a in r["order_adjustments"]}
    assert kinds == {"shipping_refund", "refund_discrepancy"}
