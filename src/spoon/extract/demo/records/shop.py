"""The static streams: shop, locations, products and their variants."""

from __future__ import annotations

from typing import TYPE_CHECKING

from spoon.extract.demo.model import (
    Location,
    Product,
    Variant,
)
from spoon.extract.demo.records.money import (
    Record,
    gid,
    num,
)
from spoon.extract.demo.shops import ShopProfile

if TYPE_CHECKING:
    from spoon.extract.demo.history import History


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
