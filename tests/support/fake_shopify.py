"""A local stand-in for the Shopify Admin API, on 127.0.0.1, for source-shopify 4.3.0.

source-shopify reads our streams like this (from its code):

- REST (`/admin/api/2026-10/<x>.json`, cursor pagination through the `Link` header):
  `shop`, `customers`, `orders` (plus `events.json` for deleted orders), `locations`;
  `order_refunds` are the `refunds` nested in orders; `access_scopes.json` decides which
  streams are allowed.
- GraphQL BULK (`graphql.json`: `bulkOperationRunQuery`, then polling the operation, then
  a JSONL download): `products`, `product_variants`, `transactions` and `order_agreements`
  (Shopify's sales ledger: the orders' agreements and their sales, derived here from the
  fake's own orders, refunds and cancellations, so the ledger agrees with them).

The fake serves a `ShopData` (records in the REST shape source-shopify emits) and answers
BULK queries with JSONL in the GraphQL shape, which the connector turns back into its
records. The shapes are the real ones that broke writers before (issue 17): fulfillments
whose `origin_address` and `receipt` are `{}`, deleted orders as `destroy` events (the
connector emits them as reduced records), REST transactions (`orders/{id}/transactions
.json`, with `fetch_transactions_user_id`: lowercase kinds, string amounts, `receipt: {}`)
beside GraphQL ones (uppercase kinds, `receipt` a JSON string, `amountSet`), and amounts
as numbers in some fields and strings in others, as Shopify sends them.

It filters by `updated_at_min` / the BULK `updated_at` range like Shopify, checks the
access token, and records every request.
"""

from __future__ import annotations

import base64
import json
import re
import threading
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, timezone
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlencode, urlparse

from support.threaded_http import ThreadedServer

API = "/admin/api/2026-10"
SCOPES = [
    "read_customers",
    "read_orders",
    "read_products",
    "read_inventory",
    "read_locations",
]


SHOP_TZ = timezone(timedelta(hours=-7))


def ts(value: datetime) -> str:
    """Shopify's REST timestamps: local time with offset (here the shop's -07:00)."""
    return value.astimezone(SHOP_TZ).isoformat(timespec="seconds")


def parse_ts(value: str) -> datetime:
    parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


# ---- a small shop, in the shape source-shopify emits -------------------------------------
def money(amount: float | str, currency: str = "USD") -> dict[str, Any]:
    return {
        "shop_money": {"amount": float(amount), "currency_code": currency},
        "presentment_money": {"amount": float(amount), "currency_code": currency},
    }


@dataclass
class ShopData:
    shop: dict[str, Any]
    customers: list[dict[str, Any]]
    products: list[dict[str, Any]]
    locations: list[dict[str, Any]]
    orders: list[dict[str, Any]]
    transactions: list[dict[str, Any]]
    #: `destroy` events of deleted orders (served by events.json)
    events: list[dict[str, Any]] = field(default_factory=list)

    def variants(self) -> list[dict[str, Any]]:
        return [v for p in self.products for v in p["variants"]]


def small_shop(start: datetime, orders: int = 12) -> ShopData:
    """A deterministic shop: 4 customers, 2 products with 2 variants, 1 location, orders
    (a test order, a refund, a cancellation, a gift card line among them)."""
    shop = {
        "id": 7001,
        "name": "Willow's Spoon (test)",
        "domain": "willows-spoon.myshopify.com",
        "myshopify_domain": "willows-spoon.myshopify.com",
        "currency": "USD",
        "iana_timezone": "America/Los_Angeles",
        "timezone": "(GMT-08:00) America/Los_Angeles",
        "created_at": ts(start - timedelta(days=30)),
        "updated_at": ts(start - timedelta(days=30)),
    }
    customers = [
        {
            "id": 100 + i,
            "email": f"customer{i}@example.com",
            "state": "enabled",
            "verified_email": True,
            "currency": "USD",
            "created_at": ts(start + timedelta(hours=i)),
            "updated_at": ts(start + timedelta(hours=i)),
            "default_address": {
                "city": ["Portland", "Seattle", "Austin", "Denver"][i],
                "province": ["Oregon", "Washington", "Texas", "Colorado"][i],
                "province_code": ["OR", "WA", "TX", "CO"][i],
                "country": "United States",
                "country_code": "US",
            },
        }
        for i in range(4)
    ]
    products = []
    for p in range(2):
        pid = 500 + p
        created = start - timedelta(days=10)
        products.append(
            {
                "id": pid,
                "title": ["Wooden Spoon", "Gift Card"][p],
                "handle": ["wooden-spoon", "gift-card"][p],
                "vendor": "Willow",
                "product_type": ["Kitchen", "Gift Card"][p],
                "status": "active",
                "tags": "handmade" if p == 0 else None,
                "is_gift_card": p == 1,
                "created_at": ts(created),
                "updated_at": ts(created),
                "published_at": ts(created),
                "variants": [
                    {
                        "id": 900 + 10 * p + v,
                        "product_id": pid,
                        "title": ["Small", "Large"][v],
                        "sku": f"SP-{p}{v}",
                        "price": [12.5, 18.0][v] if p == 0 else [25.0, 50.0][v],
                        "position": v + 1,
                        "taxable": p == 0,
                        "barcode": None,
                        "compare_at_price": None,
                        "requires_shipping": p == 0,
                        "created_at": ts(created),
                        "updated_at": ts(created),
                    }
                    for v in range(2)
                ],
            }
        )
    locations = [{"id": 42, "name": "Workshop", "city": "Portland", "country_code": "US"}]
    shop_data = ShopData(shop, customers, products, locations, [], [])
    for n in range(orders):
        shop_data.orders.append(make_order(shop_data, n, start + timedelta(days=n, hours=3)))
    return shop_data


def make_order(data: ShopData, n: int, at: datetime) -> dict[str, Any]:
    variant = data.variants()[n % 2]  # spoons only, except order 5 with a gift card line
    qty = 1 + n % 3
    price = float(variant["price"])
    discount = 2.0 if n % 4 == 0 else 0.0
    tax = round((price * qty - discount) * 0.1, 2)
    line = {
        "id": 10_000 + n * 10,
        "variant_id": variant["id"],
        "product_id": variant["product_id"],
        "title": "Wooden Spoon",
        "variant_title": variant["title"],
        "sku": variant["sku"],
        "quantity": qty,
        "price": price,
        "price_set": money(price),
        "gift_card": False,
        "taxable": True,
        "tax_lines": [{"title": "Tax", "rate": 0.1, "price": tax, "price_set": money(tax)}],
        "discount_allocations": (
            [{"amount": f"{discount:.2f}", "amount_set": money(f"{discount:.2f}")}]
            if discount
            else []
        ),
    }
    lines = [line]
    if n == 5:
        gift = data.variants()[2]
        lines.append(
            {
                **line,
                "id": 10_000 + n * 10 + 1,
                "variant_id": gift["id"],
                "product_id": gift["product_id"],
                "title": "Gift Card",
                "quantity": 1,
                "price": 25.0,
                "price_set": money(25.0),
                "gift_card": True,
                "tax_lines": [],
                "discount_allocations": [],
            }
        )
    customer = data.customers[n % 4]
    shipping = 5.0
    subtotal = sum(ln["price"] * ln["quantity"] for ln in lines) - discount
    total = subtotal + tax + shipping
    order: dict[str, Any] = {
        "id": 20_000 + n,
        "name": f"#{1001 + n}",
        "order_number": 1001 + n,
        "email": customer["email"],
        "customer": {"id": customer["id"], "email": customer["email"]},
        "created_at": ts(at),
        "processed_at": ts(at),
        "updated_at": ts(at),
        "cancelled_at": None,
        "cancel_reason": None,
        "closed_at": None,
        "test": n == 3,
        "financial_status": "paid",
        "fulfillment_status": None,
        "source_name": "web",
        "currency": "USD",
        "presentment_currency": "USD",
        "taxes_included": False,
        "subtotal_price": subtotal,
        "subtotal_price_set": money(subtotal),
        "total_discounts": discount,
        "total_discounts_set": money(discount),
        "total_tax": tax,
        "total_tax_set": money(tax),
        "total_shipping_price_set": money(shipping),
        "total_price": total,
        "total_price_set": money(total),
        "shipping_address": {**customer["default_address"]},
        "billing_address": {"country_code": "US"},
        "location_id": 42,
        "line_items": lines,
        "shipping_lines": [
            {
                "id": 30_000 + n,
                "title": "Standard",
                "price": shipping,
                "price_set": money(shipping),
                "discount_allocations": [],
                "tax_lines": [],
            }
        ],
        "refunds": [],
        "fulfillments": [],
    }
    if n % 2 == 0:  # fulfilled: Shopify sends `{}` for an unknown origin and receipt
        order["fulfillment_status"] = "fulfilled"
        order["fulfillments"] = [
            {
                "id": 50_000 + n,
                "order_id": order["id"],
                "name": f"#{1001 + n}.1",
                "status": "success",
                "service": "manual",
                "location_id": 42,
                "created_at": ts(at + timedelta(hours=2)),
                "updated_at": ts(at + timedelta(hours=2)),
                "tracking_company": "USPS",
                "tracking_number": f"9400{n:08d}",
                "shipment_status": None,
                "origin_address": {},
                "receipt": {},
                "line_items": [
                    {"id": ln["id"], "quantity": ln["quantity"], "price": ln["price"]}
                    for ln in lines
                ],
            }
        ]
    data.transactions.append(
        {
            "id": 40_000 + n,
            "order_id": order["id"],
            "kind": "sale",
            "status": "success",
            "amount": f"{total:.2f}",  # REST sends money as strings
            "currency": "USD",
            "gateway": "shopify_payments",
            "created_at": ts(at),
            "processed_at": ts(at),
            "test": False,
            "receipt": {},
            "admin_graphql_api_id": gid("OrderTransaction", 40_000 + n),
        }
    )
    return order


def delete(data: ShopData, order: dict[str, Any], at: datetime, event_id: int) -> None:
    """Delete an order: gone from orders.json, a `destroy` event in events.json."""
    data.orders.remove(order)
    data.events.append(
        {
            "id": event_id,
            "subject_id": order["id"],
            "subject_type": "Order",
            "verb": "destroy",
            "created_at": ts(at),
            "message": f"Order {order['name']} was deleted.",
            "description": f"Order {order['name']} was deleted.",
            "arguments": [order["name"]],
            "body": None,
            "path": "/admin/orders",
            "author": "Willow",
        }
    )


def refund(order: dict[str, Any], at: datetime, refund_id: int) -> None:
    """Refund the first line in full; the order's updated_at moves to `at`."""
    line = order["line_items"][0]
    disc = sum(float(d["amount"]) for d in line["discount_allocations"])
    subtotal = round(line["price"] * line["quantity"] - disc, 2)
    tax = sum(t["price"] for t in line["tax_lines"])
    order["refunds"].append(
        {
            "id": refund_id,
            "order_id": order["id"],
            "created_at": ts(at),
            "processed_at": ts(at),
            "note": "test refund",
            "refund_line_items": [
                {
                    "id": refund_id * 10,
                    "line_item_id": line["id"],
                    "quantity": line["quantity"],
                    "subtotal": subtotal,
                    "subtotal_set": money(subtotal),
                    "total_tax": tax,
                    "total_tax_set": money(tax),
                    "line_item": {"id": line["id"], "gift_card": False},
                }
            ],
            "order_adjustments": [],
            "transactions": [],
        }
    )
    order["financial_status"] = "partially_refunded"
    order["updated_at"] = ts(at)


# ---- GraphQL BULK shapes ------------------------------------------------------------------
def gid(kind: str, value: int) -> str:
    return f"gid://shopify/{kind}/{value}"


def _iso_z(value: str) -> str:
    return parse_ts(value).astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def bulk_products(products: list[dict[str, Any]]) -> list[dict[str, Any]]:
    lines: list[dict[str, Any]] = []
    for p in products:
        lines.append(
            {
                "__typename": "Product",
                "id": gid("Product", p["id"]),
                "title": p["title"],
                "handle": p["handle"],
                "vendor": p["vendor"],
                "productType": p["product_type"],
                "status": p["status"].upper(),
                "tags": [p["tags"]] if p["tags"] else [],
                "isGiftCard": p["is_gift_card"],
                "legacyResourceId": str(p["id"]),
                "createdAt": _iso_z(p["created_at"]),
                "updatedAt": _iso_z(p["updated_at"]),
                "publishedAt": _iso_z(p["published_at"]),
                "options": [],
                "total_variants": {"total_variants": len(p["variants"])},
                "media_count": {"media_count": 0},
            }
        )
        lines.extend(
            {
                "__typename": "ProductVariant",
                "id": gid("ProductVariant", v["id"]),
                "__parentId": gid("Product", p["id"]),
            }
            for v in p["variants"]
        )
    return lines


def bulk_variants(variants: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [
        {
            "__typename": "ProductVariant",
            "id": gid("ProductVariant", v["id"]),
            "title": v["title"],
            "price": f"{v['price']:.2f}",
            "sku": v["sku"],
            "position": v["position"],
            "compareAtPrice": None,
            "createdAt": _iso_z(v["created_at"]),
            "updatedAt": _iso_z(v["updated_at"]),
            "taxable": v["taxable"],
            "barcode": v["barcode"],
            "inventoryQuantity": 10,
            "availableForSale": True,
            "displayName": v["title"],
            "options": [{"name": "Size", "value": v["title"]}],
            "image": None,
            "old_inventory_quantity": 10,
            "product": {"product_id": gid("Product", v["product_id"]), "product_options": []},
            "inventoryItem": {
                "inventory_item_id": gid("InventoryItem", v["id"] + 1000),
                "tracked": True,
                "requires_shipping": v["requires_shipping"],
                "measurement": {"weight": {"value": 0.2, "unit": "KILOGRAMS"}},
            },
        }
        for v in variants
    ]


def bulk_transactions(
    orders: list[dict[str, Any]], transactions: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    """One line per order with its transactions inline (a list field, not a connection)."""
    by_order: dict[int, list[dict[str, Any]]] = {}
    for t in transactions:
        by_order.setdefault(t["order_id"], []).append(t)
    return [
        {
            "__typename": "Order",
            "id": gid("Order", o["id"]),
            "currency": o["currency"],
            "order_created_at": _iso_z(o["created_at"]),
            "transactions": [
                {
                    "id": gid("OrderTransaction", t["id"]),
                    "kind": t["kind"].upper(),
                    "status": t["status"].upper(),
                    "gateway": t["gateway"],
                    "test": False,
                    "amount": f"{float(t['amount']):.2f}",
                    "createdAt": _iso_z(t["created_at"]),
                    "processedAt": _iso_z(t["processed_at"]),
                    "amountSet": {
                        # the query aliases shopMoney as shop_money
                        "shop_money": {
                            "amount": f"{float(t['amount']):.2f}",
                            "currency": t["currency"],
                        }
                    },
                    # receiptJson, aliased: the receipt as a JSON string
                    "receipt": json.dumps({"payment_id": f"p{t['id']}", "gateway": t["gateway"]}),
                    "parentTransaction": None,
                    "fees": [],
                }
                for t in by_order.get(o["id"], [])
            ],
        }
        for o in orders
    ]


def _gql_money(amount: float) -> dict[str, Any]:
    """A GraphQL MoneyBag as the agreements query asks for it (`shopMoney` aliased, the
    amount a decimal string, as GraphQL's `Decimal` is)."""
    return {"shop_money": {"amount": f"{amount:.2f}", "currency_code": "USD"}}


def _sale_line(
    parent: str,
    sale_id: int,
    typename: str,
    action: str,
    line_type: str,
    quantity: int | None,
    total: float,
    tax: float = 0.0,
    before: float = 0.0,
    after: float = 0.0,
    line_id: int | None = None,
) -> dict[str, Any]:
    sale: dict[str, Any] = {
        "__typename": typename,
        "quantity": quantity,
        "id": gid("Sale", sale_id),
        "action_type": action,
        "line_type": line_type,
        "total_amount": _gql_money(total),
        "total_discount_amount_after_taxes": _gql_money(after),
        "total_discount_amount_before_taxes": _gql_money(before),
        "total_tax_amount": _gql_money(tax),
    }
    if typename == "ProductSale":  # `... on ProductSale { id lineItem { id } }`
        sale["line_item"] = {"id": gid("LineItem", line_id or 0)}
    sale["__parentId"] = parent
    return sale


def order_ledger(order: dict[str, Any]) -> list[dict[str, Any]]:
    """An order's agreements and sales as BULK JSONL lines (the `Order` line comes first).

    Like Shopify's ledger: one `OrderAgreement` at checkout (a `ProductSale` per line with
    tax on top of its amount, a `GiftCardSale` per gift card, a `ShippingLineSale` per
    shipping line), one `RefundAgreement` per refund on its own date (negative `RETURN`
    sales), and for a cancellation an `OrderEditAgreement` returning what no refund had.
    """
    oid = order["id"]
    agreements: list[tuple[str, str, str, list[tuple[Any, ...]]]] = []
    ordered: list[tuple[Any, ...]] = []
    for ln in order["line_items"]:
        gross = ln["price"] * ln["quantity"]
        disc = sum(float(d["amount"]) for d in ln["discount_allocations"])
        tax = sum(float(t["price"]) for t in ln["tax_lines"])
        rate = sum(float(t["rate"]) for t in ln["tax_lines"])
        if ln["gift_card"]:
            ordered.append(("GiftCardSale", "ORDER", "GIFT_CARD", ln["quantity"], gross - disc))
        else:
            after = round(disc * (1 + rate), 2)
            total = gross - disc + tax
            ordered.append(
                (
                    "ProductSale",
                    "ORDER",
                    "PRODUCT",
                    ln["quantity"],
                    total,
                    tax,
                    disc,
                    after,
                    ln["id"],
                )
            )
    for sl in order["shipping_lines"]:
        tax = sum(float(t["price"]) for t in sl["tax_lines"])
        ordered.append(("ShippingLineSale", "ORDER", "SHIPPING", None, sl["price"] + tax, tax))
    agreements.append(("OrderAgreement", "ORDER", order["processed_at"], ordered))
    returned: dict[int, int] = {}
    for r in order["refunds"]:
        sales: list[tuple[Any, ...]] = []
        for rl in r["refund_line_items"]:
            line = next(ln for ln in order["line_items"] if ln["id"] == rl["line_item_id"])
            share = rl["quantity"] / line["quantity"]
            disc = sum(float(d["amount"]) for d in line["discount_allocations"]) * share
            rate = sum(float(t["rate"]) for t in line["tax_lines"])
            tax = float(rl["total_tax"])
            amounts = (-(float(rl["subtotal"]) + tax), -tax, -disc, -round(disc * (1 + rate), 2))
            sales.append(
                ("ProductSale", "RETURN", "PRODUCT", -rl["quantity"], *amounts, line["id"])
            )
            returned[line["id"]] = returned.get(line["id"], 0) + rl["quantity"]
        for adj in r["order_adjustments"]:
            amount, tax = float(adj["amount"]), float(adj["tax_amount"])
            typename, line_type = (
                ("ShippingLineSale", "SHIPPING")
                if adj["kind"] == "shipping_refund"
                else ("AdjustmentSale", "ADJUSTMENT")
            )
            sales.append((typename, "RETURN", line_type, None, amount + tax, tax))
        agreements.append(("RefundAgreement", "REFUND", r["processed_at"], sales))
    if order.get("cancelled_at"):
        shipping_refunded = any(
            a["kind"] == "shipping_refund" for r in order["refunds"] for a in r["order_adjustments"]
        )
        sales = []
        for sale in ordered:
            if sale[0] == "ProductSale":
                qty = sale[3] - returned.get(sale[8], 0)
                if qty > 0:
                    share = qty / sale[3]
                    amounts = [-round(v * share, 2) for v in sale[4:8]]
                    sales.append(("ProductSale", "RETURN", "PRODUCT", -qty, *amounts, sale[8]))
            elif sale[0] == "ShippingLineSale" and not shipping_refunded:
                sales.append(("ShippingLineSale", "RETURN", "SHIPPING", None, -sale[4], -sale[5]))
        if sales:
            agreements.append(("OrderEditAgreement", "ORDER_EDIT", order["cancelled_at"], sales))

    lines: list[dict[str, Any]] = [
        {
            "__typename": "Order",
            "id": gid("Order", oid),
            "createdAt": _iso_z(order["created_at"]),
            "updatedAt": _iso_z(order["updated_at"]),
        }
    ]
    for k, (typename, reason, at, sales) in enumerate(agreements):
        agreement_id = oid * 100 + k
        parent = gid("SalesAgreement", agreement_id)
        lines.append(
            {
                "__typename": typename,
                "id": parent,
                "happened_at": _iso_z(at),
                "reason": reason,
                "__parentId": gid("Order", oid),
            }
        )
        lines.extend(
            _sale_line(parent, agreement_id * 100 + j, *sale) for j, sale in enumerate(sales)
        )
    return lines


def bulk_agreements(orders: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The `order_agreements` BULK result: orders sorted by updated_at, as queried."""
    chosen = sorted(orders, key=lambda o: (parse_ts(o["updated_at"]), o["id"]))
    return [line for o in chosen for line in order_ledger(o)]


# ---- the server -------------------------------------------------------------------------
@dataclass
class FakeShopify:
    data: ShopData
    token: str = "shpat_fake"
    base_url: str = ""  # set by the server: where BULK result files are downloaded from
    requests: list[tuple[str, str, dict[str, list[str]]]] = field(default_factory=list)
    _bulk: dict[int, dict[str, Any]] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def handle(
        self, method: str, raw: str, headers: dict[str, str], body: bytes
    ) -> tuple[int, dict[str, str], bytes]:
        url = urlparse(raw)
        query = parse_qs(url.query)
        with self._lock:
            self.requests.append((method, url.path, query))
            if url.path.startswith("/bulk/"):
                return self._bulk_file(url.path)
            if headers.get("x-shopify-access-token") != self.token:
                return _json(401, {"errors": "[API] Invalid API key or access token"})
            if url.path == "/admin/oauth/access_scopes.json":
                return _json(200, {"access_scopes": [{"handle": s} for s in SCOPES]})
            if not url.path.startswith(API + "/"):
                return _json(404, {"errors": "Not Found"})
            path = url.path[len(API) + 1 :]
            if path == "graphql.json" and method == "POST":
                return _json(200, self._graphql(json.loads(body or b"{}")))
            return self._rest(path, query)

    # ---- REST -------------------------------------------------------------------------------
    def _rest(self, path: str, query: dict[str, list[str]]) -> tuple[int, dict[str, str], bytes]:
        if path == "shop.json":
            return _json(200, {"shop": self.data.shop})
        if path == "locations.json":
            return _json(200, {"locations": self.data.locations})
        if path == "events.json":
            return _json(200, {"events": self._events(query)})
        m = re.fullmatch(r"orders/(\d+)/transactions\.json", path)
        if m:
            oid = int(m.group(1))
            return _json(
                200, {"transactions": [t for t in self.data.transactions if t["order_id"] == oid]}
            )
        pools = {
            "customers.json": ("customers", self.data.customers),
            "orders.json": ("orders", self.data.orders),
        }
        if path not in pools:
            return _json(404, {"errors": "Not Found"})
        name, items = pools[path]
        return self._paged(path, name, items, query)

    def _events(self, query: dict[str, list[str]]) -> list[dict[str, Any]]:
        """events.json?filter=Order&verb=destroy[&created_at_min=…], oldest first."""
        kind = query.get("filter", [""])[0]
        verb = query.get("verb", [""])[0]
        since = query.get("created_at_min", [""])[0]
        return sorted(
            (
                e
                for e in self.data.events
                if e["subject_type"] == kind
                and e["verb"] == verb
                and (not since or parse_ts(e["created_at"]) >= parse_ts(since))
            ),
            key=lambda e: (parse_ts(e["created_at"]), e["id"]),
        )

    def _paged(
        self, path: str, name: str, items: list[dict[str, Any]], query: dict[str, list[str]]
    ) -> tuple[int, dict[str, str], bytes]:
        limit = int(query.get("limit", ["50"])[0])
        if "page_info" in query:
            cursor = json.loads(base64.urlsafe_b64decode(query["page_info"][0]))
            since, offset = cursor["since"], cursor["offset"]
        else:
            since, offset = query.get("updated_at_min", [""])[0], 0
        chosen = sorted(
            (i for i in items if not since or parse_ts(i["updated_at"]) >= parse_ts(since)),
            key=lambda i: (parse_ts(i["updated_at"]), i["id"]),
        )
        page = chosen[offset : offset + limit]
        headers = {}
        if offset + limit < len(chosen):
            token = base64.urlsafe_b64encode(
                json.dumps({"since": since, "offset": offset + limit}).encode()
            ).decode()
            nxt = f"https://{self.data.shop['myshopify_domain']}{API}/{path}?" + urlencode(
                {"limit": limit, "page_info": token}
            )
            headers["Link"] = f'<{nxt}>; rel="next"'
        return _json(200, {name: page}, headers)

    # ---- GraphQL BULK ---------------------------------------------------------------------------
    def _graphql(self, body: dict[str, Any]) -> dict[str, Any]:
        query = str(body.get("query", ""))
        if "bulkOperationRunQuery" in query:
            return self._run_bulk(query)
        m = re.search(r'node\(id:\s*"([^"]+)"\)', query)
        if m:
            job = self._bulk[int(m.group(1).rsplit("/", 1)[-1])]
            return {
                "data": {
                    "node": {
                        "id": job["id"],
                        "status": "COMPLETED",
                        "errorCode": None,
                        "objectCount": str(len(job["lines"])),
                        "fileSize": "1",
                        # shaped like Shopify's signed storage URLs, which the connector
                        # takes the file name from
                        "url": f"{self.base_url}/bulk/{job['n']}?"
                        + urlencode(
                            {
                                "response-content-disposition": "attachment; "
                                f'filename="bulk-{job["n"]}.jsonl"',
                                "response-content-type": "application/jsonl",
                            }
                        ),
                        "partialDataUrl": None,
                    }
                },
                "extensions": _cost(),
            }
        if "currentBulkOperation" in query:
            return {"data": {"currentBulkOperation": None}, "extensions": _cost()}
        return {"errors": [{"message": f"fake Shopify cannot answer: {query[:120]}"}]}

    def _run_bulk(self, mutation: str) -> dict[str, Any]:
        low, high = _range(mutation)

        def within(item: dict[str, Any]) -> bool:
            at = parse_ts(item["updated_at"])
            return (low is None or at >= low) and (high is None or at <= high)

        if re.search(r"\bproductVariants\b", mutation):
            lines = bulk_variants([v for v in self.data.variants() if within(v)])
        elif re.search(r"\bproducts\b", mutation):
            lines = bulk_products([p for p in self.data.products if within(p)])
        elif re.search(r"\borders\b", mutation) and re.search(r"\bagreements\b", mutation):
            lines = bulk_agreements([o for o in self.data.orders if within(o)])
        elif re.search(r"\borders\b", mutation) and "transactions" in mutation:
            lines = bulk_transactions(
                [o for o in self.data.orders if within(o)], self.data.transactions
            )
        else:
            return {
                "data": {
                    "bulkOperationRunQuery": {
                        "bulkOperation": None,
                        "userErrors": [{"field": None, "message": "unsupported by the fake"}],
                    }
                }
            }
        n = len(self._bulk) + 1
        job = {"n": n, "id": f"gid://shopify/BulkOperation/{n}", "lines": lines}
        self._bulk[n] = job
        return {
            "data": {
                "bulkOperationRunQuery": {
                    "bulkOperation": {
                        "id": job["id"],
                        "status": "CREATED",
                        "createdAt": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
                    },
                    "userErrors": [],
                }
            },
            "extensions": _cost(),
        }

    def _bulk_file(self, path: str) -> tuple[int, dict[str, str], bytes]:
        n = int(path.rsplit("/", 1)[-1])
        text = "".join(json.dumps(line) + "\n" for line in self._bulk[n]["lines"])
        return 200, {"content-type": "application/jsonl"}, text.encode()


def _range(mutation: str) -> tuple[datetime | None, datetime | None]:
    text = mutation.replace('\\"', '"')
    low = re.search(r"(?:updated_at|updatedAt):>='?([^' \"]+)", text)
    high = re.search(r"(?:updated_at|updatedAt):<=?'?([^' \"]+)", text)
    return (
        parse_ts(low.group(1)) if low else None,
        parse_ts(high.group(1)) if high else None,
    )


def _cost() -> dict[str, Any]:
    return {
        "cost": {
            "requestedQueryCost": 10,
            "actualQueryCost": 10,
            "throttleStatus": {
                "maximumAvailable": 2000.0,
                "currentlyAvailable": 1990,
                "restoreRate": 100.0,
            },
        }
    }


def _json(
    status: int, payload: Any, headers: dict[str, str] | None = None
) -> tuple[int, dict[str, str], bytes]:
    return (
        status,
        {
            "content-type": "application/json",
            "X-Shopify-Shop-Api-Call-Limit": "1/40",
            **(headers or {}),
        },
        json.dumps(payload).encode(),
    )


class _Handler(BaseHTTPRequestHandler):
    fake: FakeShopify

    def _serve(self) -> None:
        length = int(self.headers.get("content-length") or 0)
        body = self.rfile.read(length) if length else b""
        headers = {k.lower(): v for k, v in self.headers.items()}
        status, out_headers, data = self.fake.handle(self.command, self.path, headers, body)
        self.send_response(status)
        for k, v in out_headers.items():
            self.send_header(k, v)
        self.send_header("content-length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    do_GET = do_POST = _serve

    def log_message(self, format: str, *args: Any) -> None:
        pass


class FakeShopifyServer(ThreadedServer):
    def __init__(self, fake: FakeShopify) -> None:
        super().__init__(_Handler, fake)
        self.fake = fake
        self.url = self.origin
        fake.base_url = self.url


#: put on a connector's PYTHONPATH (with SPOON_TEST_SHOPIFY_URL set) to send its requests
#: for *.myshopify.com to the fake: see redirect/sitecustomize.py
REDIRECT_DIR = Path(__file__).resolve().parent / "redirect"
