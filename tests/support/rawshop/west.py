"""A third shop (issue 19): Los Angeles, USD, its ids colliding with both shops of us.py
and eu.py."""

from __future__ import annotations

from support.rawshop.blocks import Batch, line_item, make_order, make_refund, shipping_line

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
W2001 = make_order(
    2001,
    "2025-03-09T20:00:00-07:00",
    [line_item(211, 102, 201, "Ladle", "25.00", 2)],
    customer_id=9001,
    email="dana@example.com",
    city="San Diego",
)
# 23:30 in Los Angeles on 03-31 is 04-01 in New York (shopify's own order 1003 is on 03-31)
W1003 = make_order(
    1003,
    "2025-03-31T23:30:00-07:00",
    [line_item(14, 101, 201, "Ladle", "40.00", 1, tax="3.00")],
    customer_id=9001,
    email="dana@example.com",
    shipping=[shipping_line(41, "7.00")],
    city="Los Angeles",
)
# the whole line 14 refunded at 22:00 on 04-05 (04-06 in UTC)
WR501 = make_refund(501, 1003, "2025-04-05T22:00:00-07:00", [(601, 14, 1, "40.00", "3.00")])
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
