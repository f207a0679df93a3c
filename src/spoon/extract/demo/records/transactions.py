"""The transactions stream: the sale and each refund of an order."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from decimal import Decimal

from spoon.extract.demo.order import Order
from spoon.extract.demo.records.money import (
    Record,
    gid,
    num,
    presentment,
)


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
