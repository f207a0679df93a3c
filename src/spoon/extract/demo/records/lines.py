"""An order's line items (and tips, duties), tax lines and discount allocations."""

from __future__ import annotations

from spoon.extract.demo.model import ZERO, Allocation, Duty, Line, TaxLine, Tip
from spoon.extract.demo.order import Order
from spoon.extract.demo.records.money import (
    Conv,
    Record,
    gid,
    money_set,
    num,
    txt,
)


def tax_lines(o: Order, taxes: list[TaxLine], conv: Conv = num) -> list[Record]:
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


def allocations(o: Order, allocations: list[Allocation], conv: Conv = txt) -> list[Record]:
    return [
        {
            "amount": conv(a.amount),
            "amount_set": money_set(o, a.amount, conv),
            "discount_application_index": a.application_index,
        }
        for a in allocations
    ]


def line_item(
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
        "tax_lines": tax_lines(o, line.tax_lines),
        "discount_allocations": allocations(o, line.allocations, num if refund_item else txt),
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


def tip_item(o: Order, tip: Tip) -> Record:
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
