"""The order_agreements stream: Shopify's ledger (GraphQL bulk), as source-shopify emits it."""

from __future__ import annotations

from datetime import UTC, datetime

from spoon.extract.demo.order import Agreement, Order, Sale
from spoon.extract.demo.records.money import (
    Record,
    gid,
    shop_money,
)


def utc(at: datetime) -> str:
    """GraphQL's own timestamps, as source-shopify passes them on: UTC with `Z`."""
    return at.astimezone(UTC).isoformat(timespec="seconds")[:-6] + "Z"


def _sale(currency: str, s: Sale) -> Record:
    amounts = [
        shop_money(currency, value)
        for value in (s.total, s.discount_after_taxes, s.discount_before_taxes, s.tax)
    ]
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
