"""Refunds: the order_refunds stream, and the refunds embedded in an order."""

from __future__ import annotations

import json
from typing import Any

from spoon.extract.demo.order import Order, Refund
from spoon.extract.demo.records.lines import line_item
from spoon.extract.demo.records.money import (
    Conv,
    Record,
    gid,
    money_set,
    num,
    presentment,
    txt,
)


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


def refund_body(o: Order, r: Refund, *, embedded: bool) -> Record:
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
            item["line_item"] = line_item(
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
    rec = refund_body(o, r, embedded=False)
    rec["return"] = None
    rec["total_duties_set"] = money_set(o, r.duty)
    rec["shop_url"] = o.shop.shop_url
    return rec
