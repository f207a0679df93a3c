"""`Reporter`: everything the dashboard shows, read from the marts and cached."""

from __future__ import annotations

from collections.abc import Callable, Hashable
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from spoon.dashboard import queries
from spoon.dashboard.backends import Backend, Rows, connect
from spoon.dashboard.cache import QueryCache, data_version
from spoon.dashboard.kpis import Kpi, Period, Totals, build_kpis
from spoon.dashboard.queries import Freshness, Grain, LeaderboardLevel, Reconciliation, Shops
from spoon.settings import Settings

T = TypeVar("T")


@dataclass(frozen=True)
class ShopChoice:
    """One entry of the shop picker: a shop, or every shop of one currency summed."""

    label: str
    shops: tuple[str, ...]
    currency: str


def shop_choices(shops: list[tuple[str, str]]) -> list[ShopChoice]:
    """Each shop (`shop_eu · EUR`), then `All USD shops (2)` for a currency with several;
    totals are only ever summed within one currency. [] with fewer than two shops."""
    if len(shops) < 2:
        return []
    out = [ShopChoice(f"{shop} · {cur}" if cur else shop, (shop,), cur) for shop, cur in shops]
    by_currency: dict[str, list[str]] = {}
    for shop, cur in shops:
        by_currency.setdefault(cur, []).append(shop)
    for cur, members in sorted(by_currency.items()):
        if len(members) > 1 and cur:
            out.append(ShopChoice(f"All {cur} shops ({len(members)})", tuple(members), cur))
    return out


class Reporter:
    """Cached, read-only access to the marts for one warehouse."""

    def __init__(
        self,
        backend: Backend,
        *,
        cache: QueryCache | None = None,
        refresh_file: Path | None = None,
    ) -> None:
        self.backend = backend
        self.cache = cache or QueryCache(lambda: "static", ttl=0)
        self.refresh_file = refresh_file
        #: the shops shown (None: every row, a single-shop warehouse); see `for_shops`
        self.shops: Shops = None

    @classmethod
    def from_settings(cls, settings: Settings) -> Reporter:
        return cls(
            connect(settings),
            cache=QueryCache(
                lambda: data_version(settings), ttl=float(settings.dashboard_cache_ttl_seconds)
            ),
            refresh_file=Path(settings.dashboard_refresh_file),
        )

    def _cached(self, key: Hashable, compute: Callable[[], T]) -> T:
        return self.cache.get(key, compute)

    def describe(self) -> str:
        return self.backend.describe()

    # ---- which shops ---------------------------------------------------------------------
    def shop_choices(self) -> list[ShopChoice]:
        """What the shop picker offers: each shop, then all shops of a currency that has
        several (summed); [] for a single-shop warehouse (nothing to pick)."""
        shops = self._cached(("shops",), lambda: queries.shop_currencies(self.backend))
        return shop_choices(shops)

    def for_shops(self, shops: Shops) -> Reporter:
        """The same reporter (backend and cache) showing only `shops`."""
        other = Reporter(
            self.backend,
            cache=self.cache,
            refresh_file=self.refresh_file,
        )
        other.shops = tuple(shops) if shops is not None else None
        return other

    def _shop_query(self, name: str, query: Callable[..., T], *args: Hashable) -> T:
        """`query(backend, *args, shops=...)` for the shops shown, cached under
        `(name, *args, shops)`."""
        return self._cached(
            (name, *args, self.shops), lambda: query(self.backend, *args, shops=self.shops)
        )

    def bounds(self) -> Period | None:
        return self._shop_query("bounds", queries.date_bounds)

    def currency(self) -> str:
        return self._shop_query("currency", queries.currency)

    def totals(self, period: Period) -> Totals:
        return self._shop_query("totals", queries.period_totals, period)

    def kpis(self, period: Period) -> list[Kpi]:
        """The header KPIs; the change is vs the previous period when the shop had one."""
        bounds = self.bounds()
        previous = period.previous()
        has_previous = bounds is not None and previous.end >= bounds.start
        return build_kpis(self.totals(period), self.totals(previous) if has_previous else None)

    def sales_over_time(self, period: Period, grain: Grain) -> Rows:
        return self._shop_query("sales", queries.sales_over_time, period, grain)

    def geo(self, period: Period | None) -> Rows:
        return self._shop_query("geo", queries.sales_by_geo, period)

    def top_customers(self, period: Period | None, limit: int = 25) -> Rows:
        return self._shop_query("customers", queries.top_customers, period, limit)

    def cohorts(self, period: Period | None) -> Rows:
        return self._shop_query("cohorts", queries.cohorts, period)

    def products(self, period: Period, level: LeaderboardLevel, limit: int = 25) -> Rows:
        return self._shop_query("products", queries.product_leaderboard, period, level, limit)

    def growth(self) -> Rows:
        return self._shop_query("growth", queries.growth)

    def reconciliation(self) -> Reconciliation | None:
        return self._shop_query("reconciliation", queries.reconciliation)

    def reconciliation_rows(self, status: str = "differs") -> Rows:
        return self._shop_query("reconciliation_rows", queries.reconciliation_rows, status)

    def freshness(self) -> Freshness:
        return self._cached(
            ("freshness",),
            lambda: queries.freshness(self.backend, refresh_file=self.refresh_file),
        )
