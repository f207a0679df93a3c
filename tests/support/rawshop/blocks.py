"""Building blocks of the hand-made shops' records (Shopify REST shapes, as source-shopify
emits them): money sets, tax lines, line items, shipping lines, orders and refunds."""

from __future__ import annotations

from typing import Any

Record = dict[str, Any]
Batch = dict[str, list[Record]]


# --- building blocks (Shopify REST shapes, as source-shopify emits them) ---------------
def money_set(shop: str, presentment: str | None = None, *, as_str: bool = False) -> Record:
    """A `*_set` object: shop money (USD) and presentment money."""

    def amount(v: str) -> str | float:
        return v if as_str else float(v)

    return {
        "shop_money": {"amount": amount(shop), "currency_code": "USD"},
        "presentment_money": {
            "amount": amount(presentment or shop),
            "currency_code": "EUR" if presentment else "USD",
        },
    }


def tax_line(amount: str, presentment: str | None = None) -> Record:
    return {
        "title": "State tax",
        "rate": 0.08,
        "price": float(presentment or amount),
        "price_set": money_set(amount, presentment),
    }


def allocation(amount: str) -> Record:
    return {
        "amount": amount,
        "amount_set": money_set(amount, as_str=True),
        "discount_application_index": 0,
    }


def line_item(
    line_id: int,
    variant_id: int,
    product_id: int,
    title: str,
    price: str,
    qty: int,
    *,
    tax: str | None = None,
    discounts: tuple[str, ...] = (),
    gift_card: bool = False,
    presentment: tuple[str, str] | None = None,
) -> Record:
    shown_price, shown_tax = presentment or (price, tax)
    return {
        "id": line_id,
        "variant_id": variant_id,
        "product_id": product_id,
        "title": title,
        "variant_title": "Default",
        "sku": f"SKU-{variant_id}",
        "vendor": "Willow",
        "quantity": qty,
        "gift_card": gift_card,
        "price": float(shown_price),
        "price_set": money_set(price, presentment[0] if presentment else None),
        "tax_lines": [tax_line(tax, shown_tax if presentment else None)] if tax else [],
        "discount_allocations": [allocation(d) for d in discounts],
    }


def shipping_line(
    line_id: int, price: str, *, tax: str | None = None, discount: str | None = None
) -> Record:
    return {
        "id": line_id,
        "title": "Standard",
        "code": "STD",
        "price": float(price),
        "price_set": money_set(price),
        "tax_lines": [tax_line(tax)] if tax else [],
        "discount_allocations": [allocation(discount)] if discount else [],
    }


def make_order(
    order_id: int,
    processed_at: str,
    lines: list[Record],
    *,
    customer_id: int | None = None,
    email: str | None = None,
    shipping: list[Record] | None = None,
    cancelled_at: str | None = None,
    test: bool = False,
    deleted_at: str | None = None,
    updated_at: str | None = None,
    presentment_currency: str = "USD",
    city: str = "Portland",
) -> Record:
    return {
        "id": order_id,
        "name": f"#{order_id}",
        "order_number": order_id,
        "email": email,
        "customer": {"id": customer_id, "email": email} if customer_id else None,
        "created_at": processed_at,
        "processed_at": processed_at,
        "updated_at": updated_at or processed_at,
        "cancelled_at": cancelled_at,
        "cancel_reason": "customer" if cancelled_at else None,
        "deleted_at": deleted_at,
        "test": test,
        "currency": "USD",
        "presentment_currency": presentment_currency,
        "financial_status": "paid",
        "total_price_set": money_set("0.00"),
        "shipping_address": {
            "city": city,
            "province": "Oregon",
            "province_code": "OR",
            "country": "United States",
            "country_code": "US",
        },
        "line_items": lines,
        "shipping_lines": shipping or [],
        "refunds": [],
    }


def make_refund(
    refund_id: int,
    order_id: int,
    processed_at: str,
    lines: list[tuple[int, int, int, str, str]] = (),  # type: ignore[assignment]
    adjustments: list[tuple[int, str, str, str]] = (),  # type: ignore[assignment]
) -> Record:
    """lines: (refund line id, line item id, quantity, subtotal, tax);
    adjustments: (id, kind, amount, tax_amount) with amounts as Shopify's strings."""
    return {
        "id": refund_id,
        "order_id": order_id,
        "created_at": processed_at,
        "processed_at": processed_at,
        "refund_line_items": [
            {
                "id": rl_id,
                "line_item_id": li_id,
                "quantity": qty,
                "subtotal": float(sub),
                "subtotal_set": money_set(sub),
                "total_tax": float(tax),
                "total_tax_set": money_set(tax),
                "line_item": {"id": li_id, "gift_card": False},
            }
            for rl_id, li_id, qty, sub, tax in lines
        ],
        "order_adjustments": [
            {
                "id": adj_id,
                "order_id": order_id,
                "refund_id": refund_id,
                "kind": kind,
                "reason": kind.replace("_", " "),
                "amount": amount,
                "tax_amount": tax_amount,
                "amount_set": money_set(amount, as_str=True),
                "tax_amount_set": money_set(tax_amount, as_str=True),
            }
            for adj_id, kind, amount, tax_amount in adjustments
        ],
        "transactions": [],
    }
