"""`Reporter`: everything the dashboard shows, read from the marts and cached."""

from __future__ import annotations

from collections.abc import Callable, Hashable
from pathlib import Path
from typing import TypeVar

from spoon.reporting import queries
from spoon.reporting.backends import Backend, Rows, connect
from spoon.reporting.cache import QueryCache, data_version
from spoon.reporting.kpis import Kpi, Period, Totals, build_kpis
from spoon.reporting.queries import Freshness, Grain, LeaderboardLevel, Reconciliation
from spoon.settings import Settings

T = TypeVar("T")


class Reporter:
    """Cached, read-only access to the marts for one warehouse."""

    def __init__(
        self,
        backend: Backend,
        *,
        cache: QueryCache | None = None,
        run_results: Path | None = None,
        refresh_file: Path | None = None,
    ) -> None:
        self.backend = backend
        self.cache = cache or QueryCache(lambda: "static", ttl=0)
        self.run_results = run_results
        self.refresh_file = refresh_file

    @classmethod
    def from_settings(cls, settings: Settings) -> Reporter:
        return cls(
            connect(settings),
            cache=QueryCache(
                lambda: data_version(settings), ttl=float(settings.dashboard_cache_ttl_seconds)
            ),
            run_results=Path(settings.dbt_project_dir) / "target" / "run_results.json",
            refresh_file=Path(settings.dashboard_refresh_file),
        )

    def _cached(self, key: Hashable, compute: Callable[[], T]) -> T:
        return self.cache.get(key, compute)

    def describe(self) -> str:
        return self.backend.describe()

    def bounds(self) -> Period | None:
        return self._cached(("bounds",), lambda: queries.date_bounds(self.backend))

    def currency(self) -> str:
        return self._cached(("currency",), lambda: queries.currency(self.backend))

    def totals(self, period: Period) -> Totals:
        return self._cached(("totals", period), lambda: queries.period_totals(self.backend, period))

    def kpis(self, period: Period) -> list[Kpi]:
        """The header KPIs; the change is vs the previous period when the shop had one."""
        bounds = self.bounds()
        previous = period.previous()
        has_previous = bounds is not None and previous.end >= bounds.start
        return build_kpis(self.totals(period), self.totals(previous) if has_previous else None)

    def sales_over_time(self, period: Period, grain: Grain) -> Rows:
        return self._cached(
            ("sales", period, grain), lambda: queries.sales_over_time(self.backend, period, grain)
        )

    def geo(self, period: Period | None) -> Rows:
        return self._cached(("geo", period), lambda: queries.sales_by_geo(self.backend, period))

    def top_customers(self, period: Period | None, limit: int = 25) -> Rows:
        return self._cached(
            ("customers", period, limit),
            lambda: queries.top_customers(self.backend, period, limit),
        )

    def cohorts(self, period: Period | None) -> Rows:
        return self._cached(("cohorts", period), lambda: queries.cohorts(self.backend, period))

    def products(self, period: Period, level: LeaderboardLevel, limit: int = 25) -> Rows:
        return self._cached(
            ("products", period, level, limit),
            lambda: queries.product_leaderboard(self.backend, period, level, limit),
        )

    def growth(self) -> Rows:
        return self._cached(("growth",), lambda: queries.growth(self.backend))

    def reconciliation(self) -> Reconciliation | None:
        return self._cached(("reconciliation",), lambda: queries.reconciliation(self.backend))

    def reconciliation_rows(self, status: str = "differs") -> Rows:
        return self._cached(
            ("reconciliation_rows", status),
            lambda: queries.reconciliation_rows(self.backend, status),
        )

    def freshness(self) -> Freshness:
        return self._cached(
            ("freshness",),
            lambda: queries.freshness(
                self.backend, run_results=self.run_results, refresh_file=self.refresh_file
            ),
        )
