"""Customers and addresses: the customers stream, and the customer inside an order."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from spoon.extract.demo.model import Address, Customer
from spoon.extract.demo.order import Order
from spoon.extract.demo.records.money import (
    OrderRef,
    Record,
    gid,
    num,
)
from spoon.extract.demo.shops import ShopProfile


def _place(a: Address, **before_zip: object) -> Record:
    """The fields an order's and a customer's addresses share, in their order (with
    `before_zip`: the address's own fields between its country and its zip)."""
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
        **before_zip,
        "zip": a.zip,
        "phone": a.phone,
    }


def address_record(a: Address | None) -> Record | None:
    """An order's billing or shipping address."""
    if a is None:
        return None
    return {**_place(a), "latitude": None, "longitude": None}


def customer_address(c: Customer) -> Record:
    return {
        "id": c.address_id,
        "customer_id": c.id,
        **_place(c.address, country_name=c.address.country),
        "default": True,
    }


def _consent(c: Customer, shop: ShopProfile) -> Record:
    return {
        "state": "subscribed" if c.accepts_marketing else "not_subscribed",
        "opt_in_level": "single_opt_in",
        "consent_updated_at": shop.ts(c.created_at) if c.accepts_marketing else None,
    }


def _person(c: Customer, shop: ShopProfile, tax_exemptions: list[str] | None) -> Record:
    """The first fields of a customer, in the customers stream and inside an order."""
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
        "tax_exemptions": tax_exemptions,
        "tags": "",
        "currency": shop.currency,
    }


def _marketing(c: Customer, shop: ShopProfile, consent: Record) -> Record:
    """The customer's marketing consent, id and default address (both places)."""
    return {
        "accepts_marketing": c.accepts_marketing,
        "accepts_marketing_updated_at": shop.ts(c.created_at),
        "marketing_opt_in_level": "single_opt_in" if c.accepts_marketing else None,
        "email_marketing_consent": consent,
        "sms_marketing_consent": None,
        "admin_graphql_api_id": gid("Customer", c.id),
        "default_address": customer_address(c),
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
        **_person(c, shop, None),
        "orders_count": orders_count,
        "total_spent": num(total_spent),
        "last_order_id": last_order.id if last_order else None,
        "last_order_name": f"#{last_order.number}" if last_order else None,
        **_marketing(c, shop, _consent(c, shop)),
        "addresses": [customer_address(c)],
        "created_at": shop.ts(c.created_at),
        "updated_at": shop.ts(updated_at),
        "shop_url": shop.shop_url,
    }


def order_customer(o: Order) -> Record | None:
    """The customer inside an orders record (tax_exemptions a list, consent with its source)."""
    c = o.customer
    if c is None:
        return None
    shop = o.shop
    consent = {**_consent(c, shop), "consent_collected_from": "SHOPIFY"}
    return {
        **_person(c, shop, []),
        **_marketing(c, shop, consent),
        "created_at": shop.ts(c.created_at),
        "updated_at": shop.ts(o.processed_at),
    }
