"""Geography helpers: which rows are the US, state names and codes, the US states outline.

`us-states-10m.json` is `states-10m.json` from the us-atlas package (ISC licence,
Copyright 2013-2019 Michael Bostock), shipped so the map needs no network.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from importlib import resources
from typing import Any

from spoon.dashboard.backends import Rows

US_NAMES = {"united states", "united states of america", "us", "usa"}

STATE_CODES: dict[str, str] = {
    "Alabama": "AL", "Alaska": "AK", "Arizona": "AZ", "Arkansas": "AR", "California": "CA",
    "Colorado": "CO", "Connecticut": "CT", "Delaware": "DE", "District of Columbia": "DC",
    "Florida": "FL", "Georgia": "GA", "Hawaii": "HI", "Idaho": "ID", "Illinois": "IL",
    "Indiana": "IN", "Iowa": "IA", "Kansas": "KS", "Kentucky": "KY", "Louisiana": "LA",
    "Maine": "ME", "Maryland": "MD", "Massachusetts": "MA", "Michigan": "MI",
    "Minnesota": "MN", "Mississippi": "MS", "Missouri": "MO", "Montana": "MT",
    "Nebraska": "NE", "Nevada": "NV", "New Hampshire": "NH", "New Jersey": "NJ",
    "New Mexico": "NM", "New York": "NY", "North Carolina": "NC", "North Dakota": "ND",
    "Ohio": "OH", "Oklahoma": "OK", "Oregon": "OR", "Pennsylvania": "PA",
    "Rhode Island": "RI", "South Carolina": "SC", "South Dakota": "SD", "Tennessee": "TN",
    "Texas": "TX", "Utah": "UT", "Vermont": "VT", "Virginia": "VA", "Washington": "WA",
    "West Virginia": "WV", "Wisconsin": "WI", "Wyoming": "WY", "Puerto Rico": "PR",
    "Guam": "GU", "American Samoa": "AS", "United States Virgin Islands": "VI",
    "Commonwealth of the Northern Mariana Islands": "MP",
}  # fmt: skip
STATE_NAMES: dict[str, str] = {code: name for name, code in STATE_CODES.items()}
_ALIASES = {
    "virgin islands": "United States Virgin Islands",
    "washington dc": "District of Columbia",
    "washington, d.c.": "District of Columbia",
    "northern mariana islands": "Commonwealth of the Northern Mariana Islands",
}
_BY_LOWER = {name.lower(): name for name in STATE_CODES} | _ALIASES


def is_us(country: str | None) -> bool:
    return bool(country) and str(country).strip().lower() in US_NAMES


def state_name(province: str | None) -> str | None:
    """The us-atlas name of a state given its name or its two-letter code."""
    if not province:
        return None
    text = str(province).strip()
    if text.upper() in STATE_NAMES:
        return STATE_NAMES[text.upper()]
    return _BY_LOWER.get(text.lower())


@dataclass(frozen=True)
class GeoSplit:
    """Geography rows split the way merchants read them."""

    states: list[dict[str, Any]]  # one per US state: state, code, orders, net/total sales
    cities: list[dict[str, Any]]  # US rows down to city
    countries: list[dict[str, Any]]  # countries other than the US, one row each
    us_net_sales: Decimal
    abroad_net_sales: Decimal


def split_geo(rows: Rows) -> GeoSplit:
    states: dict[str, dict[str, Any]] = defaultdict(
        lambda: {"orders": 0, "net_sales": Decimal(0), "total_sales": Decimal(0)}
    )
    countries: dict[str, dict[str, Any]] = defaultdict(
        lambda: {"orders": 0, "net_sales": Decimal(0), "total_sales": Decimal(0)}
    )
    cities: list[dict[str, Any]] = []
    for row in rows.dicts():
        orders = int(row["orders"] or 0)
        net = Decimal(row["net_sales"] or 0)
        total = Decimal(row["total_sales"] or 0)
        if is_us(row["country"]):
            name = state_name(row["province"]) or (row["province"] or "(no state)")
            agg = states[name]
            cities.append(
                {
                    "state": name,
                    "city": row["city"] or "(no city)",
                    "orders": orders,
                    "net_sales": net,
                    "total_sales": total,
                }
            )
        else:
            agg = countries[row["country"] or "(no shipping address)"]
        agg["orders"] += orders
        agg["net_sales"] += net
        agg["total_sales"] += total
    state_rows = [
        {"state": name, "code": STATE_CODES.get(name, ""), **agg} for name, agg in states.items()
    ]
    country_rows = [{"country": name, **agg} for name, agg in countries.items()]
    state_rows.sort(key=lambda r: (-r["net_sales"], r["state"]))
    country_rows.sort(key=lambda r: (-r["net_sales"], r["country"]))
    cities.sort(key=lambda r: (-r["net_sales"], r["state"], r["city"]))
    return GeoSplit(
        states=state_rows,
        cities=cities,
        countries=country_rows,
        us_net_sales=sum((r["net_sales"] for r in state_rows), Decimal(0)),
        abroad_net_sales=sum((r["net_sales"] for r in country_rows), Decimal(0)),
    )


@lru_cache(maxsize=1)
def us_states_topojson() -> dict[str, Any]:
    """The US states outline (TopoJSON, object `states`, feature property `name`)."""
    text = resources.files("spoon.dashboard").joinpath("us-states-10m.json").read_text()
    data: dict[str, Any] = json.loads(text)
    return data
