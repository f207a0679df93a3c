"""Where the default (US) shop's customers live: the US states with their sales tax, and
the countries abroad it ships to, with their currency. Nothing here is random."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

_D = Decimal


@dataclass(frozen=True)
class State:
    code: str
    name: str
    weight: float  # share of US orders
    tax_rate: Decimal  # state sales tax
    taxes_shipping: bool
    cities: tuple[tuple[str, str, Decimal], ...]  # (city, zip prefix, local tax rate)


# fmt: off
US_STATES: tuple[State, ...] = (
    State("CA", "California", 12.0, _D("0.0725"), False, (
        ("Los Angeles", "900", _D("0.0225")), ("San Francisco", "941", _D("0.01375")),
        ("San Diego", "921", _D("0.0050")), ("Oakland", "946", _D("0.0300")),
        ("Sacramento", "958", _D("0.0150")), ("Fresno", "937", _D("0.0100")),
    )),
    State("TX", "Texas", 8.5, _D("0.0625"), True, (
        ("Austin", "787", _D("0.0200")), ("Houston", "770", _D("0.0200")),
        ("Dallas", "752", _D("0.0200")), ("San Antonio", "782", _D("0.0200")),
    )),
    State("NY", "New York", 7.0, _D("0.0400"), True, (
        ("New York", "100", _D("0.04875")), ("Brooklyn", "112", _D("0.04875")),
        ("Buffalo", "142", _D("0.0475")), ("Rochester", "146", _D("0.0400")),
    )),
    State("FL", "Florida", 6.5, _D("0.0600"), False, (
        ("Miami", "331", _D("0.0100")), ("Orlando", "328", _D("0.0050")),
        ("Tampa", "336", _D("0.0150")),
    )),
    State("WA", "Washington", 5.0, _D("0.0650"), True, (
        ("Seattle", "981", _D("0.0385")), ("Spokane", "992", _D("0.0250")),
        ("Tacoma", "984", _D("0.0370")),
    )),
    State("OR", "Oregon", 4.5, _D(0), False, (
        ("Portland", "972", _D(0)), ("Eugene", "974", _D(0)), ("Bend", "977", _D(0)),
    )),
    State("IL", "Illinois", 4.0, _D("0.0625"), False, (
        ("Chicago", "606", _D("0.0400")), ("Evanston", "602", _D("0.0375")),
    )),
    State("PA", "Pennsylvania", 3.8, _D("0.0600"), False, (
        ("Philadelphia", "191", _D("0.0200")), ("Pittsburgh", "152", _D("0.0100")),
    )),
    State("MA", "Massachusetts", 3.2, _D("0.0625"), False, (
        ("Boston", "021", _D(0)), ("Cambridge", "021", _D(0)), ("Worcester", "016", _D(0)),
    )),
    State("CO", "Colorado", 3.0, _D("0.0290"), True, (
        ("Denver", "802", _D("0.0481")), ("Boulder", "803", _D("0.0386")),
    )),
    State("GA", "Georgia", 2.8, _D("0.0400"), True, (
        ("Atlanta", "303", _D("0.0490")), ("Savannah", "314", _D("0.0300")),
    )),
    State("NC", "North Carolina", 2.7, _D("0.0475"), True, (
        ("Raleigh", "276", _D("0.0250")), ("Asheville", "288", _D("0.0225")),
        ("Durham", "277", _D("0.0275")),
    )),
    State("MI", "Michigan", 2.4, _D("0.0600"), True, (
        ("Detroit", "482", _D(0)), ("Ann Arbor", "481", _D(0)),
    )),
    State("MN", "Minnesota", 2.2, _D("0.06875"), True, (
        ("Minneapolis", "554", _D("0.01775")), ("Saint Paul", "551", _D("0.01875")),
    )),
    State("VA", "Virginia", 2.1, _D("0.0530"), False, (
        ("Richmond", "232", _D("0.0070")), ("Arlington", "222", _D("0.0070")),
    )),
    State("AZ", "Arizona", 2.0, _D("0.0560"), False, (
        ("Phoenix", "850", _D("0.0300")), ("Tucson", "857", _D("0.0260")),
    )),
    State("NJ", "New Jersey", 1.9, _D("0.06625"), True, (
        ("Jersey City", "073", _D(0)), ("Princeton", "085", _D(0)),
    )),
    State("OH", "Ohio", 1.8, _D("0.0575"), True, (
        ("Columbus", "432", _D("0.0175")), ("Cleveland", "441", _D("0.0225")),
        ("Cincinnati", "452", _D("0.0205")),
    )),
    State("UT", "Utah", 1.4, _D("0.0485"), True, (("Salt Lake City", "841", _D("0.0290")),)),
    State("TN", "Tennessee", 1.4, _D("0.0700"), True, (
        ("Nashville", "372", _D("0.0225")), ("Memphis", "381", _D("0.0275")),
    )),
    State("WI", "Wisconsin", 1.2, _D("0.0500"), True, (
        ("Madison", "537", _D("0.0050")), ("Milwaukee", "532", _D("0.0090")),
    )),
    State("MD", "Maryland", 1.2, _D("0.0600"), False, (("Baltimore", "212", _D(0)),)),
    State("VT", "Vermont", 0.8, _D("0.0600"), True, (("Burlington", "054", _D("0.0100")),)),
    State("ME", "Maine", 0.7, _D("0.0550"), False, (("Portland", "041", _D(0)),)),
    State("NH", "New Hampshire", 0.6, _D(0), False, (("Concord", "033", _D(0)),)),
    State("MT", "Montana", 0.5, _D(0), False, (
        ("Missoula", "598", _D(0)), ("Bozeman", "597", _D(0)),
    )),
    State("NM", "New Mexico", 0.6, _D("0.04875"), True, (("Santa Fe", "875", _D("0.0356")),)),
    State("HI", "Hawaii", 0.5, _D("0.0400"), True, (("Honolulu", "968", _D("0.0050")),)),
    State("AK", "Alaska", 0.3, _D(0), False, (("Anchorage", "995", _D(0)),)),
)
# fmt: on


@dataclass(frozen=True)
class Country:
    code: str
    name: str
    weight: float  # share of orders abroad
    currency: str  # local presentment currency
    rate: Decimal  # units of `currency` per USD
    places: tuple[tuple[str, str | None, str | None, str], ...]  # city, province, code, zip


# fmt: off
ABROAD: tuple[Country, ...] = (
    Country("CA", "Canada", 4.0, "CAD", _D("1.37"), (
        ("Toronto", "Ontario", "ON", "M5V 2T6"), ("Vancouver", "British Columbia", "BC", "V6B 1A1"),
        ("Montreal", "Quebec", "QC", "H2X 1Y4"), ("Calgary", "Alberta", "AB", "T2P 1J9"),
    )),
    Country("GB", "United Kingdom", 2.5, "GBP", _D("0.79"), (
        ("London", "England", "ENG", "EC1A 1BB"), ("Manchester", "England", "ENG", "M1 1AE"),
        ("Edinburgh", "Scotland", "SCT", "EH1 1YZ"),
    )),
    Country("DE", "Germany", 1.5, "EUR", _D("0.92"), (
        ("Berlin", None, None, "10115"), ("Munich", None, None, "80331"),
        ("Hamburg", None, None, "20095"),
    )),
    Country("FR", "France", 1.0, "EUR", _D("0.92"), (
        ("Paris", None, None, "75001"), ("Lyon", None, None, "69001"),
    )),
    Country("AU", "Australia", 1.2, "AUD", _D("1.52"), (
        ("Sydney", "New South Wales", "NSW", "2000"), ("Melbourne", "Victoria", "VIC", "3000"),
    )),
    Country("JP", "Japan", 0.6, "JPY", _D(151), (
        ("Tokyo", "Tokyo", "JP-13", "100-0001"), ("Kyoto", "Kyōto", "JP-26", "600-8001"),
    )),
    Country("NL", "Netherlands", 0.5, "EUR", _D("0.92"), (("Amsterdam", None, None, "1012"),)),
)
# fmt: on

#: Currencies whose amounts have no minor unit.
ZERO_DECIMAL_CURRENCIES = frozenset({"JPY"})
