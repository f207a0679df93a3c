"""The demo shop's own objects: its catalog, its customers and an order's lines at checkout,
with money as `Decimal` in shop currency (an order itself and its events: `order.py`).

The generator (`history.py` and its order makers in `maker/`) builds these; `records/`
turns them into Shopify records as of a sync, and `truth.py` computes the ground truth from
the ledger (`order.py`). Every timestamp is an aware UTC `datetime`; "as of `cutoff`" means
events strictly before `cutoff`.

In an order with `taxes_included` (the EU shop's domestic and EU orders) every price, line
discount, refund subtotal and shipping charge INCLUDES its tax, as in Shopify.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

ZERO = Decimal("0.00")
CENT = Decimal("0.01")


def cents(value: Decimal) -> Decimal:
    """Round half up to the cent (what the shop's checkout does)."""
    return value.quantize(CENT, rounding="ROUND_HALF_UP")


@dataclass(frozen=True, slots=True)
class DemoConfig:
    """What the shop's whole history is a pure function of."""

    seed: int
    orders: int
    days: int
    start: date
    profile: str = "us"  # which shop (spoon.extract.demo.shops.PROFILES)

    def as_dict(self) -> dict[str, object]:
        out: dict[str, object] = {
            "seed": self.seed,
            "orders": self.orders,
            "days": self.days,
            "start": self.start.isoformat(),
        }
        if self.profile != "us":  # the default shop's sync state stays as it always was
            out["profile"] = self.profile
        return out


@dataclass(frozen=True, slots=True)
class Location:
    id: int
    name: str
    address1: str
    city: str
    province: str
    province_code: str
    zip: str
    phone: str
    created_at: datetime


@dataclass(frozen=True, slots=True)
class Variant:
    id: int
    product_id: int
    title: str
    price: Decimal
    sku: str
    grams: int
    position: int
    inventory_item_id: int
    gift_card: bool
    created_at: datetime


@dataclass(frozen=True, slots=True)
class Product:
    id: int
    title: str
    handle: str
    product_type: str
    vendor: str
    option: str
    variants: tuple[Variant, ...]
    popularity: float
    gift_card: bool
    created_at: datetime
    updated_at: datetime
    tax_class: str = "standard"  # VAT class where prices include VAT
    hs_code: str = ""


@dataclass(frozen=True, slots=True)
class Address:
    first_name: str
    last_name: str
    address1: str
    address2: str | None
    city: str
    province: str | None
    province_code: str | None
    country: str
    country_code: str
    zip: str
    phone: str | None
    # US sales tax of this place (zero abroad)
    state_rate: Decimal = ZERO
    local_rate: Decimal = ZERO
    taxes_shipping: bool = False


@dataclass(slots=True)
class Customer:
    index: int
    id: int
    email: str
    first_name: str
    last_name: str
    phone: str | None
    address: Address
    address_id: int
    accepts_marketing: bool
    created_at: datetime


@dataclass(frozen=True, slots=True)
class TaxLine:
    title: str
    rate: Decimal
    amount: Decimal


@dataclass(frozen=True, slots=True)
class DiscountApplication:
    index: int
    type: str  # discount_code | automatic | manual
    code: str | None
    title: str
    description: str
    value: Decimal
    value_type: str  # percentage | fixed_amount
    allocation_method: str  # across | each
    target_selection: str  # all | entitled | explicit
    target_type: str  # line_item | shipping_line


@dataclass(frozen=True, slots=True)
class Allocation:
    application_index: int
    amount: Decimal


@dataclass(frozen=True, slots=True)
class Duty:
    """An import duty collected at checkout on one line (export orders, DDP)."""

    id: int
    amount: Decimal
    hs_code: str
    origin: str  # country code of origin


@dataclass(slots=True)
class _Charged:
    """What a line item and a shipping line share: an id, discount allocations and tax
    lines (those keyword-only, after each one's own fields)."""

    id: int
    allocations: list[Allocation] = field(default_factory=list, kw_only=True)
    tax_lines: list[TaxLine] = field(default_factory=list, kw_only=True)
    discount: Decimal = field(default=ZERO, kw_only=True)  # sum of the allocations
    tax: Decimal = field(default=ZERO, kw_only=True)  # sum of the tax lines

    def allocate(self, allocation: Allocation) -> None:
        self.allocations.append(allocation)
        self.discount += allocation.amount

    def set_taxes(self, tax_lines: list[TaxLine]) -> None:
        self.tax_lines = tax_lines
        self.tax = sum((t.amount for t in tax_lines), ZERO)

    @property
    def rate(self) -> Decimal:
        """The combined tax rate (sum of the tax lines' rates)."""
        return sum((t.rate for t in self.tax_lines), ZERO)


@dataclass(slots=True)
class Line(_Charged):
    variant: Variant
    product: Product
    quantity: int
    gross: Decimal = ZERO  # price x quantity
    price: Decimal = ZERO  # unit price (default: the variant's; export orders: without VAT)
    duties: list[Duty] = field(default_factory=list)

    def __post_init__(self) -> None:
        if not self.price:
            self.price = self.variant.price
        self.gross = self.price * self.quantity

    @property
    def gift_card(self) -> bool:
        return self.variant.gift_card

    @property
    def net(self) -> Decimal:
        """After the line's discounts (tax included if the order's prices include it):
        what a full refund of it returns as its subtotal."""
        return self.gross - self.discount

    @property
    def duty(self) -> Decimal:
        return sum((d.amount for d in self.duties), ZERO)


@dataclass(frozen=True, slots=True)
class Tip:
    """A tip: a line item of its own in Shopify's REST orders (not a sale, no tax)."""

    id: int
    amount: Decimal


@dataclass(slots=True)
class ShippingLine(_Charged):
    title: str
    code: str
    price: Decimal

    @property
    def net(self) -> Decimal:
        return self.price - self.discount
