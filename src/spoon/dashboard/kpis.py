"""KPI maths: period totals, the previous period, change ratios and how they are shown.

Money is `Decimal` all the way; ratios are rounded only when formatted.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Literal

from spoon.metrics import MONEY_COLUMNS

ZERO = Decimal("0.00")
CENT = Decimal("0.01")

Kind = Literal["money", "count", "ratio"]


@dataclass(frozen=True)
class Period:
    """An inclusive range of shop-local days."""

    start: date
    end: date

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise ValueError(f"period ends ({self.end}) before it starts ({self.start})")

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def previous(self) -> Period:
        """The period of the same length that ends the day before this one starts."""
        end = self.start - timedelta(days=1)
        return Period(end - timedelta(days=self.days - 1), end)

    def label(self) -> str:
        return f"{self.start:%b %-d, %Y} to {self.end:%b %-d, %Y}"


@dataclass(frozen=True)
class Totals:
    """What the KPI header needs for one period (all from the marts)."""

    orders: int
    money: dict[str, Decimal]
    order_value: Decimal  # gross sales - discounts of the period's orders
    customers: int  # distinct customers with an order in the period
    returning_customers: int  # of those, customers who had ordered on an earlier day

    @classmethod
    def empty(cls) -> Totals:
        return cls(0, dict.fromkeys(MONEY_COLUMNS, ZERO), ZERO, 0, 0)

    @property
    def average_order_value(self) -> Decimal | None:
        if not self.orders:
            return None
        return (self.order_value / self.orders).quantize(CENT, ROUND_HALF_UP)

    @property
    def returning_customer_rate(self) -> Decimal | None:
        if not self.customers:
            return None
        return Decimal(self.returning_customers) / Decimal(self.customers)


@dataclass(frozen=True)
class Kpi:
    key: str
    label: str
    kind: Kind
    value: Decimal | int | None
    previous: Decimal | int | None
    help: str = ""

    @property
    def change(self) -> Decimal | None:
        """Relative change vs the previous period (0.125 = +12.5%), None when undefined."""
        if self.value is None or self.previous is None or self.previous == 0:
            return None
        if self.kind == "ratio":  # a rate changes in points, not in percent of itself
            return Decimal(self.value) - Decimal(self.previous)
        return (Decimal(self.value) - Decimal(self.previous)) / abs(Decimal(self.previous))

    @property
    def shown(self) -> str:
        return format_value(self.value, self.kind)

    @property
    def delta(self) -> str | None:
        """The change as shown under the figure, e.g. '+12.5%' or '-3.1 pts'."""
        change = self.change
        if change is None:
            return None
        if self.kind == "ratio":
            return f"{_pct(change, sign=True)} pts"
        return f"{_pct(change, sign=True)}%"


def build_kpis(current: Totals, previous: Totals | None) -> list[Kpi]:
    """The five header KPIs with their change vs the previous period."""
    prev = previous or Totals.empty()
    has_prev = previous is not None
    return [
        Kpi(
            "net_sales",
            "Net sales",
            "money",
            current.money["net_sales"],
            prev.money["net_sales"] if has_prev else None,
            "Gross sales - discounts - returns",
        ),
        Kpi(
            "total_sales",
            "Total sales",
            "money",
            current.money["total_sales"],
            prev.money["total_sales"] if has_prev else None,
            "Net sales + shipping + duties + taxes (tips are not sales)",
        ),
        Kpi(
            "orders",
            "Orders",
            "count",
            current.orders,
            prev.orders if has_prev else None,
            "Orders placed in the period (test and deleted orders excluded)",
        ),
        Kpi(
            "average_order_value",
            "Average order value",
            "money",
            current.average_order_value,
            prev.average_order_value if has_prev else None,
            "(Gross sales - discounts) of the period's orders ÷ orders",
        ),
        Kpi(
            "returning_customer_rate",
            "Returning rate",
            "ratio",
            current.returning_customer_rate,
            prev.returning_customer_rate if has_prev else None,
            "Returning-customer rate: share of the period's customers "
            "who had ordered on an earlier day",
        ),
    ]


def _pct(value: Decimal | float | int, sign: bool = False) -> str:
    """A ratio as a percentage with one decimal, rounded half up (0.0425 -> 4.3)."""
    pct = (Decimal(str(value)) * 100).quantize(Decimal("0.1"), ROUND_HALF_UP)
    return f"{pct:+.1f}" if sign else f"{pct:.1f}"


def format_money(value: Decimal | float | int | None, currency: str = "") -> str:
    if value is None:
        return "-"
    amount = Decimal(str(value)).quantize(CENT, ROUND_HALF_UP)
    sign = "-" if amount < 0 else ""
    prefix = f"{currency} " if currency else ""
    return f"{sign}{prefix}{abs(amount):,.2f}"


def format_value(value: Decimal | float | int | None, kind: Kind, currency: str = "") -> str:
    if value is None:
        return "-"
    if kind == "money":
        return format_money(value, currency)
    if kind == "count":
        return f"{int(value):,}"
    return f"{_pct(value)}%"


def format_growth(value: Decimal | float | None) -> str:
    return "-" if value is None else f"{_pct(value, sign=True)}%"
