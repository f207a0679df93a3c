"""Money and ids as source-shopify's records type them: numbers, strings, `*_set` pairs."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any, Protocol

from spoon.extract.demo import places
from spoon.extract.demo.order import Order

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
    unit = ONE if order.currency in places.ZERO_DECIMAL_CURRENCIES else Decimal("0.01")
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
