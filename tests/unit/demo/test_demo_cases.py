"""A small demo shop already holds every hard case the pipeline must get right.

Asserted from the lake records (the latest version of each), i.e. from what the pipeline
sees; the generator forces the rare cases in every shop (`history.SCRIPTED`).
"""

from __future__ import annotations

from collections import Counter
from datetime import UTC, timedelta
from decimal import Decimal
from typing import Any

import pytest
from support.demo_lake import PARAMS, DemoLake, ShopRecords, parse_ts, scripted_cases

from spoon.extract.demo.history import SCRIPTED


def _amount(money_set: dict[str, Any], side: str = "shop_money") -> Decimal:
    return Decimal(str(money_set[side]["amount"]))


@pytest.fixture(scope="module")
def shop(full_shop: DemoLake) -> ShopRecords:
    return ShopRecords.of(full_shop)


def test_every_scripted_case_has_an_order_in_a_small_shop() -> None:
    assert scripted_cases(PARAMS) == sorted(name for name, _ in SCRIPTED)


def test_shop_time_zone_is_not_utc_and_times_carry_its_offset(shop: ShopRecords) -> None:
    assert shop.shop["iana_timezone"] not in ("UTC", "Etc/UTC", "GMT")
    offsets = set()
    for o in shop.orders:
        at = parse_ts(o["processed_at"])
        assert at.utcoffset() == at.astimezone(shop.tz).utcoffset(), o["processed_at"]
        offsets.add(at.utcoffset())
    assert len(offsets) == 2, "the window crosses a DST change"
    assert timedelta(0) not in offsets


def test_order_at_23_30_local_falls_on_the_next_utc_day(shop: ShopRecords) -> None:
    late = [
        o
        for o in shop.orders
        if (local := shop.local(o["processed_at"])).hour == 23 and local.minute == 30
    ]
    assert late
    for o in late:
        local = shop.local(o["processed_at"])
        assert local.astimezone(UTC).date() == local.date() + timedelta(days=1)
    # and one in the hour that happens twice when the clocks fall back
    repeated = [
        o
        for o in shop.orders
        if o["processed_at"].endswith("-08:00")
        and shop.local(o["processed_at"]).strftime("%m-%d %H") == "11-02 01"
    ]
    assert repeated


def test_repeat_customers(shop: ShopRecords) -> None:
    per_customer = Counter(o["customer"]["id"] for o in shop.orders if o["customer"])
    repeaters = [c for c, n in per_customer.items() if n >= 2]
    assert len(repeaters) >= 10
    assert any(n >= 3 for n in per_customer.values())
    # the customers stream agrees with the orders
    for c in shop.customers:
        assert c["orders_count"] == per_customer[c["id"]], c["id"]


def test_addresses_across_many_states_and_abroad(shop: ShopRecords) -> None:
    addresses = [o["billing_address"] for o in shop.orders if o["billing_address"]]
    states = {a["province_code"] for a in addresses if a["country_code"] == "US"}
    abroad = {a["country_code"] for a in addresses if a["country_code"] != "US"}
    assert len(states) >= 15, states
    assert len(abroad) >= 3, abroad
    assert all(a["country_code"] == "US" or not a["phone"] for a in addresses)


def test_line_and_order_level_discounts(shop: ShopRecords) -> None:
    line_level = order_level = shipping = 0
    for o in shop.orders:
        for app_index, app in enumerate(o["discount_applications"]):
            lines = [
                li
                for li in o["line_items"]
                if any(
                    a["discount_application_index"] == app_index for a in li["discount_allocations"]
                )
            ]
            if app["target_type"] == "shipping_line":
                assert any(
                    a["discount_application_index"] == app_index
                    for s in o["shipping_lines"]
                    for a in s["discount_allocations"]
                )
                shipping += 1
            elif app["target_selection"] == "entitled" and len(lines) == 1:
                line_level += 1
            elif app["target_selection"] == "all" and len(lines) >= 2:
                order_level += 1  # an order-level discount spread over several lines
        # a line's total_discount is the sum of its allocations
        for li in o["line_items"]:
            allocated = sum(
                (_amount(a["amount_set"]) for a in li["discount_allocations"]), Decimal(0)
            )
            assert Decimal(str(li["total_discount"])) == allocated
    assert line_level and order_level and shipping


def test_tax_lines_and_shipping_lines(shop: ShopRecords) -> None:
    taxed_lines = [li for o in shop.orders for li in o["line_items"] if li["tax_lines"]]
    assert taxed_lines
    assert all(_amount(t["price_set"]) > 0 for li in taxed_lines for t in li["tax_lines"])
    assert any(len(li["tax_lines"]) >= 2 for li in taxed_lines), "state plus city tax"
    assert any(s["tax_lines"] for o in shop.orders for s in o["shipping_lines"]), "taxed shipping"
    prices = [_amount(s["price_set"]) for o in shop.orders for s in o["shipping_lines"]]
    assert any(p > 0 for p in prices) and any(p == 0 for p in prices)


def test_refunds_partial_full_late_and_with_shipping(shop: ShopRecords) -> None:
    statuses = Counter(o["financial_status"] for o in shop.orders)
    assert statuses["partially_refunded"] and statuses["refunded"]
    delays = []
    with_shipping = shipping_only = 0
    for r in shop.refunds:
        order = shop.by_id[r["order_id"]]
        refunded = shop.local(r["created_at"]).date()
        delays.append((refunded - shop.local(order["processed_at"]).date()).days)
        kinds = {a["kind"] for a in r["order_adjustments"]}
        if "shipping_refund" in kinds:
            if r["refund_line_items"]:
                with_shipping += 1
            else:
                shipping_only += 1
    assert max(delays) >= 30 and sum(1 for d in delays if d >= 3) >= 5
    assert with_shipping and shipping_only


def test_issue_4_refund_cases(shop: ShopRecords) -> None:
    discrepancies = [
        a for r in shop.refunds for a in r["order_adjustments"] if a["kind"] == "refund_discrepancy"
    ]
    # more refunded than the items' value (negative) and a restocking fee (positive)
    assert any(_amount(a["amount_set"]) < 0 for a in discrepancies)
    assert any(_amount(a["amount_set"]) > 0 for a in discrepancies)
    shipping_only = [
        r
        for r in shop.refunds
        if not r["refund_line_items"]
        and [a["kind"] for a in r["order_adjustments"]] == ["shipping_refund"]
    ]
    assert shipping_only
    assert all(_amount(a["amount_set"]) < 0 for r in shipping_only for a in r["order_adjustments"])
    with_tax = [
        rli
        for r in shop.refunds
        for rli in r["refund_line_items"]
        if _amount(rli["total_tax_set"]) > 0
    ]
    assert with_tax


def test_cancelled_test_and_deleted_orders(shop: ShopRecords) -> None:
    cancelled = [o for o in shop.orders if o["cancelled_at"]]
    refunded_ids = {r["order_id"] for r in shop.refunds}
    assert any(o["id"] in refunded_ids for o in cancelled), "cancelled with a refund"
    assert any(o["id"] not in refunded_ids for o in cancelled), "cancelled without a refund"
    assert any(o["financial_status"] == "voided" for o in cancelled), "pending, then cancelled"
    tests = [o for o in shop.orders if o["test"]]
    assert tests and any(o["id"] in refunded_ids for o in tests)
    assert any(o["deleted_at"] for o in shop.orders)
    assert any(o["financial_status"] == "pending" for o in shop.orders)


def test_presentment_currency_differs_from_shop_currency(shop: ShopRecords) -> None:
    currency = shop.shop["currency"]
    foreign = [o for o in shop.orders if o["presentment_currency"] != currency]
    assert foreign
    for o in foreign:
        assert o["currency"] == currency
        price = o["total_price_set"]
        assert price["shop_money"]["currency_code"] == currency
        assert price["presentment_money"]["currency_code"] == o["presentment_currency"]
        assert price["shop_money"]["amount"] != price["presentment_money"]["amount"]
    assert any(o["id"] in {r["order_id"] for r in shop.refunds} for o in foreign)


def test_gift_card_lines_carry_no_discount_or_tax(shop: ShopRecords) -> None:
    cards = [li for o in shop.orders for li in o["line_items"] if li["gift_card"]]
    assert cards
    assert all(not li["tax_lines"] and not li["discount_allocations"] for li in cards)
    only_cards = [o for o in shop.orders if all(li["gift_card"] for li in o["line_items"])]
    assert only_cards and all(not o["shipping_lines"] for o in only_cards)


def test_guest_checkouts(shop: ShopRecords) -> None:
    guests = [o for o in shop.orders if o["customer"] is None]
    anonymous = [o for o in guests if not o["email"] and not o["contact_email"]]
    assert anonymous, "a guest with neither customer nor e-mail"
    by_email = {c["email"].strip().lower(): c for c in shop.customers}
    later = []
    for o in guests:
        if not o["email"]:
            continue
        customer = by_email.get(o["email"].strip().lower())
        if customer is not None and parse_ts(customer["created_at"]) > parse_ts(o["processed_at"]):
            later.append((o, customer))
    assert later, "a guest whose e-mail later belongs to a customer"
    # ... and that customer then orders under its id
    customer_orders = {o["customer"]["id"] for o in shop.orders if o["customer"]}
    assert any(c["id"] in customer_orders for _, c in later)
    # the guest's e-mail is written differently (case) from the customer's: normalise to match
    assert any(o["email"] != c["email"] for o, c in later)
