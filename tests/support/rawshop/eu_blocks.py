"""Building blocks of the tax-inclusive EU shop's records (issue 16)."""

from __future__ import annotations

import json

from support.rawshop.blocks import Record, make_refund


# --- a tax-inclusive EU shop (issue 16): Europe/Berlin, EUR, VAT inside the prices ------
# Shaped as source-shopify 4.3.0 emits a real VAT shop's records: prices, discounts and
# refunded subtotals include the tax; tax lines carry the rate; an export order says
# taxes_included false and carries import duties (current_total_duties_set is JSON text:
# the connector's schema types it as a string); a tip is a line item; order_agreements is
# Shopify's ledger (RETURN sales negative; `agreements: {}` when there are none).
def eur_set(
    amount: str, *, as_str: bool = False, presentment: tuple[str, str] | None = None
) -> Record:
    def conv(v: str) -> str | float:
        return v if as_str else float(v)

    shown, currency = presentment or (amount, "EUR")
    return {
        "shop_money": {"amount": conv(amount), "currency_code": "EUR"},
        "presentment_money": {"amount": conv(shown), "currency_code": currency},
    }


def vat_line(amount: str, rate: float) -> Record:
    return {"title": "MwSt", "rate": rate, "price": float(amount), "price_set": eur_set(amount)}


def eu_line_item(
    line_id: int,
    variant_id: int | None,
    title: str,
    price: str,
    qty: int,
    *,
    vat: tuple[str, float] | None = None,
    discount: str | None = None,
    duties: tuple[str, ...] = (),
    tip: bool = False,
) -> Record:
    line: Record = {
        "id": line_id,
        "variant_id": variant_id,
        "product_id": None if variant_id is None else variant_id + 100,
        "title": title,
        "name": title,
        "variant_title": None,
        "sku": None if variant_id is None else f"EU-{variant_id}",
        "vendor": None if tip else "Willow",
        "quantity": qty,
        "gift_card": False,
        "taxable": not tip,
        "requires_shipping": not tip,
        "price": float(price),
        "price_set": eur_set(price),
        "tax_lines": [vat_line(*vat)] if vat else [],
        "discount_allocations": (
            [
                {
                    "amount": discount,
                    "amount_set": eur_set(discount, as_str=True),
                    "discount_application_index": 0,
                }
            ]
            if discount
            else []
        ),
        "duties": [
            {
                "id": f"{line_id}{n}",
                "harmonized_system_code": "691200",
                "country_code_of_origin": "DE",
                "shop_money": {"amount": amount, "currency_code": "EUR"},
                "presentment_money": {"amount": amount, "currency_code": "CHF"},
                "tax_lines": [],
                "admin_graphql_api_id": f"gid://shopify/Duty/{line_id}{n}",
            }
            for n, amount in enumerate(duties)
        ],
    }
    if tip:
        line["tip_payment_gateway"] = "shopify_payments"
        line["tip_payment_method"] = "card"
    return line


def duties_text(amount: str | None) -> str | None:
    """A *_duties_set field as the lake holds it: the object's JSON text."""
    if amount is None:
        return None
    return json.dumps(eur_set(amount, as_str=True))


def make_eu_order(
    order_id: int,
    processed_at: str,
    lines: list[Record],
    *,
    totals: tuple[str, str, str],  # (current_total_price, current_total_tax, total_price)
    taxes_included: bool = True,
    shipping: tuple[str, tuple[str, float] | None] | None = None,
    duties: tuple[str, str] | None = None,  # (original, current)
    tips: str = "0.00",
    country: str = "DE",
    cancelled_at: str | None = None,
    updated_at: str | None = None,
) -> Record:
    current_price, current_tax, total_price = totals
    return {
        "id": order_id,
        "name": f"#EU{order_id}",
        "order_number": order_id,
        "email": f"buyer{order_id}@example.eu",
        "customer": None,
        "created_at": processed_at,
        "processed_at": processed_at,
        "updated_at": updated_at or processed_at,
        "cancelled_at": cancelled_at,
        "cancel_reason": "customer" if cancelled_at else None,
        "deleted_at": None,
        "test": False,
        "currency": "EUR",
        "presentment_currency": "CHF" if country == "CH" else "EUR",
        "taxes_included": taxes_included,
        "duties_included": False,
        "financial_status": "paid",
        "total_price_set": eur_set(total_price),
        "current_total_price": float(current_price),
        "current_total_price_set": eur_set(current_price),
        "current_total_tax": float(current_tax),
        "current_total_tax_set": eur_set(current_tax),
        "original_total_duties_set": duties_text(duties[0] if duties else None),
        "current_total_duties_set": duties_text(duties[1] if duties else None),
        "total_tip_received": float(tips),
        "shipping_address": {
            "city": "Zürich" if country == "CH" else "Berlin",
            "province": None,
            "province_code": None,
            "country": "Switzerland" if country == "CH" else "Germany",
            "country_code": country,
        },
        "line_items": lines,
        "shipping_lines": (
            [
                {
                    "id": order_id * 10,
                    "title": "DHL",
                    "code": "DHL",
                    "price": float(shipping[0]),
                    "price_set": eur_set(shipping[0]),
                    "tax_lines": [vat_line(*shipping[1])] if shipping[1] else [],
                    "discount_allocations": [],
                }
            ]
            if shipping
            else []
        ),
        "refunds": [],
        "shop_url": "https://willows-spoon-eu.myshopify.com",
    }


def make_eu_refund(
    refund_id: int,
    order_id: int,
    processed_at: str,
    lines: list[tuple[int, int, int, str, str]] = (),  # type: ignore[assignment]
    *,
    shipping: tuple[str, str] | None = None,  # (amount, tax_amount), negative strings
    duties: str | None = None,
) -> Record:
    rec = make_refund(
        refund_id,
        order_id,
        processed_at,
        [],
        [(refund_id * 10, "shipping_refund", *shipping)] if shipping else [],
    )
    rec["refund_line_items"] = [
        {
            "id": rl_id,
            "line_item_id": li_id,
            "quantity": qty,
            "subtotal": float(sub),  # the tax is inside in a taxes-included order
            "subtotal_set": eur_set(sub),
            "total_tax": float(tax),
            "total_tax_set": eur_set(tax),
            "line_item": {"id": li_id, "gift_card": False},
        }
        for rl_id, li_id, qty, sub, tax in lines
    ]
    for adj in rec["order_adjustments"]:
        adj["amount_set"] = eur_set(adj["amount"], as_str=True)
        adj["tax_amount_set"] = eur_set(adj["tax_amount"], as_str=True)
    rec["duties"] = "[]"
    rec["total_duties_set"] = eur_set(duties or "0.00")
    return rec


def make_sale(
    sale_id: int,
    line_type: str,
    total: str,
    tax: str = "0.00",
    *,
    qty: int | None = 1,
    line_item: int | None = None,
    discount: tuple[str, str] = ("0.00", "0.00"),  # (before taxes, after taxes)
) -> Record:
    action = "RETURN" if total.startswith("-") else "ORDER"

    def money(v: str) -> Record:
        return {"shop_money": {"amount": float(v), "currency_code": "EUR"}}

    typename = {
        "PRODUCT": "ProductSale",
        "SHIPPING": "ShippingLineSale",
        "DUTY": "DutySale",
        "TIP": "TipSale",
        "GIFT_CARD": "GiftCardSale",
    }[line_type]
    sale: Record = {
        "__typename": typename,
        "id": sale_id,
        "admin_graphql_api_id": f"gid://shopify/{typename}/{sale_id}",
        "quantity": qty,
        "action_type": action,
        "line_type": line_type,
        "total_amount": money(total),
        "total_tax_amount": money(tax),
        "total_discount_amount_before_taxes": money(discount[0]),
        "total_discount_amount_after_taxes": money(discount[1]),
    }
    if line_item is not None:
        sale["line_item"] = {
            "id": line_item,
            "admin_graphql_api_id": f"gid://shopify/LineItem/{line_item}",
        }
    return sale


def make_ledger(order: Record, agreements: list[tuple[int, str, str, list[Record]]]) -> Record:
    """An order_agreements record: (agreement id, reason, happened_at, sales) each."""
    typename = {"ORDER": "OrderAgreement", "REFUND": "RefundAgreement"}
    return {
        "id": order["id"],
        "admin_graphql_api_id": f"gid://shopify/Order/{order['id']}",
        "created_at": order["created_at"],
        "updated_at": order["updated_at"],
        "shop_url": order["shop_url"],
        "agreements": [
            {
                "__typename": typename[reason],
                "id": ag_id,
                "admin_graphql_api_id": f"gid://shopify/{typename[reason]}/{ag_id}",
                "happened_at": at,
                "reason": reason,
                "sales": sales,
            }
            for ag_id, reason, at, sales in agreements
        ]
        or {},  # the connector's own quirk: an empty object, not a list
    }
