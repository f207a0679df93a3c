"""The demo shop's objects as Shopify records, typed as source-shopify's stream schemas say.

Each function returns one record of one stream as it looks at a cutoff instant (the end of
a sync's `until` day). Every record of a stream has the same keys and types (None where
missing), so Arrow infers one schema per file. Money follows the schemas: numbers become
floats with two decimals, except where a schema says string (discount allocation and order
adjustment amounts, the embedded refunds' `*_set` amounts, refund transaction amounts,
line duties' amounts; the order's duties sets are JSON text, as the schema types them).

Every shop-specific value (currency, zone, shop_url, domain) comes from the order's or the
history's `ShopProfile`, never from module state, so two shops can be written in one
process.
"""

from spoon.extract.demo.records.customers import customer_record
from spoon.extract.demo.records.ledger import agreements_record
from spoon.extract.demo.records.orders import order_record
from spoon.extract.demo.records.refunds import refund_record
from spoon.extract.demo.records.shop import (
    location_record,
    product_record,
    shop_record,
    variant_record,
)
from spoon.extract.demo.records.transactions import transaction_events

__all__ = [
    "agreements_record",
    "customer_record",
    "location_record",
    "order_record",
    "product_record",
    "refund_record",
    "shop_record",
    "transaction_events",
    "variant_record",
]
