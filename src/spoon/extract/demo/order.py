"""An order of the demo shop and what happens to it: refunds, edits, and its ledger
(`Agreement`s and their `Sale`s, Shopify's own record of what was sold and returned).

Money is `Decimal` in shop currency; every timestamp an aware UTC `datetime`; "as of
`cutoff`" means events strictly before `cutoff`. In an order with `taxes_included` every
price, line discount, refund subtotal and shipping charge INCLUDES its tax, as in Shopify.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from spoon.extract.demo.model import (
    ZERO,
    Address,
    Customer,
    DiscountApplication,
    Duty,
    Line,
    ShippingLine,
    Tip,
)
from spoon.extract.demo.shops import US, ShopProfile


@dataclass(frozen=True, slots=True)
class RefundLine:
    id: int
    line: Line
    quantity: int
    subtotal: Decimal  # after the line's discounts (tax included if the order's prices are)
    tax: Decimal
    restock_type: str  # return | cancel | no_restock


@dataclass(frozen=True, slots=True)
class RefundDuty:
    duty: Duty
    amount: Decimal


@dataclass(frozen=True, slots=True)
class Adjustment:
    id: int
    kind: str  # shipping_refund | refund_discrepancy
    amount: Decimal  # signed as Shopify: a shipping refund is negative
    tax_amount: Decimal
    reason: str


@dataclass(slots=True)
class Refund:
    id: int
    at: datetime
    lines: list[RefundLine]
    adjustments: list[Adjustment]
    note: str | None
    transaction_id: int
    restock: bool
    taxes_included: bool = False  # the order's: refund subtotals then include the tax
    duties: list[RefundDuty] = field(default_factory=list)

    @property
    def duty(self) -> Decimal:
        return sum((d.amount for d in self.duties), ZERO)

    @property
    def amount(self) -> Decimal:
        """Money paid back to the customer (the refund transaction)."""
        if self.taxes_included:
            items = sum((rl.subtotal for rl in self.lines), ZERO)
        else:
            items = sum((rl.subtotal + rl.tax for rl in self.lines), ZERO)
        adjusted = sum((a.amount + a.tax_amount for a in self.adjustments), ZERO)
        if self.duties:
            return items - adjusted + self.duty
        return items - adjusted


@dataclass(frozen=True, slots=True)
class Sale:
    """One sale of Shopify's ledger (`order_agreements`): RETURN sales are negative."""

    id: int
    kind: str  # GraphQL type: ProductSale | ShippingLineSale | DutySale | TipSale | ...
    action: str  # ORDER | RETURN | UPDATE
    line_type: str  # PRODUCT | SHIPPING | DUTY | TIP | GIFT_CARD | ADJUSTMENT | ...
    quantity: int | None
    total: Decimal  # after discounts, tax included (what the customer pays for it)
    tax: Decimal
    discount_before_taxes: Decimal
    discount_after_taxes: Decimal
    line_id: int | None = None  # ProductSale only


@dataclass(frozen=True, slots=True)
class Agreement:
    """A sales agreement: what one event (the order, a refund, a cancellation) booked."""

    id: int
    kind: str  # OrderAgreement | RefundAgreement | OrderEditAgreement
    reason: str  # ORDER | REFUND | ORDER_EDIT | ...
    at: datetime  # happened_at
    sales: tuple[Sale, ...]


@dataclass(frozen=True, slots=True)
class Edit:
    at: datetime
    note: str | None
    tags: str


@dataclass(slots=True)
class Order:
    index: int
    id: int
    number: int  # order_number (name is "#<number>")
    processed_at: datetime
    customer: Customer | None
    email: str | None
    shipping_address: Address | None
    billing_address: Address | None
    currency: str  # presentment currency
    rate: Decimal  # presentment units per shop unit
    source_name: str
    gateway: str
    lines: list[Line]
    shipping_lines: list[ShippingLine]
    applications: list[DiscountApplication]
    test: bool = False
    pending: bool = False  # unpaid at checkout (manual payment)
    paid_at: datetime | None = None
    fulfilled_at: datetime | None = None
    cancelled_at: datetime | None = None
    cancel_reason: str | None = None
    deleted_at: datetime | None = None
    note: str | None = None
    tags: str = ""
    edits: list[Edit] = field(default_factory=list)
    refunds: list[Refund] = field(default_factory=list)
    sale_transaction_id: int = 0
    token: str = ""
    cases: set[str] = field(default_factory=set)  # scripted/natural cases, for tests
    shop: ShopProfile = US
    taxes_included: bool = False  # the order's own flag (prices, discounts, refunds incl. tax)
    tips: list[Tip] = field(default_factory=list)
    agreements: list[Agreement] = field(default_factory=list)  # the ledger, in time order

    # ---- money at checkout (shop currency), fixed by `seal()` -----------------------------
    total_line_items_price: Decimal = ZERO
    line_discounts: Decimal = ZERO
    shipping_price: Decimal = ZERO
    shipping_discounts: Decimal = ZERO
    subtotal_price: Decimal = ZERO
    total_tax: Decimal = ZERO
    total_discounts: Decimal = ZERO
    total_duties: Decimal = ZERO
    total_tips: Decimal = ZERO
    total_price: Decimal = ZERO

    def seal(self) -> None:
        """Compute the checkout totals once the lines, discounts and taxes are final."""
        self.total_line_items_price = sum((x.gross for x in self.lines), ZERO)
        self.line_discounts = sum((x.discount for x in self.lines), ZERO)
        self.shipping_price = sum((s.price for s in self.shipping_lines), ZERO)
        self.shipping_discounts = sum((s.discount for s in self.shipping_lines), ZERO)
        self.subtotal_price = self.total_line_items_price - self.line_discounts
        self.total_tax = sum((x.tax for x in self.lines), ZERO) + sum(
            (s.tax for s in self.shipping_lines), ZERO
        )
        self.total_discounts = self.line_discounts + self.shipping_discounts
        self.total_price = self.subtotal_price + self.shipping_price - self.shipping_discounts
        if not self.taxes_included:
            self.total_price += self.total_tax
        if self.tips or any(x.duties for x in self.lines):
            self.total_duties = sum((x.duty for x in self.lines), ZERO)
            self.total_tips = sum((t.amount for t in self.tips), ZERO)
            self.total_price += self.total_duties + self.total_tips

    # ---- state as of a cutoff -----------------------------------------------------------
    def refunds_before(self, cutoff: datetime) -> list[Refund]:
        return [r for r in self.refunds if r.at < cutoff]

    def is_paid(self, cutoff: datetime) -> bool:
        return not self.pending or (self.paid_at is not None and self.paid_at < cutoff)

    def event_times(self) -> list[datetime]:
        times = [self.processed_at]
        times += [t for t in (self.paid_at, self.fulfilled_at, self.cancelled_at) if t]
        times += [e.at for e in self.edits]
        times += [r.at for r in self.refunds]
        if self.deleted_at:
            times.append(self.deleted_at)
        return times

    def updated_at(self, cutoff: datetime) -> datetime:
        return max(t for t in self.event_times() if t < cutoff)

    @property
    def last_event_at(self) -> datetime:
        return max(self.event_times())
