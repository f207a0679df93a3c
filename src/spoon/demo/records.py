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

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any, Protocol

from spoon.demo import catalog
from spoon.demo.history import History
from spoon.demo.model import (
    ZERO,
    Address,
    Agreement,
    Allocation,
    Customer,
    Duty,
    Line,
    Location,
    Order,
    Product,
    Refund,
    Sale,
    TaxLine,
    Tip,
    Variant,
    cents,
)
from spoon.demo.shops import ShopProfile

Record = dict[str, Any]


class OrderRef(Protocol):
    """What a record needs to name an order (an `Order`, or a lighter stand-in)."""

    id: int
    number: int


Conv = Callable[[Decimal], Any]
ONE = Decimal(1)


def num(value: Decimal) -> float:
    return float(value)


def txt(value: Decimal) -> str:
    return f"{value:.2f}"


def gid(kind: str, id_: int) -> str:
    return f"gid://shopify/{kind}/{id_}"


def presentment(order: Order | None, value: Decimal) -> Decimal:
    if order is None or order.rate == ONE:
        return value
    unit = ONE if order.currency in catalog.ZERO_DECIMAL_CURRENCIES else Decimal("0.01")
    return (value * order.rate).quantize(unit, rounding="ROUND_HALF_UP")


_SHOP_SETS: dict[tuple[Decimal, Conv, str], Record] = {}
_SHOP_MONEY: dict[tuple[Decimal, str], Record] = {}


def money_set(order: Order, value: Decimal, conv: Conv = num) -> Record:
    """A `*_set` field. Shop-currency ones are shared (records are never mutated)."""
    shop = order.shop.currency
    if order.currency == shop:
        key = (value, conv, shop)
        found = _SHOP_SETS.get(key)
        if found is None:
            amount = conv(value)
            found = {
                "shop_money": {"amount": amount, "currency_code": shop},
                "presentment_money": {"amount": amount, "currency_code": shop},
            }
            if len(_SHOP_SETS) < 200_000:
                _SHOP_SETS[key] = found
        return found
    return {
        "shop_money": {"amount": conv(value), "currency_code": shop},
        "presentment_money": {
            "amount": conv(presentment(order, value)),
            "currency_code": order.currency,
        },
    }


def shop_money(currency: str, value: Decimal) -> Record:
    """`{shop_money: {amount, currency_code}}` (the ledger's money: shop currency only)."""
    key = (value, currency)
    found = _SHOP_MONEY.get(key)
    if found is None:
        found = {"shop_money": {"amount": float(value), "currency_code": currency}}
        if len(_SHOP_MONEY) < 200_000:
            _SHOP_MONEY[key] = found
    return found


# ---- static streams -------------------------------------------------------------------------
def shop_record(h: History) -> Record:
    loc = h.locations[0]
    shop = h.shop
    return {
        "id": h.shop_id,
        "name": shop.name,
        "email": shop.email,
        "customer_email": shop.customer_email,
        "domain": shop.domain,
        "myshopify_domain": shop.myshopify_domain,
        "shop_owner": shop.owner,
        "address1": loc.address1,
        "address2": None,
        "city": loc.city,
        "province": loc.province,
        "province_code": loc.province_code,
        "country": shop.country_code,
        "country_code": shop.country_code,
        "country_name": shop.country_name,
        "zip": loc.zip,
        "phone": loc.phone,
        "latitude": shop.latitude,
        "longitude": shop.longitude,
        "primary_locale": shop.locale,
        "primary_location_id": loc.id,
        "currency": shop.currency,
        "enabled_presentment_currencies": list(shop.presentment_currencies),
        "iana_timezone": shop.timezone,
        "timezone": shop.timezone_label,
        "money_format": shop.money_format,
        "money_with_currency_format": shop.money_with_currency_format,
        "money_in_emails_format": shop.money_format,
        "money_with_currency_in_emails_format": shop.money_with_currency_format,
        "weight_unit": shop.weight_unit,
        "taxes_included": shop.taxes_included,
        "tax_shipping": None,
        "county_taxes": shop.county_taxes,
        "plan_name": "basic",
        "plan_display_name": "Basic",
        "has_discounts": True,
        "has_gift_cards": True,
        "has_storefront": True,
        "multi_location_enabled": True,
        "setup_required": False,
        "pre_launch_enabled": False,
        "password_enabled": False,
        "force_ssl": True,
        "checkout_api_supported": True,
        "eligible_for_payments": True,
        "requires_extra_payments_agreement": False,
        "finances": True,
        "source": None,
        "google_apps_domain": None,
        "google_apps_login_enabled": None,
        "cookie_consent_level": "implicit",
        "visitor_tracking_consent_preference": "allow_all",
        "marketing_sms_consent_enabled_at_checkout": False,
        "transactional_sms_disabled": False,
        "auto_configure_tax_inclusivity": None,
        "created_at": shop.ts(h.shop_created_at),
        "updated_at": shop.ts(h.shop_updated_at),
        "shop_url": shop.shop_url,
    }


def location_record(loc: Location, shop: ShopProfile) -> Record:
    return {
        "id": loc.id,
        "name": loc.name,
        "address1": loc.address1,
        "address2": None,
        "city": loc.city,
        "zip": loc.zip,
        "province": loc.province,
        "province_code": loc.province_code,
        "country": shop.country_code,
        "country_code": shop.country_code,
        "country_name": shop.country_name,
        "localized_country_name": shop.country_name,
        "localized_province_name": loc.province,
        "phone": loc.phone,
        "legacy": False,
        "active": True,
        "admin_graphql_api_id": gid("Location", loc.id),
        "created_at": shop.ts(loc.created_at),
        "updated_at": shop.ts(loc.created_at),
        "shop_url": shop.shop_url,
    }


def _variant_common(p: Product, v: Variant, shop: ShopProfile) -> Record:
    return {
        "id": v.id,
        "product_id": p.id,
        "title": v.title,
        "price": num(v.price),
        "sku": v.sku,
        "position": v.position,
        "inventory_policy": "deny",
        "option1": v.title,
        "option2": None,
        "option3": None,
        "created_at": shop.ts(v.created_at),
        "updated_at": shop.ts(p.updated_at),
        "taxable": not v.gift_card,
        "barcode": None,
        "grams": v.grams,
        "weight": round(v.grams / shop.grams_per_weight_unit, 2),
        "weight_unit": shop.weight_unit,
        "inventory_item_id": v.inventory_item_id,
        "inventory_quantity": 0 if v.gift_card else 25 + v.position * 7,
        "old_inventory_quantity": 0 if v.gift_card else 25 + v.position * 7,
        "requires_shipping": not v.gift_card,
        "admin_graphql_api_id": gid("ProductVariant", v.id),
        "image_id": None,
        "tax_code": None,
    }


def product_record(p: Product, shop: ShopProfile) -> Record:
    variants = []
    for v in p.variants:
        rec = _variant_common(p, v, shop)
        rec["compare_at_price"] = None  # a number in products.variants[]
        variants.append(rec)
    return {
        "id": p.id,
        "title": p.title,
        "handle": p.handle,
        "body_html": f"<p>{p.title}, made with care in {shop.made_in}.</p>",
        "vendor": p.vendor,
        "product_type": p.product_type,
        "tags": p.product_type.lower(),
        "status": "active",
        "published_scope": "global",
        "template_suffix": None,
        "created_at": shop.ts(p.created_at),
        "updated_at": shop.ts(p.updated_at),
        "published_at": shop.ts(p.created_at),
        "admin_graphql_api_id": gid("Product", p.id),
        "is_gift_card": p.gift_card,
        "total_variants": len(p.variants),
        "options": [
            {
                "id": p.id + 1,
                "product_id": p.id,
                "name": p.option,
                "position": 1,
                "values": [v.title for v in p.variants],
            }
        ],
        "variants": variants,
        "image": None,
        "images": [],
        "shop_url": shop.shop_url,
    }


def variant_record(p: Product, v: Variant, shop: ShopProfile) -> Record:
    rec = _variant_common(p, v, shop)
    rec.update(
        {
            "compare_at_price": None,  # a string in product_variants
            "display_name": f"{p.title} - {v.title}",
            "available_for_sale": True,
            "tracked": not v.gift_card,
            "image_src": None,
            "image_url": None,
            "shop_url": shop.shop_url,
        }
    )
    return rec


# ---- customers ------------------------------------------------------------------------------
def address_record(a: Address | None) -> Record | None:
    if a is None:
        return None
    return {
        "first_name": a.first_name,
        "last_name": a.last_name,
        "name": f"{a.first_name} {a.last_name}",
        "company": None,
        "address1": a.address1,
        "address2": a.address2,
        "city": a.city,
        "province": a.province,
        "province_code": a.province_code,
        "country": a.country,
        "country_code": a.country_code,
        "zip": a.zip,
        "phone": a.phone,
        "latitude": None,
        "longitude": None,
    }


def customer_address(c: Customer) -> Record:
    a = c.address
    return {
        "id": c.address_id,
        "customer_id": c.id,
        "first_name": a.first_name,
        "last_name": a.last_name,
        "name": f"{a.first_name} {a.last_name}",
        "company": None,
        "address1": a.address1,
        "address2": a.address2,
        "city": a.city,
        "province": a.province,
        "province_code": a.province_code,
        "country": a.country,
        "country_code": a.country_code,
        "country_name": a.country,
        "zip": a.zip,
        "phone": a.phone,
        "default": True,
    }


def _consent(c: Customer, shop: ShopProfile) -> Record:
    return {
        "state": "subscribed" if c.accepts_marketing else "not_subscribed",
        "opt_in_level": "single_opt_in",
        "consent_updated_at": shop.ts(c.created_at) if c.accepts_marketing else None,
    }


def customer_record(
    c: Customer,
    shop: ShopProfile,
    *,
    orders_count: int,
    total_spent: Decimal,
    last_order: OrderRef | None,
    updated_at: datetime,
) -> Record:
    return {
        "id": c.id,
        "email": c.email,
        "first_name": c.first_name,
        "last_name": c.last_name,
        "phone": c.phone,
        "state": "enabled",
        "note": None,
        "verified_email": True,
        "multipass_identifier": None,
        "tax_exempt": False,
        "tax_exemptions": None,
        "tags": "",
        "currency": shop.currency,
        "orders_count": orders_count,
        "total_spent": num(total_spent),
        "last_order_id": last_order.id if last_order else None,
        "last_order_name": f"#{last_order.number}" if last_order else None,
        "accepts_marketing": c.accepts_marketing,
        "accepts_marketing_updated_at": shop.ts(c.created_at),
        "marketing_opt_in_level": "single_opt_in" if c.accepts_marketing else None,
        "email_marketing_consent": _consent(c, shop),
        "sms_marketing_consent": None,
        "admin_graphql_api_id": gid("Customer", c.id),
        "default_address": customer_address(c),
        "addresses": [customer_address(c)],
        "created_at": shop.ts(c.created_at),
        "updated_at": shop.ts(updated_at),
        "shop_url": shop.shop_url,
    }


def _order_customer(o: Order) -> Record | None:
    c = o.customer
    if c is None:
        return None
    shop = o.shop
    return {
        "id": c.id,
        "email": c.email,
        "first_name": c.first_name,
        "last_name": c.last_name,
        "phone": c.phone,
        "state": "enabled",
        "note": None,
        "verified_email": True,
        "multipass_identifier": None,
        "tax_exempt": False,
        "tax_exemptions": [],
        "tags": "",
        "currency": shop.currency,
        "accepts_marketing": c.accepts_marketing,
        "accepts_marketing_updated_at": shop.ts(c.created_at),
        "marketing_opt_in_level": "single_opt_in" if c.accepts_marketing else None,
        "email_marketing_consent": {**_consent(c, shop), "consent_collected_from": "SHOPIFY"},
        "sms_marketing_consent": None,
        "admin_graphql_api_id": gid("Customer", c.id),
        "default_address": customer_address(c),
        "created_at": shop.ts(c.created_at),
        "updated_at": shop.ts(o.processed_at),
    }


# ---- orders ---------------------------------------------------------------------------------
def _tax_lines(o: Order, taxes: list[TaxLine], conv: Conv = num) -> list[Record]:
    return [
        {
            "title": t.title,
            "rate": float(t.rate),
            "price": conv(t.amount),
            "price_set": money_set(o, t.amount, conv),
            "channel_liable": False,
        }
        for t in taxes
    ]


def _allocations(o: Order, allocations: list[Allocation], conv: Conv = txt) -> list[Record]:
    return [
        {
            "amount": conv(a.amount),
            "amount_set": money_set(o, a.amount, conv),
            "discount_application_index": a.application_index,
        }
        for a in allocations
    ]


def _line_item(
    o: Order, line: Line, *, fulfilled: bool, fulfillable: int, refund_item: bool = False
) -> Record:
    """A line item; inside order_refunds (refund_item) its discount amounts are numbers."""
    v = line.variant
    rec: Record = {
        "id": line.id,
        "admin_graphql_api_id": gid("LineItem", line.id),
        "variant_id": v.id,
        "product_id": v.product_id,
        "title": line.product.title,
        "variant_title": v.title,
        "name": f"{line.product.title} - {v.title}",
        "sku": v.sku,
        "vendor": line.product.vendor,
        "quantity": line.quantity,
        "price": num(line.price),
        "price_set": money_set(o, line.price),
        "pre_tax_price": num(line.net - line.tax if o.taxes_included else line.net),
        "total_discount": num(line.discount),
        "total_discount_set": money_set(o, line.discount),
        "gift_card": line.gift_card,
        "taxable": not line.gift_card,
        "requires_shipping": not line.gift_card,
        "grams": v.grams * line.quantity,
        "product_exists": True,
        "fulfillable_quantity": fulfillable,
        "fulfillment_service": "manual",
        "fulfillment_status": "fulfilled" if fulfilled else None,
        "variant_inventory_management": None if line.gift_card else "shopify",
        "properties": [],
        "tax_lines": _tax_lines(o, line.tax_lines),
        "discount_allocations": _allocations(o, line.allocations, num if refund_item else txt),
    }
    if not refund_item:
        rec["duties"] = [_duty(o, d) for d in line.duties] if line.duties else []
        rec["origin_location"] = None
        rec["destination_location"] = None
    return rec


def _duty(o: Order, d: Duty) -> Record:
    """A line's duty as the REST API gives it (amounts as strings, id a string)."""
    money = money_set(o, d.amount, txt)
    return {
        "id": str(d.id),
        "harmonized_system_code": d.hs_code,
        "country_code_of_origin": d.origin,
        "shop_money": money["shop_money"],
        "presentment_money": money["presentment_money"],
        "tax_lines": [],
        "admin_graphql_api_id": gid("Duty", d.id),
    }


def _tip_item(o: Order, tip: Tip) -> Record:
    """A tip: a line item without product, variant, tax or discount (Shopify's REST)."""
    return {
        "id": tip.id,
        "admin_graphql_api_id": gid("LineItem", tip.id),
        "variant_id": None,
        "product_id": None,
        "title": "Tip",
        "variant_title": None,
        "name": "Tip",
        "sku": None,
        "vendor": None,
        "quantity": 1,
        "price": num(tip.amount),
        "price_set": money_set(o, tip.amount),
        "pre_tax_price": num(tip.amount),
        "total_discount": 0.0,
        "total_discount_set": money_set(o, ZERO),
        "gift_card": False,
        "taxable": False,
        "requires_shipping": False,
        "grams": 0,
        "product_exists": False,
        "fulfillable_quantity": 0,
        "fulfillment_service": "manual",
        "fulfillment_status": None,
        "variant_inventory_management": None,
        "properties": [],
        "tax_lines": [],
        "discount_allocations": [],
        "duties": [],
        "origin_location": None,
        "destination_location": None,
        # present only on tips, undeclared in the connector's schema
        "tip_payment_gateway": o.gateway,
        "tip_payment_method": "card" if o.gateway == "shopify_payments" else o.gateway,
    }


def _duties_text(o: Order, amount: Decimal) -> str:
    """`original_total_duties_set` / `current_total_duties_set`: JSON text in the schema."""
    return json.dumps(money_set(o, amount, txt), separators=(",", ":"))


def _refund_transaction(o: Order, r: Refund) -> Record:
    amount = presentment(o, r.amount)
    return {
        "id": r.transaction_id,
        "admin_graphql_api_id": gid("OrderTransaction", r.transaction_id),
        "order_id": o.id,
        "kind": "refund",
        "gateway": o.gateway,
        "status": "success",
        "message": "Refunded",
        "amount": txt(amount),
        "currency": o.currency,
        "authorization": None,
        "parent_id": o.sale_transaction_id or None,
        "location_id": None,
        "device_id": None,
        "user_id": None,
        "error_code": None,
        "source_name": "web",
        "test": o.test,
        "payment_id": f"r{r.transaction_id}",
        "created_at": o.shop.ts(r.at),
        "processed_at": o.shop.ts(r.at),
    }


def _refund_body(o: Order, r: Refund, *, embedded: bool) -> Record:
    """A refund: embedded in orders (`*_set` as strings) or an order_refunds record."""
    set_conv: Conv = txt if embedded else num
    lines = []
    for rl in r.lines:
        item: Record = {
            "id": rl.id,
            "line_item_id": rl.line.id,
            "location_id": None,
            "quantity": rl.quantity,
            "restock_type": rl.restock_type,
            "subtotal": num(rl.subtotal),
            "subtotal_set": money_set(o, rl.subtotal, set_conv),
            "total_tax": num(rl.tax),
            "total_tax_set": money_set(o, rl.tax, set_conv),
        }
        if not embedded:
            item["line_item"] = _line_item(
                o, rl.line, fulfilled=False, fulfillable=0, refund_item=True
            )
        lines.append(item)
    return {
        "id": r.id,
        "admin_graphql_api_id": gid("Refund", r.id),
        "order_id": o.id,
        "note": r.note,
        "restock": r.restock,
        "user_id": None,
        "created_at": o.shop.ts(r.at),
        "processed_at": o.shop.ts(r.at),
        "refund_line_items": lines,
        "order_adjustments": [
            {
                "id": a.id,
                "order_id": o.id,
                "refund_id": r.id,
                "kind": a.kind,
                "reason": a.reason,
                "amount": txt(a.amount),
                "amount_set": money_set(o, a.amount, txt),
                "tax_amount": txt(a.tax_amount),
                "tax_amount_set": money_set(o, a.tax_amount, txt),
            }
            for a in r.adjustments
        ],
        "transactions": [_refund_transaction(o, r)],
        "duties": _refund_duties(o, r, embedded),
    }


def _refund_duties(o: Order, r: Refund, embedded: bool) -> Any:
    """The duties a refund paid back: a list in orders.refunds[], JSON text (the string
    "[]" when there are none) in order_refunds, as the connector types them."""
    duties = [{"duty_id": rd.duty.id, "amount_set": money_set(o, rd.amount)} for rd in r.duties]
    if embedded:
        return duties
    return json.dumps(duties, separators=(",", ":"))


def refund_record(o: Order, r: Refund) -> Record:
    """One order_refunds record."""
    rec = _refund_body(o, r, embedded=False)
    rec["return"] = None
    rec["total_duties_set"] = money_set(o, r.duty)
    rec["shop_url"] = o.shop.shop_url
    return rec


def _summed_tax_lines(o: Order) -> list[TaxLine]:
    by_title: dict[str, tuple[Decimal, Decimal]] = {}
    for t in [t for x in o.lines for t in x.tax_lines] + [
        t for s in o.shipping_lines for t in s.tax_lines
    ]:
        rate, amount = by_title.get(t.title, (t.rate, ZERO))
        by_title[t.title] = (rate, amount + t.amount)
    return [TaxLine(title, rate, amount) for title, (rate, amount) in by_title.items()]


def order_status(o: Order, cutoff: datetime) -> dict[str, Any]:
    """Money and status fields of an order as they stand at `cutoff`."""
    refunds = o.refunds_before(cutoff)
    cancelled = o.cancelled_at is not None and o.cancelled_at < cutoff
    paid = o.is_paid(cutoff)
    refunded = sum((r.amount for r in refunds), ZERO)
    if cancelled and not paid:
        status = "voided"
    elif not paid:
        status = "pending"
    elif refunds:
        status = "refunded" if refunded >= o.total_price else "partially_refunded"
    else:
        status = "paid"
    qty: dict[int, int] = {}
    sub = tax = adjusted_tax = duties_back = ZERO
    for r in refunds:
        for rl in r.lines:
            qty[rl.line.id] = qty.get(rl.line.id, 0) + rl.quantity
            sub += rl.subtotal
            tax += rl.tax
        for a in r.adjustments:
            adjusted_tax += a.tax_amount  # negative when tax was paid back
        if r.duties:
            duties_back += r.duty
    # after refunds: the price less every refund transaction, the tax less every refunded tax
    current_sub = o.subtotal_price - sub
    current_tax = o.total_tax - tax + adjusted_tax
    current_price = o.total_price - refunded
    current_duties = o.total_duties - duties_back
    current_disc = o.shipping_discounts
    for line in o.lines:
        left = line.quantity - qty.get(line.id, 0)
        current_disc += (line.discount * left / line.quantity).quantize(Decimal("0.01"))
    if cancelled:  # whatever was not refunded is removed from the order
        current_sub = sum((x.gross for x in o.lines if x.gift_card), ZERO)
        current_tax = current_disc = current_duties = ZERO
        current_price = current_sub
    return {
        "financial_status": status,
        "paid": paid,
        "cancelled": cancelled,
        "current_subtotal_price": current_sub,
        "current_total_tax": current_tax,
        "current_total_discounts": current_disc,
        "current_total_price": current_price,
        "current_total_duties": current_duties,
        "refunded_qty": qty,
        "refunds": refunds,
    }


def order_record(o: Order, cutoff: datetime) -> Record:
    """One orders record: the order as it stands at `cutoff` (its latest version)."""
    st = order_status(o, cutoff)
    refunds: list[Refund] = st["refunds"]
    fulfilled = o.fulfilled_at is not None and o.fulfilled_at < cutoff
    deleted = o.deleted_at if o.deleted_at is not None and o.deleted_at < cutoff else None
    edits = [e for e in o.edits if e.at < cutoff]
    note, tags = (edits[-1].note, edits[-1].tags) if edits else (o.note, o.tags)
    qty = st["refunded_qty"]
    lines = [
        _line_item(
            o,
            line,
            fulfilled=fulfilled,
            fulfillable=0 if fulfilled or st["cancelled"] else line.quantity - qty.get(line.id, 0),
        )
        for line in o.lines
    ]
    lines += [_tip_item(o, tip) for tip in o.tips]
    shop = o.shop
    ts = shop.ts
    duties = any(line.duties for line in o.lines)
    codes = []
    for app in o.applications:
        if app.type != "discount_code":
            continue
        total = sum(
            (a.amount for x in [*o.lines, *o.shipping_lines] for a in x.allocations
             if a.application_index == app.index),
            ZERO,
        )  # fmt: skip
        kind = "shipping" if app.target_type == "shipping_line" else app.value_type
        codes.append({"code": app.code, "amount": txt(total), "type": kind})
    shipping_price = o.shipping_price
    outstanding = ZERO if st["paid"] or st["cancelled"] else o.total_price
    return {
        "id": o.id,
        "admin_graphql_api_id": gid("Order", o.id),
        "name": f"#{o.number}",
        "number": o.number - 1000,
        "order_number": o.number,
        "confirmation_number": o.token[:9].upper(),
        "token": o.token,
        "email": o.email or "",
        "contact_email": o.email,
        "phone": None,
        "test": o.test,
        "confirmed": True,
        "created_at": ts(o.processed_at),
        "processed_at": ts(o.processed_at),
        "updated_at": ts(o.updated_at(cutoff)),
        "cancelled_at": ts(o.cancelled_at) if st["cancelled"] else None,
        "cancel_reason": o.cancel_reason if st["cancelled"] else None,
        "closed_at": None,
        "deleted_at": ts(deleted),
        "deleted_message": "Order deleted by staff" if deleted else None,
        "deleted_description": f"Order #{o.number} was deleted." if deleted else None,
        "financial_status": st["financial_status"],
        "fulfillment_status": "fulfilled" if fulfilled else None,
        "currency": shop.currency,
        "presentment_currency": o.currency,
        "source_name": o.source_name,
        "source_identifier": None,
        "source_url": None,
        "landing_site": "/" if o.source_name == "web" else None,
        "landing_site_ref": None,
        "referring_site": None,
        "location_id": None,
        "user_id": None,
        "app_id": 580111 if o.source_name == "web" else 1354745,
        "browser_ip": None,
        "client_details": None,
        "customer_locale": shop.home_locale if o.currency == shop.currency else "en",
        "buyer_accepts_marketing": bool(o.customer and o.customer.accepts_marketing),
        "cart_token": None,
        "checkout_id": None,
        "checkout_token": None,
        "company": None,
        "device_id": None,
        "reference": None,
        "po_number": None,
        "note": note,
        "note_attributes": [],
        "tags": tags,
        "tax_exempt": False,
        "taxes_included": o.taxes_included,
        "estimated_taxes": False,
        "duties_included": False,
        "payment_gateway_names": [o.gateway],
        "payment_terms": None,
        "order_status_url": f"https://{shop.myshopify_domain}/orders/{o.token}/authenticate",
        "total_line_items_price": num(o.total_line_items_price),
        "total_line_items_price_set": money_set(o, o.total_line_items_price),
        "total_discounts": num(o.total_discounts),
        "total_discounts_set": money_set(o, o.total_discounts),
        "subtotal_price": num(o.subtotal_price),
        "subtotal_price_set": money_set(o, o.subtotal_price),
        "total_shipping_price_set": money_set(o, shipping_price),
        "total_tax": num(o.total_tax),
        "total_tax_set": money_set(o, o.total_tax),
        "total_price": num(o.total_price),
        "total_price_set": money_set(o, o.total_price),
        "total_price_usd": num(
            o.total_price if shop.usd_rate == ONE else cents(o.total_price * shop.usd_rate)
        ),
        "total_outstanding": num(outstanding),
        "total_tip_received": num(o.total_tips),
        "total_weight": sum(x.variant.grams * x.quantity for x in o.lines),
        "current_subtotal_price": num(st["current_subtotal_price"]),
        "current_subtotal_price_set": money_set(o, st["current_subtotal_price"]),
        "current_total_discounts": num(st["current_total_discounts"]),
        "current_total_discounts_set": money_set(o, st["current_total_discounts"]),
        "current_total_tax": num(st["current_total_tax"]),
        "current_total_tax_set": money_set(o, st["current_total_tax"]),
        "current_total_price": num(st["current_total_price"]),
        "current_total_price_set": money_set(o, st["current_total_price"]),
        "current_total_duties_set": _duties_text(o, st["current_total_duties"]) if duties else None,
        "original_total_duties_set": _duties_text(o, o.total_duties) if duties else None,
        "tax_lines": _tax_lines(o, _summed_tax_lines(o)),
        "discount_applications": [
            {
                "type": a.type,
                "code": a.code,
                "title": a.title,
                "description": a.description,
                "value": f"{a.value:.1f}" if a.value_type == "percentage" else txt(a.value),
                "value_type": a.value_type,
                "allocation_method": a.allocation_method,
                "target_selection": a.target_selection,
                "target_type": a.target_type,
            }
            for a in o.applications
        ],
        "discount_codes": codes,
        "line_items": lines,
        "shipping_lines": [
            {
                "id": s.id,
                "title": s.title,
                "code": s.code,
                "source": "shopify",
                "carrier_identifier": None,
                "requested_fulfillment_service_id": None,
                "phone": None,
                "price": num(s.price),
                "price_set": money_set(o, s.price),
                "discounted_price": num(s.net),
                "discounted_price_set": money_set(o, s.net),
                "tax_lines": _tax_lines(o, s.tax_lines),
                "discount_allocations": _allocations(o, s.allocations),
            }
            for s in o.shipping_lines
        ],
        "billing_address": address_record(o.billing_address),
        "shipping_address": address_record(o.shipping_address),
        "customer": _order_customer(o),
        "fulfillments": [],
        "refunds": [_refund_body(o, r, embedded=True) for r in refunds],
        "shop_url": shop.shop_url,
    }


# ---- transactions ---------------------------------------------------------------------------
def _transaction(
    o: Order, id_: int, kind: str, amount: Decimal, at: datetime, parent: int | None
) -> Record:
    pres = presentment(o, amount)
    shop = o.shop
    return {
        "id": id_,
        "admin_graphql_api_id": gid("OrderTransaction", id_),
        "order_id": o.id,
        "kind": kind,
        "gateway": o.gateway,
        "status": "success",
        "message": "Transaction approved" if kind == "sale" else "Refunded",
        "test": o.test,
        "amount": num(pres),
        "currency": o.currency,
        "amount_set": {
            "shop_money": {"amount": num(amount), "currency": shop.currency},
            "presentment_money": {"amount": num(pres), "currency": o.currency},
        },
        "authorization": f"ch_{id_:x}" if o.gateway != "Bank Deposit" else None,
        "parent_id": parent,
        "location_id": None,
        "device_id": None,
        "user_id": None,
        "error_code": None,
        "source_name": "web",
        "payment_id": f"c{o.id}.{id_ % 1000}",
        "created_at": shop.ts(at),
        "processed_at": shop.ts(at),
        "shop_url": shop.shop_url,
    }


def transaction_events(o: Order) -> Iterator[tuple[datetime, Record]]:
    """Every transaction of an order with the instant it happened."""
    if o.sale_transaction_id:
        at = o.paid_at or o.processed_at
        yield at, _transaction(o, o.sale_transaction_id, "sale", o.total_price, at, None)
    for r in o.refunds:
        yield (
            r.at,
            _transaction(o, r.transaction_id, "refund", r.amount, r.at, o.sale_transaction_id),
        )


# ---- order_agreements (Shopify's ledger, GraphQL bulk) -----------------------------------------
def utc(at: datetime) -> str:
    """GraphQL's own timestamps, as source-shopify passes them on: UTC with `Z`."""
    return at.astimezone(UTC).isoformat(timespec="seconds")[:-6] + "Z"


def _sale(currency: str, s: Sale) -> Record:
    money = _SHOP_MONEY.get
    amounts = []
    for value in (s.total, s.discount_after_taxes, s.discount_before_taxes, s.tax):
        found = money((value, currency))
        amounts.append(found if found is not None else shop_money(currency, value))
    rec: Record = {
        "quantity": s.quantity,
        "id": s.id,
        "action_type": s.action,
        "line_type": s.line_type,
        "total_amount": amounts[0],
        "total_discount_amount_after_taxes": amounts[1],
        "total_discount_amount_before_taxes": amounts[2],
        "total_tax_amount": amounts[3],
    }
    if s.line_id is not None:  # only ProductSale asks for its line item
        rec["line_item"] = {
            "id": s.line_id,
            "admin_graphql_api_id": f"gid://shopify/LineItem/{s.line_id}",
        }
    rec["admin_graphql_api_id"] = f"gid://shopify/Sale/{s.id}"
    return rec


def _agreement(currency: str, a: Agreement) -> Record:
    return {
        "id": a.id,
        # source-shopify turns GraphQL's `...Z` into RFC 3339 with an offset (UTC)
        "happened_at": a.at.astimezone(UTC).isoformat(timespec="seconds"),
        "reason": a.reason,
        "sales": [_sale(currency, s) for s in a.sales],
        "admin_graphql_api_id": f"gid://shopify/SalesAgreement/{a.id}",
    }


def agreements_record(o: Order, cutoff: datetime) -> Record:
    """One order_agreements record: the order's agreements as of `cutoff`, as source-shopify
    4.3.0 emits them (no `__typename`: its bulk record producer pops it from every node;
    `agreements` would be `{}`, not `[]`, for an order without any, which Shopify never
    has: every order has its ORDER agreement)."""
    currency = o.shop.currency
    agreements = [_agreement(currency, a) for a in o.agreements if a.at < cutoff]
    return {
        "id": o.id,
        "created_at": utc(o.processed_at),
        "updated_at": utc(o.updated_at(cutoff)),
        "admin_graphql_api_id": gid("Order", o.id),
        "agreements": agreements or {},
        "shop_url": o.shop.shop_url,
    }
