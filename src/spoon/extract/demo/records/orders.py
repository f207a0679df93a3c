"""The orders stream: an order as it stands at a sync's cutoff."""

from __future__ import annotations

import json
from datetime import datetime
from decimal import Decimal
from typing import Any

from spoon.extract.demo.model import ZERO, TaxLine, cents
from spoon.extract.demo.order import Order, Refund
from spoon.extract.demo.records.customers import address_record, order_customer
from spoon.extract.demo.records.lines import allocations, line_item, tax_lines, tip_item
from spoon.extract.demo.records.money import (
    ONE,
    Record,
    gid,
    money_set,
    num,
    txt,
)
from spoon.extract.demo.records.refunds import refund_body


def _duties_text(o: Order, amount: Decimal) -> str:
    """`original_total_duties_set` / `current_total_duties_set`: JSON text in the schema."""
    return json.dumps(money_set(o, amount, txt), separators=(",", ":"))


def _summedtax_lines(o: Order) -> list[TaxLine]:
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
        line_item(
            o,
            line,
            fulfilled=fulfilled,
            fulfillable=0 if fulfilled or st["cancelled"] else line.quantity - qty.get(line.id, 0),
        )
        for line in o.lines
    ]
    lines += [tip_item(o, tip) for tip in o.tips]
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
        "tax_lines": tax_lines(o, _summedtax_lines(o)),
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
                "tax_lines": tax_lines(o, s.tax_lines),
                "discount_allocations": allocations(o, s.allocations),
            }
            for s in o.shipping_lines
        ],
        "billing_address": address_record(o.billing_address),
        "shipping_address": address_record(o.shipping_address),
        "customer": order_customer(o),
        "fulfillments": [],
        "refunds": [refund_body(o, r, embedded=True) for r in refunds],
        "shop_url": shop.shop_url,
    }
