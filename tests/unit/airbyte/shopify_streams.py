"""Run with the PyAirbyte venv's python: prints, per stream of source-shopify that the
connection syncs, whether it is incremental, its cursor and whether it reads REST or BULK."""

import json

from source_shopify.source import SourceShopify
from source_shopify.streams import streams as s
from source_shopify.streams.base_streams import IncrementalShopifyGraphQlBulkStream

CONFIG = {
    "shop": "example",
    "start_date": "2024-01-01",
    "credentials": {"auth_method": "api_password", "api_password": "x"},
    "authenticator": None,
    "shop_id": 1,
}
# the same choice source.py makes for `transactions`
transactions = SourceShopify().select_transactions_stream(
    {**CONFIG, "fetch_transactions_user_id": False}
)
CLASSES = [s.Shop, s.Customers, s.Products, s.ProductVariants, s.Locations, s.Orders]
CLASSES += [s.OrderRefunds, s.OrderAgreements]
out = {}
for stream in [*(cls(CONFIG) for cls in CLASSES), transactions]:
    out[stream.name] = {
        "incremental": stream.supports_incremental,
        "cursor": stream.cursor_field,
        "api": "bulk" if isinstance(stream, IncrementalShopifyGraphQlBulkStream) else "rest",
    }
print(json.dumps(out))
