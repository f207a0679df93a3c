"""The hand-made US shop (America/New_York, USD): two nightly syncs with every tricky case
of docs/metrics.md."""

from __future__ import annotations

from datetime import datetime

from support.rawshop.blocks import Batch, line_item, make_order, make_refund, shipping_line

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

O1 = make_order(
    1001,
    "2025-03-10T10:00:00-04:00",
    [
        # an order-level discount of 10.00 spread by Shopify over two lines (6.00 + 4.00)
        line_item(11, 101, 201, "Spoon", "20.00", 2, tax="2.72", discounts=("6.00",)),
        line_item(12, 102, 201, "Spoon", "15.00", 1, tax="0.88", discounts=("4.00",)),
    ],
    customer_id=9001,
    email="alice@example.com",
    shipping=[shipping_line(41, "5.00", tax="0.40")],
)
O2 = make_order(
    1002,
    "2025-03-20T09:00:00-04:00",
    [line_item(13, 103, 202, "Bowl", "50.00", 1, tax="4.00")],
    customer_id=9001,
    email="alice@example.com",
    shipping=[shipping_line(42, "10.00", tax="0.80", discount="2.00")],  # a shipping discount
    city="Bangor",
)
# 23:30 in New York is 03:30 UTC the next day; presented in EUR, booked in USD;
# a gift-card line; a guest e-mail that later becomes customer 9002.
O3 = make_order(
    1003,
    "2025-03-31T23:30:00-04:00",
    [
        line_item(14, 101, 201, "Spoon", "30.00", 1, tax="2.40", presentment=("27.50", "2.20")),
        line_item(15, 104, 203, "Gift card", "25.00", 1, gift_card=True),
    ],
    email=" Bob@Example.com ",
    presentment_currency="EUR",
)
# a guest with neither customer nor e-mail; cancelled the next day without a refund
O4 = make_order(
    1004,
    "2025-04-05T12:00:00-04:00",
    [line_item(16, 102, 201, "Spoon", "12.50", 2, tax="2.00")],
    shipping=[shipping_line(43, "6.00")],
    cancelled_at="2025-04-06T10:00:00-04:00",
)
# cancelled the same day with a full refund: the cancellation adds nothing
O5 = make_order(
    1005,
    "2025-04-10T08:00:00-04:00",
    [line_item(17, 103, 202, "Bowl", "40.00", 1, tax="3.20")],
    customer_id=9001,
    email="alice@example.com",
    shipping=[shipping_line(44, "5.00")],
    cancelled_at="2025-04-10T18:00:00-04:00",
)
O6_TEST = make_order(
    1006,
    "2025-04-11T08:00:00-04:00",
    [line_item(18, 101, 201, "Spoon", "99.00", 1)],
    customer_id=9001,
    email="alice@example.com",
    test=True,
)
O8 = make_order(
    1008,
    "2025-04-12T08:00:00-04:00",
    [line_item(19, 101, 201, "Spoon", "10.00", 1)],
    email="carol@example.com",
)
# second sync: Bob's first order as a customer (a line discount; a variant deleted since)
O7 = make_order(
    1007,
    "2025-04-20T10:00:00-04:00",
    [line_item(20, 105, 204, "Old mug", "18.00", 3, discounts=("4.00",))],
    customer_id=9002,
    email="bob@example.com",
)
O8_DELETED = {
    **O8,
    "deleted_at": "2025-05-01T09:00:00-04:00",
    "updated_at": "2025-05-01T09:00:00-04:00",
}

R1 = make_refund(501, 1001, "2025-04-15T12:00:00-04:00", [(601, 11, 1, "17.00", "1.36")])
R2_SHIPPING = make_refund(
    502, 1002, "2025-03-25T12:00:00-04:00", adjustments=[(701, "shipping_refund", "-8.00", "-0.80")]
)
R3 = make_refund(
    503,
    1002,
    "2025-03-26T12:00:00-04:00",
    [(602, 13, 1, "50.00", "4.00")],
    adjustments=[(702, "refund_discrepancy", "-5.00", "0.00")],
)
R4_TAX = make_refund(504, 1003, "2025-04-02T12:00:00-04:00", [(603, 14, 0, "0.00", "2.40")])
R5 = make_refund(
    505,
    1005,
    "2025-04-10T18:00:00-04:00",
    [(604, 17, 1, "40.00", "3.20")],
    adjustments=[(703, "shipping_refund", "-5.00", "0.00")],
)
R6_LATE = make_refund(506, 1001, "2025-05-02T12:00:00-04:00", [(605, 12, 1, "11.00", "0.88")])

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
