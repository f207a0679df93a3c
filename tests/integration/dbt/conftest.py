"""A small hand-made Shopify shop as contract-2 raw tables, and helpers to run dbt on it.

Two nightly syncs (`SYNCS[0]`, `SYNCS[1]`) hold every tricky case of docs/metrics.md;
the expected mart values in the tests are computed by hand from these records.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import duckdb
import pytest

from spoon.lake import STREAMS

REPO = Path(__file__).resolve().parents[3]
DBT = REPO / ".venv-dbt" / "bin" / "dbt"
PROJECT = REPO / "dbt"
MONEY = ("gross_sales", "discounts", "returns", "net_sales", "shipping", "taxes", "total_sales")
#: the money columns with duties and tips (Shopify-exact, issue 16)
MONEY_ALL = (
    "gross_sales",
    "discounts",
    "returns",
    "net_sales",
    "shipping",
    "duties",
    "taxes",
    "total_sales",
    "tips",
)

Record = dict[str, Any]
Batch = dict[str, list[Record]]


# --- building blocks (Shopify REST shapes, as source-shopify emits them) ---------------
def _set(shop: str, presentment: str | None = None, *, as_str: bool = False) -> Record:
    """A `*_set` object: shop money (USD) and presentment money."""

    def amount(v: str) -> str | float:
        return v if as_str else float(v)

    return {
        "shop_money": {"amount": amount(shop), "currency_code": "USD"},
        "presentment_money": {
            "amount": amount(presentment or shop),
            "currency_code": "EUR" if presentment else "USD",
        },
    }


def _tax(amount: str, presentment: str | None = None) -> Record:
    return {
        "title": "State tax",
        "rate": 0.08,
        "price": float(presentment or amount),
        "price_set": _set(amount, presentment),
    }


def _alloc(amount: str) -> Record:
    return {
        "amount": amount,
        "amount_set": _set(amount, as_str=True),
        "discount_application_index": 0,
    }


def _line(
    line_id: int,
    variant_id: int,
    product_id: int,
    title: str,
    price: str,
    qty: int,
    *,
    tax: str | None = None,
    discounts: tuple[str, ...] = (),
    gift_card: bool = False,
    presentment: tuple[str, str] | None = None,
) -> Record:
    shown_price, shown_tax = presentment or (price, tax)
    return {
        "id": line_id,
        "variant_id": variant_id,
        "product_id": product_id,
        "title": title,
        "variant_title": "Default",
        "sku": f"SKU-{variant_id}",
        "vendor": "Willow",
        "quantity": qty,
        "gift_card": gift_card,
        "price": float(shown_price),
        "price_set": _set(price, presentment[0] if presentment else None),
        "tax_lines": [_tax(tax, shown_tax if presentment else None)] if tax else [],
        "discount_allocations": [_alloc(d) for d in discounts],
    }


def _shipping(
    line_id: int, price: str, *, tax: str | None = None, discount: str | None = None
) -> Record:
    return {
        "id": line_id,
        "title": "Standard",
        "code": "STD",
        "price": float(price),
        "price_set": _set(price),
        "tax_lines": [_tax(tax)] if tax else [],
        "discount_allocations": [_alloc(discount)] if discount else [],
    }


def _order(
    order_id: int,
    processed_at: str,
    lines: list[Record],
    *,
    customer_id: int | None = None,
    email: str | None = None,
    shipping: list[Record] | None = None,
    cancelled_at: str | None = None,
    test: bool = False,
    deleted_at: str | None = None,
    updated_at: str | None = None,
    presentment_currency: str = "USD",
    city: str = "Portland",
) -> Record:
    return {
        "id": order_id,
        "name": f"#{order_id}",
        "order_number": order_id,
        "email": email,
        "customer": {"id": customer_id, "email": email} if customer_id else None,
        "created_at": processed_at,
        "processed_at": processed_at,
        "updated_at": updated_at or processed_at,
        "cancelled_at": cancelled_at,
        "cancel_reason": "customer" if cancelled_at else None,
        "deleted_at": deleted_at,
        "test": test,
        "currency": "USD",
        "presentment_currency": presentment_currency,
        "financial_status": "paid",
        "total_price_set": _set("0.00"),
        "shipping_address": {
            "city": city,
            "province": "Oregon",
            "province_code": "OR",
            "country": "United States",
            "country_code": "US",
        },
        "line_items": lines,
        "shipping_lines": shipping or [],
        "refunds": [],
    }


def _refund(
    refund_id: int,
    order_id: int,
    processed_at: str,
    lines: list[tuple[int, int, int, str, str]] = (),  # type: ignore[assignment]
    adjustments: list[tuple[int, str, str, str]] = (),  # type: ignore[assignment]
) -> Record:
    """lines: (refund line id, line item id, quantity, subtotal, tax);
    adjustments: (id, kind, amount, tax_amount) with amounts as Shopify's strings."""
    return {
        "id": refund_id,
        "order_id": order_id,
        "created_at": processed_at,
        "processed_at": processed_at,
        "refund_line_items": [
            {
                "id": rl_id,
                "line_item_id": li_id,
                "quantity": qty,
                "subtotal": float(sub),
                "subtotal_set": _set(sub),
                "total_tax": float(tax),
                "total_tax_set": _set(tax),
                "line_item": {"id": li_id, "gift_card": False},
            }
            for rl_id, li_id, qty, sub, tax in lines
        ],
        "order_adjustments": [
            {
                "id": adj_id,
                "order_id": order_id,
                "refund_id": refund_id,
                "kind": kind,
                "reason": kind.replace("_", " "),
                "amount": amount,
                "tax_amount": tax_amount,
                "amount_set": _set(amount, as_str=True),
                "tax_amount_set": _set(tax_amount, as_str=True),
            }
            for adj_id, kind, amount, tax_amount in adjustments
        ],
        "transactions": [],
    }


SHOP = {
    "id": 1,
    "name": "Willow's Spoon",
    "myshopify_domain": "willows-spoon.myshopify.com",
    "currency": "USD",
    "iana_timezone": "America/New_York",
    "country_code": "US",
    "updated_at": "2025-01-01T00:00:00-05:00",
}
ALICE = {
    "id": 9001,
    "email": "alice@example.com",
    "state": "enabled",
    "created_at": "2025-01-01T10:00:00-05:00",
    "updated_at": "2025-01-01T10:00:00-05:00",
    "default_address": {"country": "United States", "country_code": "US", "province": "Maine"},
}
# Bob checks out as a guest on 2025-03-31, then creates an account before his next order.
BOB = {
    "id": 9002,
    "email": "BOB@example.com",
    "state": "enabled",
    "created_at": "2025-04-18T10:00:00-04:00",
    "updated_at": "2025-04-18T10:00:00-04:00",
    "default_address": {"country": "Canada", "country_code": "CA", "province": "Quebec"},
}
PRODUCTS = [
    {
        "id": 201,
        "title": "Spoon",
        "product_type": "Cutlery",
        "vendor": "Willow",
        "status": "active",
    },
    {
        "id": 202,
        "title": "Bowl",
        "product_type": "Tableware",
        "vendor": "Willow",
        "status": "active",
    },
    {
        "id": 203,
        "title": "Gift card",
        "product_type": "Gift card",
        "vendor": "Willow",
        "status": "active",
        "is_gift_card": True,
    },
]
VARIANTS = [
    {"id": 101, "product_id": 201, "title": "Small", "sku": "SP-S", "price": 20.0},
    {"id": 102, "product_id": 201, "title": "Large", "sku": "SP-L", "price": 15.0},
    {"id": 103, "product_id": 202, "title": "Default Title", "sku": "BW-1", "price": 50.0},
    {"id": 104, "product_id": 203, "title": "$25", "sku": None, "price": 25.0},
]
LOCATIONS = [
    {
        "id": 301,
        "name": "Workshop",
        "city": "Portland",
        "country_name": "United States",
        "country_code": "US",
        "active": True,
    }
]

O1 = _order(
    1001,
    "2025-03-10T10:00:00-04:00",
    [
        # an order-level discount of 10.00 spread by Shopify over two lines (6.00 + 4.00)
        _line(11, 101, 201, "Spoon", "20.00", 2, tax="2.72", discounts=("6.00",)),
        _line(12, 102, 201, "Spoon", "15.00", 1, tax="0.88", discounts=("4.00",)),
    ],
    customer_id=9001,
    email="alice@example.com",
    shipping=[_shipping(41, "5.00", tax="0.40")],
)
O2 = _order(
    1002,
    "2025-03-20T09:00:00-04:00",
    [_line(13, 103, 202, "Bowl", "50.00", 1, tax="4.00")],
    customer_id=9001,
    email="alice@example.com",
    shipping=[_shipping(42, "10.00", tax="0.80", discount="2.00")],  # a shipping discount
    city="Bangor",
)
# 23:30 in New York is 03:30 UTC the next day; presented in EUR, booked in USD;
# a gift-card line; a guest e-mail that later becomes customer 9002.
O3 = _order(
    1003,
    "2025-03-31T23:30:00-04:00",
    [
        _line(14, 101, 201, "Spoon", "30.00", 1, tax="2.40", presentment=("27.50", "2.20")),
        _line(15, 104, 203, "Gift card", "25.00", 1, gift_card=True),
    ],
    email=" Bob@Example.com ",
    presentment_currency="EUR",
)
# a guest with neither customer nor e-mail; cancelled the next day without a refund
O4 = _order(
    1004,
    "2025-04-05T12:00:00-04:00",
    [_line(16, 102, 201, "Spoon", "12.50", 2, tax="2.00")],
    shipping=[_shipping(43, "6.00")],
    cancelled_at="2025-04-06T10:00:00-04:00",
)
# cancelled the same day with a full refund: the cancellation adds nothing
O5 = _order(
    1005,
    "2025-04-10T08:00:00-04:00",
    [_line(17, 103, 202, "Bowl", "40.00", 1, tax="3.20")],
    customer_id=9001,
    email="alice@example.com",
    shipping=[_shipping(44, "5.00")],
    cancelled_at="2025-04-10T18:00:00-04:00",
)
O6_TEST = _order(
    1006,
    "2025-04-11T08:00:00-04:00",
    [_line(18, 101, 201, "Spoon", "99.00", 1)],
    customer_id=9001,
    email="alice@example.com",
    test=True,
)
O8 = _order(
    1008,
    "2025-04-12T08:00:00-04:00",
    [_line(19, 101, 201, "Spoon", "10.00", 1)],
    email="carol@example.com",
)
# second sync: Bob's first order as a customer (a line discount; a variant deleted since)
O7 = _order(
    1007,
    "2025-04-20T10:00:00-04:00",
    [_line(20, 105, 204, "Old mug", "18.00", 3, discounts=("4.00",))],
    customer_id=9002,
    email="bob@example.com",
)
O8_DELETED = {
    **O8,
    "deleted_at": "2025-05-01T09:00:00-04:00",
    "updated_at": "2025-05-01T09:00:00-04:00",
}

R1 = _refund(501, 1001, "2025-04-15T12:00:00-04:00", [(601, 11, 1, "17.00", "1.36")])
R2_SHIPPING = _refund(
    502, 1002, "2025-03-25T12:00:00-04:00", adjustments=[(701, "shipping_refund", "-8.00", "-0.80")]
)
R3 = _refund(
    503,
    1002,
    "2025-03-26T12:00:00-04:00",
    [(602, 13, 1, "50.00", "4.00")],
    adjustments=[(702, "refund_discrepancy", "-5.00", "0.00")],
)
R4_TAX = _refund(504, 1003, "2025-04-02T12:00:00-04:00", [(603, 14, 0, "0.00", "2.40")])
R5 = _refund(
    505,
    1005,
    "2025-04-10T18:00:00-04:00",
    [(604, 17, 1, "40.00", "3.20")],
    adjustments=[(703, "shipping_refund", "-5.00", "0.00")],
)
R6_LATE = _refund(506, 1001, "2025-05-02T12:00:00-04:00", [(605, 12, 1, "11.00", "0.88")])

TRANSACTIONS = [
    {
        "id": 801,
        "order_id": 1001,
        "kind": "sale",
        "status": "success",
        "amount": "61.40",
        "currency": "USD",
        "created_at": "2025-03-10T10:00:00-04:00",
    },
]

SYNCS: list[Batch] = [
    {
        "shop": [SHOP],
        "customers": [ALICE],
        "products": PRODUCTS,
        "product_variants": VARIANTS,
        "locations": LOCATIONS,
        "orders": [O1, O2, O3, O4, O5, O6_TEST, O8],
        "order_refunds": [R1, R2_SHIPPING, R3, R4_TAX, R5],
        "transactions": TRANSACTIONS,
    },
    {
        "shop": [SHOP],
        "customers": [BOB],
        "orders": [O7, O8_DELETED, O2],  # O2 re-delivered unchanged
        "order_refunds": [R6_LATE],
    },
]
LOADED_AT = [datetime(2025, 5, 1, 6, 0), datetime(2025, 5, 3, 6, 0)]


# --- a tax-inclusive EU shop (issue 16): Europe/Berlin, EUR, VAT inside the prices ------
# Shaped as source-shopify 4.3.0 emits a real VAT shop's records: prices, discounts and
# refunded subtotals include the tax; tax lines carry the rate; an export order says
# taxes_included false and carries import duties (current_total_duties_set is JSON text:
# the connector's schema types it as a string); a tip is a line item; order_agreements is
# Shopify's ledger (RETURN sales negative; `agreements: {}` when there are none).
def _eur(
    amount: str, *, as_str: bool = False, presentment: tuple[str, str] | None = None
) -> Record:
    def conv(v: str) -> str | float:
        return v if as_str else float(v)

    shown, currency = presentment or (amount, "EUR")
    return {
        "shop_money": {"amount": conv(amount), "currency_code": "EUR"},
        "presentment_money": {"amount": conv(shown), "currency_code": currency},
    }


def _vat(amount: str, rate: float) -> Record:
    return {"title": "MwSt", "rate": rate, "price": float(amount), "price_set": _eur(amount)}


def _eu_line(
    line_id: int,
    variant_id: int | None,
    title: str,
    price: str,
    qty: int,
    *,
    vat: tuple[str, float] | None = None,
    discount: str | None = None,
    duties: tuple[str, ...] = (),
    tip: bool = False,
) -> Record:
    line: Record = {
        "id": line_id,
        "variant_id": variant_id,
        "product_id": None if variant_id is None else variant_id + 100,
        "title": title,
        "name": title,
        "variant_title": None,
        "sku": None if variant_id is None else f"EU-{variant_id}",
        "vendor": None if tip else "Willow",
        "quantity": qty,
        "gift_card": False,
        "taxable": not tip,
        "requires_shipping": not tip,
        "price": float(price),
        "price_set": _eur(price),
        "tax_lines": [_vat(*vat)] if vat else [],
        "discount_allocations": (
            [
                {
                    "amount": discount,
                    "amount_set": _eur(discount, as_str=True),
                    "discount_application_index": 0,
                }
            ]
            if discount
            else []
        ),
        "duties": [
            {
                "id": f"{line_id}{n}",
                "harmonized_system_code": "691200",
                "country_code_of_origin": "DE",
                "shop_money": {"amount": amount, "currency_code": "EUR"},
                "presentment_money": {"amount": amount, "currency_code": "CHF"},
                "tax_lines": [],
                "admin_graphql_api_id": f"gid://shopify/Duty/{line_id}{n}",
            }
            for n, amount in enumerate(duties)
        ],
    }
    if tip:
        line["tip_payment_gateway"] = "shopify_payments"
        line["tip_payment_method"] = "card"
    return line


def _duties_text(amount: str | None) -> str | None:
    """A *_duties_set field as the lake holds it: the object's JSON text."""
    if amount is None:
        return None
    return json.dumps(_eur(amount, as_str=True))


def _eu_order(
    order_id: int,
    processed_at: str,
    lines: list[Record],
    *,
    totals: tuple[str, str, str],  # (current_total_price, current_total_tax, total_price)
    taxes_included: bool = True,
    shipping: tuple[str, tuple[str, float] | None] | None = None,
    duties: tuple[str, str] | None = None,  # (original, current)
    tips: str = "0.00",
    country: str = "DE",
    cancelled_at: str | None = None,
    updated_at: str | None = None,
) -> Record:
    current_price, current_tax, total_price = totals
    return {
        "id": order_id,
        "name": f"#EU{order_id}",
        "order_number": order_id,
        "email": f"buyer{order_id}@example.eu",
        "customer": None,
        "created_at": processed_at,
        "processed_at": processed_at,
        "updated_at": updated_at or processed_at,
        "cancelled_at": cancelled_at,
        "cancel_reason": "customer" if cancelled_at else None,
        "deleted_at": None,
        "test": False,
        "currency": "EUR",
        "presentment_currency": "CHF" if country == "CH" else "EUR",
        "taxes_included": taxes_included,
        "duties_included": False,
        "financial_status": "paid",
        "total_price_set": _eur(total_price),
        "current_total_price": float(current_price),
        "current_total_price_set": _eur(current_price),
        "current_total_tax": float(current_tax),
        "current_total_tax_set": _eur(current_tax),
        "original_total_duties_set": _duties_text(duties[0] if duties else None),
        "current_total_duties_set": _duties_text(duties[1] if duties else None),
        "total_tip_received": float(tips),
        "shipping_address": {
            "city": "Zürich" if country == "CH" else "Berlin",
            "province": None,
            "province_code": None,
            "country": "Switzerland" if country == "CH" else "Germany",
            "country_code": country,
        },
        "line_items": lines,
        "shipping_lines": (
            [
                {
                    "id": order_id * 10,
                    "title": "DHL",
                    "code": "DHL",
                    "price": float(shipping[0]),
                    "price_set": _eur(shipping[0]),
                    "tax_lines": [_vat(*shipping[1])] if shipping[1] else [],
                    "discount_allocations": [],
                }
            ]
            if shipping
            else []
        ),
        "refunds": [],
        "shop_url": "https://willows-spoon-eu.myshopify.com",
    }


def _eu_refund(
    refund_id: int,
    order_id: int,
    processed_at: str,
    lines: list[tuple[int, int, int, str, str]] = (),  # type: ignore[assignment]
    *,
    shipping: tuple[str, str] | None = None,  # (amount, tax_amount), negative strings
    duties: str | None = None,
) -> Record:
    rec = _refund(
        refund_id,
        order_id,
        processed_at,
        [],
        [(refund_id * 10, "shipping_refund", *shipping)] if shipping else [],
    )
    rec["refund_line_items"] = [
        {
            "id": rl_id,
            "line_item_id": li_id,
            "quantity": qty,
            "subtotal": float(sub),  # the tax is inside in a taxes-included order
            "subtotal_set": _eur(sub),
            "total_tax": float(tax),
            "total_tax_set": _eur(tax),
            "line_item": {"id": li_id, "gift_card": False},
        }
        for rl_id, li_id, qty, sub, tax in lines
    ]
    for adj in rec["order_adjustments"]:
        adj["amount_set"] = _eur(adj["amount"], as_str=True)
        adj["tax_amount_set"] = _eur(adj["tax_amount"], as_str=True)
    rec["duties"] = "[]"
    rec["total_duties_set"] = _eur(duties or "0.00")
    return rec


def _sale(
    sale_id: int,
    line_type: str,
    total: str,
    tax: str = "0.00",
    *,
    qty: int | None = 1,
    line_item: int | None = None,
    discount: tuple[str, str] = ("0.00", "0.00"),  # (before taxes, after taxes)
) -> Record:
    action = "RETURN" if total.startswith("-") else "ORDER"

    def money(v: str) -> Record:
        return {"shop_money": {"amount": float(v), "currency_code": "EUR"}}

    typename = {
        "PRODUCT": "ProductSale",
        "SHIPPING": "ShippingLineSale",
        "DUTY": "DutySale",
        "TIP": "TipSale",
        "GIFT_CARD": "GiftCardSale",
    }[line_type]
    sale: Record = {
        "__typename": typename,
        "id": sale_id,
        "admin_graphql_api_id": f"gid://shopify/{typename}/{sale_id}",
        "quantity": qty,
        "action_type": action,
        "line_type": line_type,
        "total_amount": money(total),
        "total_tax_amount": money(tax),
        "total_discount_amount_before_taxes": money(discount[0]),
        "total_discount_amount_after_taxes": money(discount[1]),
    }
    if line_item is not None:
        sale["line_item"] = {
            "id": line_item,
            "admin_graphql_api_id": f"gid://shopify/LineItem/{line_item}",
        }
    return sale


def _ledger(order: Record, agreements: list[tuple[int, str, str, list[Record]]]) -> Record:
    """An order_agreements record: (agreement id, reason, happened_at, sales) each."""
    typename = {"ORDER": "OrderAgreement", "REFUND": "RefundAgreement"}
    return {
        "id": order["id"],
        "admin_graphql_api_id": f"gid://shopify/Order/{order['id']}",
        "created_at": order["created_at"],
        "updated_at": order["updated_at"],
        "shop_url": order["shop_url"],
        "agreements": [
            {
                "__typename": typename[reason],
                "id": ag_id,
                "admin_graphql_api_id": f"gid://shopify/{typename[reason]}/{ag_id}",
                "happened_at": at,
                "reason": reason,
                "sales": sales,
            }
            for ag_id, reason, at, sales in agreements
        ]
        or {},  # the connector's own quirk: an empty object, not a list
    }


EU_SHOP = {
    "id": 2,
    "name": "Willow's Spoon Europe",
    "myshopify_domain": "willows-spoon-eu.myshopify.com",
    "currency": "EUR",
    "iana_timezone": "Europe/Berlin",
    "country_code": "DE",
    "taxes_included": True,
    "updated_at": "2025-01-01T00:00:00+01:00",
}
# the example: one 107.00 line (7 % VAT inside: 7.00), 11.90 shipping (1.90 inside)
E1 = _eu_order(
    2001,
    "2025-03-10T10:00:00+01:00",
    [_eu_line(211, 301, "Cookbook", "107.00", 1, vat=("7.00", 0.07))],
    shipping=("11.90", ("1.90", 0.19)),
    totals=("118.90", "8.90", "118.90"),
)
# orders of 102.00 and 19.00 (20 % VAT inside) on the night clocks go forward: 00:30 CET is
# still 03-29 in UTC; the 102.00 line is refunded later (its subtotal includes the VAT)
E2 = _eu_order(
    2002,
    "2025-03-30T00:30:00+01:00",
    [_eu_line(221, 302, "Teapot", "102.00", 1, vat=("17.00", 0.2))],
    country="AT",
    totals=("0.00", "0.00", "102.00"),
    updated_at="2025-04-20T11:00:00+02:00",
)
E3 = _eu_order(
    2003,
    "2025-03-30T20:00:00+02:00",
    [_eu_line(231, 303, "Tea towel", "19.00", 1, vat=("3.17", 0.2))],
    country="AT",
    totals=("19.00", "3.17", "19.00"),
)
# 3 x 24.90 (19 % inside) with a 10 % discount (7.47, VAT inside); at 02:30 CEST on the
# night clocks go back (00:30 UTC)
E4 = _eu_order(
    2004,
    "2025-10-26T02:30:00+02:00",
    [_eu_line(241, 304, "Spoon", "24.90", 3, vat=("10.73", 0.19), discount="7.47")],
    totals=("67.23", "10.73", "67.23"),
)
# an export order to Switzerland: no VAT (taxes_included false), duties collected at
# checkout, then refunded whole with its shipping and duties
E5 = _eu_order(
    2005,
    "2025-05-01T09:00:00+02:00",
    [_eu_line(251, 305, "Bowl", "50.00", 2, duties=("8.20", "4.30"))],
    taxes_included=False,
    country="CH",
    shipping=("19.90", None),
    duties=("12.50", "0.00"),
    totals=("0.00", "0.00", "132.40"),
    updated_at="2025-05-03T10:00:00+02:00",
)
# a 5.00 tip at 23:30 local (21:30 UTC)
E6 = _eu_order(
    2006,
    "2025-06-01T23:30:00+02:00",
    [
        _eu_line(261, 306, "Mug", "59.50", 1, vat=("9.50", 0.19)),
        _eu_line(262, None, "Tip", "5.00", 1, tip=True),
    ],
    tips="5.00",
    totals=("64.50", "9.50", "64.50"),
)
# 2 x 59.50 with 11.90 off (VAT inside): one unit refunded, then the order cancelled and
# the rest refunded
E7 = _eu_order(
    2007,
    "2025-06-01T10:00:00+02:00",
    [_eu_line(271, 307, "Mug", "59.50", 2, vat=("17.10", 0.19), discount="11.90")],
    cancelled_at="2025-06-03T09:00:00+02:00",
    totals=("0.00", "0.00", "107.10"),
    updated_at="2025-06-03T09:00:00+02:00",
)
# a gift card only: not a sale, and no agreements in the ledger record
E8 = _eu_order(
    2008,
    "2025-07-01T12:00:00+02:00",
    [{**_eu_line(281, 308, "Gift card", "25.00", 1), "gift_card": True}],
    totals=("25.00", "0.00", "25.00"),
)
ER2 = _eu_refund(2102, 2002, "2025-04-20T11:00:00+02:00", [(2202, 221, 1, "102.00", "17.00")])
ER5 = _eu_refund(
    2105,
    2005,
    "2025-05-03T10:00:00+02:00",
    [(2205, 251, 2, "100.00", "0.00")],
    shipping=("-19.90", "0.00"),
    duties="12.50",
)
ER7A = _eu_refund(2107, 2007, "2025-06-02T15:00:00+02:00", [(2207, 271, 1, "53.55", "8.55")])
ER7B = _eu_refund(2108, 2007, "2025-06-03T09:00:00+02:00", [(2208, 271, 1, "53.55", "8.55")])
EU_LEDGER = [
    _ledger(
        E1,
        [
            (
                31,
                "ORDER",
                E1["processed_at"],
                [
                    _sale(41, "PRODUCT", "107.00", "7.00", line_item=211),
                    _sale(42, "SHIPPING", "11.90", "1.90", qty=None),
                ],
            )
        ],
    ),
    _ledger(
        E2,
        [
            (
                32,
                "ORDER",
                E2["processed_at"],
                [_sale(43, "PRODUCT", "102.00", "17.00", line_item=221)],
            ),
            (
                33,
                "REFUND",
                ER2["processed_at"],
                [
                    _sale(44, "PRODUCT", "-102.00", "-17.00", qty=-1, line_item=221),
                ],
            ),
        ],
    ),
    _ledger(
        E3,
        [
            (
                34,
                "ORDER",
                E3["processed_at"],
                [
                    _sale(45, "PRODUCT", "19.00", "3.17", line_item=231),
                ],
            )
        ],
    ),
    _ledger(
        E4,
        [
            (
                35,
                "ORDER",
                E4["processed_at"],
                [
                    _sale(
                        46,
                        "PRODUCT",
                        "67.23",
                        "10.73",
                        qty=3,
                        line_item=241,
                        discount=("6.27", "7.47"),
                    ),
                ],
            )
        ],
    ),
    _ledger(
        E5,
        [
            (
                36,
                "ORDER",
                E5["processed_at"],
                [
                    _sale(47, "PRODUCT", "100.00", qty=2, line_item=251),
                    _sale(48, "DUTY", "12.50", qty=None),
                    _sale(49, "SHIPPING", "19.90", qty=None),
                ],
            ),
            (
                37,
                "REFUND",
                ER5["processed_at"],
                [
                    _sale(50, "PRODUCT", "-100.00", qty=-2, line_item=251),
                    _sale(51, "DUTY", "-12.50", qty=None),
                    _sale(52, "SHIPPING", "-19.90", qty=None),
                ],
            ),
        ],
    ),
    _ledger(
        E6,
        [
            (
                38,
                "ORDER",
                E6["processed_at"],
                [
                    _sale(53, "PRODUCT", "59.50", "9.50", line_item=261),
                    _sale(54, "TIP", "5.00"),
                ],
            )
        ],
    ),
    _ledger(
        E7,
        [
            (
                39,
                "ORDER",
                E7["processed_at"],
                [
                    _sale(
                        55,
                        "PRODUCT",
                        "107.10",
                        "17.10",
                        qty=2,
                        line_item=271,
                        discount=("10.00", "11.90"),
                    ),
                ],
            ),
            (
                40,
                "REFUND",
                ER7A["processed_at"],
                [
                    _sale(56, "PRODUCT", "-53.55", "-8.55", qty=-1, line_item=271),
                ],
            ),
            (
                57,
                "REFUND",
                ER7B["processed_at"],
                [
                    _sale(58, "PRODUCT", "-53.55", "-8.55", qty=-1, line_item=271),
                ],
            ),
        ],
    ),
    _ledger(E8, []),
]
EU_SYNCS: list[Batch] = [
    {
        "shop": [EU_SHOP],
        "orders": [E1, E2, E3, E4, E5, E6, E7, E8],
        "order_refunds": [ER2, ER5, ER7A, ER7B],
        "order_agreements": EU_LEDGER,
    }
]


# --- a third shop (issue 19): Los Angeles, USD, ids colliding with both shops above --
# Several shops in one warehouse (DESIGN.md contract 4): each syncs into its own lake namespace
# and Shopify's ids are only unique within a shop. This one reuses customer 9001, product 201,
# variant 101, order 1003 (with line 14) and refund 501 (line 601) of SYNCS and order 2001
# (with line 211) of EU_SYNCS, each placed near local midnight, so a date in the wrong shop's
# time zone lands on the wrong day.
US_WEST_SHOP = {
    "id": 3,
    "name": "Willow's Spoon West",
    "myshopify_domain": "willows-spoon-west.myshopify.com",
    "currency": "USD",
    "iana_timezone": "America/Los_Angeles",
    "country_code": "US",
    "updated_at": "2025-01-01T00:00:00-08:00",
}
DANA = {
    "id": 9001,
    "email": "dana@example.com",
    "state": "enabled",
    "created_at": "2025-01-02T10:00:00-08:00",
    "updated_at": "2025-01-02T10:00:00-08:00",
    "default_address": {"country": "United States", "country_code": "US", "province": "California"},
}
# 20:00 in Los Angeles on 03-09 is already 03-10 in New York and in Berlin (where shop_eu's
# own order 2001 is on 03-10)
W2001 = _order(
    2001,
    "2025-03-09T20:00:00-07:00",
    [_line(211, 102, 201, "Ladle", "25.00", 2)],
    customer_id=9001,
    email="dana@example.com",
    city="San Diego",
)
# 23:30 in Los Angeles on 03-31 is 04-01 in New York (shopify's own order 1003 is on 03-31)
W1003 = _order(
    1003,
    "2025-03-31T23:30:00-07:00",
    [_line(14, 101, 201, "Ladle", "40.00", 1, tax="3.00")],
    customer_id=9001,
    email="dana@example.com",
    shipping=[_shipping(41, "7.00")],
    city="Los Angeles",
)
# the whole line 14 refunded at 22:00 on 04-05 (04-06 in UTC)
WR501 = _refund(501, 1003, "2025-04-05T22:00:00-07:00", [(601, 14, 1, "40.00", "3.00")])
# the second sync: order 2001 cancelled at 10:00 on 04-02
W2001_CANCELLED = {
    **W2001,
    "cancelled_at": "2025-04-02T10:00:00-07:00",
    "cancel_reason": "customer",
    "updated_at": "2025-04-02T10:00:00-07:00",
}
US_WEST_SYNCS: list[Batch] = [
    {
        "shop": [US_WEST_SHOP],
        "customers": [DANA],
        "products": [{"id": 201, "title": "Ladle", "vendor": "West", "status": "active"}],
        "product_variants": [{"id": 101, "product_id": 201, "title": "Oak", "price": 40.0}],
        "orders": [W2001, W1003],
        "order_refunds": [WR501],
    },
    {"shop": [US_WEST_SHOP], "orders": [W2001_CANCELLED]},
]
#: shop (lake namespace) -> its syncs, for the several-shops build
SHOPS: dict[str, list[Batch]] = {"shopify": SYNCS, "shop_eu": EU_SYNCS, "shop_us": US_WEST_SYNCS}


def raw_rows(
    sync: int, syncs: list[Batch] | None = None, namespace: str = "shopify"
) -> Iterator[tuple[str, str, str, datetime, str, datetime]]:
    """(stream, record json, raw id, extracted at, file name, loaded at) of one sync of
    `syncs` (default: the US shop's SYNCS), as lake namespace (shop) `namespace` wrote it."""
    loaded = LOADED_AT[sync]
    extracted = loaded - timedelta(hours=1)
    prefix = "" if namespace == "shopify" else f"{namespace}-"
    for stream, records in (syncs or SYNCS)[sync].items():
        for n, rec in enumerate(records):
            yield (
                stream,
                json.dumps(rec),
                f"{prefix}s{sync}-{stream}-{n}",
                extracted,
                f"{namespace}/{stream}/2025_05_0{sync + 1}_0_0.parquet",
                loaded,
            )


def load_duckdb(
    path: Path,
    syncs: range | list[int],
    batches: list[Batch] | None = None,
    namespace: str = "shopify",
) -> None:
    """Append the given syncs (of `batches`, default SYNCS) to raw.* of a DuckDB file, as
    lake namespace (shop) `namespace`."""
    with duckdb.connect(str(path)) as con:
        con.execute("create schema if not exists raw")
        for stream in STREAMS:
            con.execute(
                f"create table if not exists raw.{stream} (record json, _airbyte_raw_id varchar,"
                " _airbyte_extracted_at timestamp, _file_name varchar, _loaded_at timestamp)"
            )
        for sync in syncs:
            rows = raw_rows(sync, batches, namespace)
            for stream, rec, raw_id, extracted, file_name, loaded in rows:
                con.execute(
                    f"insert into raw.{stream} values (?, ?, ?, ?, ?)",
                    [rec, raw_id, extracted, file_name, loaded],
                )


def load_snowflake(
    cursor: Any,
    syncs: range | list[int],
    database: str = "RAW",
    batches: list[Batch] | None = None,
    namespace: str = "shopify",
) -> None:
    """The same rows into <database>.RAW.* with VARIANT records (fakesnow or Snowflake);
    the first call creates the tables."""
    cursor.execute("show databases")
    if database.upper() not in {str(row[1]).upper() for row in cursor.fetchall()}:
        cursor.execute(f"create database {database}")
        cursor.execute(f"create schema {database}.RAW")
        for stream in STREAMS:
            cursor.execute(
                f"create table {database}.RAW.{stream} (record variant,"
                " _airbyte_raw_id varchar, _airbyte_extracted_at timestamp_ntz,"
                " _file_name varchar, _loaded_at timestamp_ntz)"
            )
    for sync in syncs:
        for stream, rec, raw_id, extracted, file_name, loaded in raw_rows(sync, batches, namespace):
            cursor.execute(
                f"insert into {database}.RAW.{stream} select parse_json(%s), %s, %s, %s, %s",
                (rec, raw_id, extracted.isoformat(sep=" "), file_name, loaded.isoformat(sep=" ")),
            )


# --- running dbt ------------------------------------------------------------------------
@dataclass
class DbtRunner:
    env: dict[str, str]
    target: str
    workdir: Path

    def __call__(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        cmd = [
            str(DBT),
            *args,
            "--project-dir",
            "dbt",
            "--profiles-dir",
            "dbt",
            "--target",
            self.target,
            "--target-path",
            str(self.workdir / "target"),
        ]
        out = subprocess.run(cmd, cwd=REPO, env=self.env, capture_output=True, text=True)
        if check and out.returncode != 0:
            raise AssertionError(
                f"{' '.join(cmd)} failed ({out.returncode}):\n{out.stdout[-6000:]}"
            )
        return out


def dbt_env(workdir: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SPOON_", "DBT_"))}
    env.update(
        {
            "DBT_LOG_PATH": str(workdir / "logs"),
            "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
            "DO_NOT_TRACK": "1",
            "SPOON_DBT_THREADS": "2",
            **extra,
        }
    )
    return env


def duckdb_runner(workdir: Path) -> DbtRunner:
    workdir.mkdir(parents=True, exist_ok=True)
    env = dbt_env(workdir, SPOON_DUCKDB_PATH=str(workdir / "warehouse.duckdb"))
    return DbtRunner(env, "dev", workdir)


def query(path: Path, sql: str) -> list[tuple[Any, ...]]:
    with duckdb.connect(str(path), read_only=True) as con:
        return con.execute(sql).fetchall()


@pytest.fixture(scope="session")
def duckdb_dbt(tmp_path_factory: pytest.TempPathFactory) -> DbtRunner:
    """One dbt runner for every DuckDB test: the same profile and target path, so dbt
    parses the project once and re-parses only partially. Tests run one at a time and
    start from an empty warehouse file (`fresh_warehouse`)."""
    return duckdb_runner(tmp_path_factory.mktemp("dbt-duckdb"))


def fresh_warehouse(dbt: DbtRunner) -> Path:
    path = dbt.workdir / "warehouse.duckdb"
    for leftover in (path, path.with_name(path.name + ".wal")):
        leftover.unlink(missing_ok=True)
    return path


@pytest.fixture(scope="session")
def built_duckdb(duckdb_dbt: DbtRunner) -> Path:
    """Both syncs loaded, then one `dbt build` on DuckDB; returns a copy of the warehouse."""
    path = fresh_warehouse(duckdb_dbt)
    load_duckdb(path, [0, 1])
    duckdb_dbt("build")
    built = path.with_name("built.duckdb")
    shutil.copyfile(path, built)
    return built


@pytest.fixture(scope="session")
def built_eu_duckdb(duckdb_dbt: DbtRunner) -> Path:
    """The tax-inclusive EU shop (EU_SYNCS) loaded and built once; a copy of the warehouse."""
    path = fresh_warehouse(duckdb_dbt)
    load_duckdb(path, [0], EU_SYNCS)
    duckdb_dbt("build")
    built = path.with_name("built_eu.duckdb")
    shutil.copyfile(path, built)
    return built


@pytest.fixture(scope="session")
def built_shops(duckdb_dbt: DbtRunner) -> tuple[Path, Path]:
    """Three shops in one warehouse (SHOPS), built the way a nightly run builds them: the
    first sync of each, `dbt run`, then the second syncs (shopify's and shop_us') and an
    incremental `dbt build` (data tests on the three shops included); then a full refresh of
    the same raw rows. Before the second sync, every fct_sales row of shop_eu's order 2001
    and shopify's order 1004 gets the marker MARKER in event_at_local: the second sync does
    not touch them, so the incremental run must keep it. Returns copies of the warehouse
    after the incremental build and after the full refresh."""
    path = fresh_warehouse(duckdb_dbt)
    for shop, syncs in SHOPS.items():
        load_duckdb(path, [0], syncs, shop)
    duckdb_dbt("run")
    with duckdb.connect(str(path)) as con:
        con.execute(
            f"update marts.fct_sales set event_at_local = {MARKER} where (shop, order_id) in"
            " (('shop_eu', 2001), ('shopify', 1004))"
        )
    for shop, syncs in SHOPS.items():
        if len(syncs) > 1:
            load_duckdb(path, [1], syncs, shop)
    duckdb_dbt("build", "--exclude-resource-type", "unit_test")
    incremental = path.with_name("shops_incremental.duckdb")
    shutil.copyfile(path, incremental)
    duckdb_dbt("run", "--full-refresh")
    full = path.with_name("shops_full_refresh.duckdb")
    shutil.copyfile(path, full)
    return incremental, full


#: put on rows the second sync must not rewrite (see built_shops)
MARKER = "timestamp '2000-01-01'"


@pytest.fixture(scope="session")
def rawshop() -> SimpleNamespace:
    """The helpers above, for test modules (importlib mode cannot import conftest)."""
    return SimpleNamespace(
        MONEY=MONEY,
        MONEY_ALL=MONEY_ALL,
        EU_SYNCS=EU_SYNCS,
        SHOPS=SHOPS,
        MARKER=MARKER,
        REPO=REPO,
        DBT=DBT,
        load_duckdb=load_duckdb,
        load_snowflake=load_snowflake,
        duckdb_runner=duckdb_runner,
        fresh_warehouse=fresh_warehouse,
        dbt_env=dbt_env,
        DbtRunner=DbtRunner,
        query=query,
        python=sys.executable,
    )


Query = Callable[[Path, str], list[tuple[Any, ...]]]
