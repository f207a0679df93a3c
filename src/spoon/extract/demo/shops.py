"""The demo shops: who the shop is (name, zone, currency, tax rule, catalog), one object each.

A `ShopProfile` is everything the generator and the records need to know about the shop
itself; `History` takes one (by `DemoConfig.profile`), so several shops can be generated
in one process, each with its own ids, zone and currency in its records.

- `us`: today's default, a US shop in America/Los_Angeles, USD, sales tax on top.
- `eu`: a tax-inclusive shop in Europe/Berlin, EUR, 19 % / 7 % VAT inside the prices.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from spoon.extract.demo import catalog, catalog_eu, places
from spoon.extract.demo.catalog import LocationSpec, ProductSpec


@dataclass(frozen=True)
class ShopProfile:
    key: str
    name: str
    shop_url: str  # what the connector calls the shop (its `shop` setting), on every record
    myshopify_domain: str
    domain: str
    email: str
    customer_email: str
    owner: str
    timezone: str  # IANA
    timezone_label: str
    currency: str
    country_code: str
    country_name: str
    latitude: float
    longitude: float
    locale: str  # primary_locale
    home_locale: str  # customer_locale of an order paid in the shop's currency
    money_format: str
    money_with_currency_format: str
    weight_unit: str
    grams_per_weight_unit: float
    taxes_included: bool  # the shop's default; each order carries its own
    county_taxes: bool | None
    made_in: str
    products: tuple[ProductSpec, ...]
    locations: tuple[LocationSpec, ...]
    presentment_currencies: tuple[str, ...]
    usd_rate: Decimal  # USD per shop unit, for `total_price_usd`
    rng: str  # prefix of the generator's seeded RNG names
    default_orders: int  # orders when SPOON_DEMO_ORDERS is not set
    tz: ZoneInfo = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "tz", ZoneInfo(self.timezone))

    # ---- the shop's clock ------------------------------------------------------------------
    def local_instant(self, day: date, at: time, fold: int = 0) -> datetime:
        """A wall-clock time in the shop's zone, as a UTC instant (DST aware)."""
        return datetime.combine(day, at, tzinfo=self.tz).replace(fold=fold).astimezone(UTC)

    def day_cutoff(self, day: date) -> datetime:
        """The instant the shop-local `day` ends (next local midnight), in UTC."""
        return self.local_instant(day + timedelta(days=1), time(0, 0))

    def local_date(self, at: datetime) -> date:
        return at.astimezone(self.tz).date()

    def ts(self, at: datetime | None) -> str | None:
        """ISO-8601 with the shop's UTC offset, e.g. 2026-03-07T23:30:00-08:00."""
        return None if at is None else at.astimezone(self.tz).isoformat(timespec="seconds")

    def dst_change_days(self, start: date, days: int) -> list[date]:
        """Days in the window on which the shop's UTC offset changes."""
        found = []
        for k in range(1, days):
            day = start + timedelta(days=k)
            if (
                datetime.combine(day, time(12), self.tz).utcoffset()
                != datetime.combine(day - timedelta(days=1), time(12), self.tz).utcoffset()
            ):
                found.append(day)
        return found


US = ShopProfile(
    key="us",
    name="Willow's Spoon",
    shop_url="willows-spoon-demo",
    myshopify_domain="willows-spoon-demo.myshopify.com",
    domain="willows-spoon.example.com",
    email="hello@willows-spoon.example.com",
    customer_email="orders@willows-spoon.example.com",
    owner="Willow Hart",
    timezone="America/Los_Angeles",
    timezone_label="(GMT-08:00) America/Los_Angeles",
    currency="USD",
    country_code="US",
    country_name="United States",
    latitude=45.5048,
    longitude=-122.6511,
    locale="en",
    home_locale="en-US",
    money_format="${{amount}}",
    money_with_currency_format="${{amount}} USD",
    weight_unit="lb",
    grams_per_weight_unit=453.592,
    taxes_included=False,
    county_taxes=True,
    made_in="Portland",
    products=catalog.PRODUCTS,
    locations=catalog.LOCATIONS,
    presentment_currencies=tuple(sorted({"USD"} | {c.currency for c in places.ABROAD})),
    usd_rate=Decimal(1),
    rng="spoon-demo",
    default_orders=20_000,
)

EU = ShopProfile(
    key="eu",
    name="Willow's Spoon Berlin",
    shop_url="willows-spoon-berlin",
    myshopify_domain="willows-spoon-berlin.myshopify.com",
    domain="willows-spoon.example.eu",
    email="hallo@willows-spoon.example.eu",
    customer_email="bestellungen@willows-spoon.example.eu",
    owner="Willow Hart",
    timezone="Europe/Berlin",
    timezone_label="(GMT+01:00) Europe/Berlin",
    currency="EUR",
    country_code="DE",
    country_name="Germany",
    latitude=52.4993,
    longitude=13.4185,
    locale="de",
    home_locale="de-DE",
    money_format="{{amount_with_comma_separator}} €",
    money_with_currency_format="{{amount_with_comma_separator}} EUR",
    weight_unit="kg",
    grams_per_weight_unit=1000.0,
    taxes_included=True,
    county_taxes=None,
    made_in="Berlin",
    products=catalog_eu.PRODUCTS,
    locations=catalog_eu.LOCATIONS,
    presentment_currencies=tuple(sorted({m.currency for m in catalog_eu.MARKETS})),
    usd_rate=Decimal("1.08"),
    rng="spoon-demo-eu",
    default_orders=2_000,
)

PROFILES: dict[str, ShopProfile] = {p.key: p for p in (US, EU)}


def profile(key: str) -> ShopProfile:
    """The shop of a profile name (`us` or `eu`); a wrong name is a one-line error."""
    from spoon.errors import SpoonError

    found = PROFILES.get(key)
    if found is None:
        raise SpoonError(
            f"unknown demo profile {key!r}; use one of {', '.join(PROFILES)} "
            "(SPOON_DEMO_PROFILE or --profile)"
        )
    return found
