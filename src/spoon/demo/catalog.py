"""Fixed reference data of the demo shop: what it sells, where its customers live, names.

Nothing here is random: the generator draws from these tables with its seeded RNG.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal


@dataclass(frozen=True)
class ProductSpec:
    title: str
    product_type: str
    vendor: str
    option: str  # the variant option's name
    variants: tuple[tuple[str, str, int], ...]  # (variant title, price, grams)
    popularity: float
    gift_card: bool = False
    #: VAT class in a tax-inclusive shop: "standard" or "reduced" (books, food)
    tax_class: str = "standard"
    hs_code: str = ""  # harmonized system code (customs), where duties apply


@dataclass(frozen=True)
class LocationSpec:
    name: str
    address1: str
    city: str
    province: str | None
    province_code: str | None
    zip: str
    phone: str
    id_base: int
    opened_after_days: int  # after the shop's creation


PRODUCTS: tuple[ProductSpec, ...] = (
    ProductSpec(
        "Cherry Wood Spoon",
        "Spoons",
        "Willow's Spoon",
        "Size",
        (("Small", "18.00", 40), ("Medium", "24.00", 60), ("Large", "29.00", 80)),
        10.0,
    ),
    ProductSpec(
        "Walnut Serving Spoon",
        "Spoons",
        "Willow's Spoon",
        "Finish",
        (("Oiled", "34.00", 90), ("Waxed", "36.00", 90)),
        7.0,
    ),
    ProductSpec(
        "Maple Stirring Spoon",
        "Spoons",
        "Willow's Spoon",
        "Length",
        (("10 in", "16.00", 45), ("12 in", "19.00", 55)),
        8.0,
    ),
    ProductSpec(
        "Olive Wood Tasting Spoon",
        "Spoons",
        "Olive & Grain",
        "Pack",
        (("Single", "12.50", 20), ("Set of 4", "42.00", 80)),
        6.0,
    ),
    ProductSpec(
        "Hand-Carved Ladle",
        "Ladles",
        "Willow's Spoon",
        "Wood",
        (("Cherry", "58.00", 180), ("Walnut", "64.00", 190)),
        3.0,
    ),
    ProductSpec(
        "Spatula Trio",
        "Utensil Sets",
        "Willow's Spoon",
        "Wood",
        (("Maple", "45.00", 210), ("Cherry", "49.00", 210)),
        4.5,
    ),
    ProductSpec(
        "Cooking Utensil Set",
        "Utensil Sets",
        "Willow's Spoon",
        "Pieces",
        (("5 piece", "79.00", 420), ("7 piece", "104.00", 560)),
        3.0,
    ),
    ProductSpec(
        "End-Grain Cutting Board",
        "Boards",
        "Willow's Spoon",
        "Size",
        (("12 x 9", "89.00", 1500), ("16 x 12", "129.00", 2600), ("20 x 15", "169.00", 3900)),
        2.5,
    ),
    ProductSpec(
        "Serving Board",
        "Boards",
        "Willow's Spoon",
        "Wood",
        (("Cherry", "68.00", 1100), ("Walnut", "78.00", 1200)),
        3.0,
    ),
    ProductSpec(
        "Salad Servers",
        "Serveware",
        "Olive & Grain",
        "Wood",
        (("Olive", "38.00", 150), ("Acacia", "32.00", 150)),
        4.0,
    ),
    ProductSpec(
        "Wooden Bowl",
        "Serveware",
        "Turned Studio",
        "Size",
        (("8 in", "54.00", 500), ("11 in", "82.00", 900)),
        2.5,
    ),
    ProductSpec(
        "Spoon Butter",
        "Care",
        "Willow's Spoon",
        "Size",
        (("2 oz", "9.00", 70), ("6 oz", "19.00", 190)),
        7.5,
    ),
    ProductSpec(
        "Board Oil",
        "Care",
        "Willow's Spoon",
        "Size",
        (("4 oz", "11.00", 140), ("8 oz", "17.00", 260)),
        4.0,
    ),
    ProductSpec(
        "Carving Kit",
        "Workshop",
        "Willow's Spoon",
        "Level",
        (("Beginner", "65.00", 700), ("Advanced", "115.00", 950)),
        2.0,
    ),
    ProductSpec(
        "Hook Knife",
        "Workshop",
        "Northern Edge",
        "Hand",
        (("Right", "48.00", 110), ("Left", "48.00", 110)),
        1.5,
    ),
    ProductSpec(
        "Linen Tea Towel",
        "Textiles",
        "Loom & Field",
        "Color",
        (("Natural", "16.00", 80), ("Sage", "16.00", 80), ("Rust", "16.00", 80)),
        4.5,
    ),
    ProductSpec(
        "Apron",
        "Textiles",
        "Loom & Field",
        "Color",
        (("Charcoal", "46.00", 300), ("Tan", "46.00", 300)),
        2.0,
    ),
    ProductSpec(
        "Spoon Rest",
        "Accessories",
        "Turned Studio",
        "Wood",
        (("Cherry", "22.00", 120), ("Walnut", "24.00", 120)),
        3.5,
    ),
    ProductSpec(
        "Utensil Crock",
        "Accessories",
        "Clay Works",
        "Glaze",
        (("White", "39.00", 900), ("Speckled", "42.00", 900)),
        2.0,
    ),
    ProductSpec(
        "Honey Dipper", "Accessories", "Willow's Spoon", "Wood", (("Maple", "9.50", 25),), 3.5
    ),
    ProductSpec(
        "Gift Card",
        "Gift Cards",
        "Willow's Spoon",
        "Denomination",
        (("$25", "25.00", 0), ("$50", "50.00", 0), ("$100", "100.00", 0)),
        0.0,
        gift_card=True,
    ),
)


LOCATIONS: tuple[LocationSpec, ...] = (
    LocationSpec(
        "Portland Workshop",
        "1420 SE Division St",
        "Portland",
        "Oregon",
        "OR",
        "97202",
        "+1 503-555-0142",
        61_000_000_000,
        0,
    ),
    LocationSpec(
        "Oakland Studio",
        "510 Broadway",
        "Oakland",
        "California",
        "CA",
        "94607",
        "+1 510-555-0198",
        62_000_000_000,
        210,
    ),
)


@dataclass(frozen=True)
class State:
    code: str
    name: str
    weight: float  # share of US orders
    tax_rate: Decimal  # state sales tax
    taxes_shipping: bool
    cities: tuple[tuple[str, str, Decimal], ...]  # (city, zip prefix, local tax rate)


_D = Decimal
US_STATES: tuple[State, ...] = (
    State(
        "CA",
        "California",
        12.0,
        _D("0.0725"),
        False,
        (
            ("Los Angeles", "900", _D("0.0225")),
            ("San Francisco", "941", _D("0.01375")),
            ("San Diego", "921", _D("0.0050")),
            ("Oakland", "946", _D("0.0300")),
            ("Sacramento", "958", _D("0.0150")),
            ("Fresno", "937", _D("0.0100")),
        ),
    ),
    State(
        "TX",
        "Texas",
        8.5,
        _D("0.0625"),
        True,
        (
            ("Austin", "787", _D("0.0200")),
            ("Houston", "770", _D("0.0200")),
            ("Dallas", "752", _D("0.0200")),
            ("San Antonio", "782", _D("0.0200")),
        ),
    ),
    State(
        "NY",
        "New York",
        7.0,
        _D("0.0400"),
        True,
        (
            ("New York", "100", _D("0.04875")),
            ("Brooklyn", "112", _D("0.04875")),
            ("Buffalo", "142", _D("0.0475")),
            ("Rochester", "146", _D("0.0400")),
        ),
    ),
    State(
        "FL",
        "Florida",
        6.5,
        _D("0.0600"),
        False,
        (
            ("Miami", "331", _D("0.0100")),
            ("Orlando", "328", _D("0.0050")),
            ("Tampa", "336", _D("0.0150")),
        ),
    ),
    State(
        "WA",
        "Washington",
        5.0,
        _D("0.0650"),
        True,
        (
            ("Seattle", "981", _D("0.0385")),
            ("Spokane", "992", _D("0.0250")),
            ("Tacoma", "984", _D("0.0370")),
        ),
    ),
    State(
        "OR",
        "Oregon",
        4.5,
        _D("0"),
        False,
        (("Portland", "972", _D("0")), ("Eugene", "974", _D("0")), ("Bend", "977", _D("0"))),
    ),
    State(
        "IL",
        "Illinois",
        4.0,
        _D("0.0625"),
        False,
        (("Chicago", "606", _D("0.0400")), ("Evanston", "602", _D("0.0375"))),
    ),
    State(
        "PA",
        "Pennsylvania",
        3.8,
        _D("0.0600"),
        False,
        (("Philadelphia", "191", _D("0.0200")), ("Pittsburgh", "152", _D("0.0100"))),
    ),
    State(
        "MA",
        "Massachusetts",
        3.2,
        _D("0.0625"),
        False,
        (("Boston", "021", _D("0")), ("Cambridge", "021", _D("0")), ("Worcester", "016", _D("0"))),
    ),
    State(
        "CO",
        "Colorado",
        3.0,
        _D("0.0290"),
        True,
        (("Denver", "802", _D("0.0481")), ("Boulder", "803", _D("0.0386"))),
    ),
    State(
        "GA",
        "Georgia",
        2.8,
        _D("0.0400"),
        True,
        (("Atlanta", "303", _D("0.0490")), ("Savannah", "314", _D("0.0300"))),
    ),
    State(
        "NC",
        "North Carolina",
        2.7,
        _D("0.0475"),
        True,
        (
            ("Raleigh", "276", _D("0.0250")),
            ("Asheville", "288", _D("0.0225")),
            ("Durham", "277", _D("0.0275")),
        ),
    ),
    State(
        "MI",
        "Michigan",
        2.4,
        _D("0.0600"),
        True,
        (("Detroit", "482", _D("0")), ("Ann Arbor", "481", _D("0"))),
    ),
    State(
        "MN",
        "Minnesota",
        2.2,
        _D("0.06875"),
        True,
        (("Minneapolis", "554", _D("0.01775")), ("Saint Paul", "551", _D("0.01875"))),
    ),
    State(
        "VA",
        "Virginia",
        2.1,
        _D("0.0530"),
        False,
        (("Richmond", "232", _D("0.0070")), ("Arlington", "222", _D("0.0070"))),
    ),
    State(
        "AZ",
        "Arizona",
        2.0,
        _D("0.0560"),
        False,
        (("Phoenix", "850", _D("0.0300")), ("Tucson", "857", _D("0.0260"))),
    ),
    State(
        "NJ",
        "New Jersey",
        1.9,
        _D("0.06625"),
        True,
        (("Jersey City", "073", _D("0")), ("Princeton", "085", _D("0"))),
    ),
    State(
        "OH",
        "Ohio",
        1.8,
        _D("0.0575"),
        True,
        (
            ("Columbus", "432", _D("0.0175")),
            ("Cleveland", "441", _D("0.0225")),
            ("Cincinnati", "452", _D("0.0205")),
        ),
    ),
    State("UT", "Utah", 1.4, _D("0.0485"), True, (("Salt Lake City", "841", _D("0.0290")),)),
    State(
        "TN",
        "Tennessee",
        1.4,
        _D("0.0700"),
        True,
        (("Nashville", "372", _D("0.0225")), ("Memphis", "381", _D("0.0275"))),
    ),
    State(
        "WI",
        "Wisconsin",
        1.2,
        _D("0.0500"),
        True,
        (("Madison", "537", _D("0.0050")), ("Milwaukee", "532", _D("0.0090"))),
    ),
    State("MD", "Maryland", 1.2, _D("0.0600"), False, (("Baltimore", "212", _D("0")),)),
    State("VT", "Vermont", 0.8, _D("0.0600"), True, (("Burlington", "054", _D("0.0100")),)),
    State("ME", "Maine", 0.7, _D("0.0550"), False, (("Portland", "041", _D("0")),)),
    State("NH", "New Hampshire", 0.6, _D("0"), False, (("Concord", "033", _D("0")),)),
    State(
        "MT",
        "Montana",
        0.5,
        _D("0"),
        False,
        (("Missoula", "598", _D("0")), ("Bozeman", "597", _D("0"))),
    ),
    State("NM", "New Mexico", 0.6, _D("0.04875"), True, (("Santa Fe", "875", _D("0.0356")),)),
    State("HI", "Hawaii", 0.5, _D("0.0400"), True, (("Honolulu", "968", _D("0.0050")),)),
    State("AK", "Alaska", 0.3, _D("0"), False, (("Anchorage", "995", _D("0")),)),
)


@dataclass(frozen=True)
class Country:
    code: str
    name: str
    weight: float  # share of orders abroad
    currency: str  # local presentment currency
    rate: Decimal  # units of `currency` per USD
    places: tuple[tuple[str, str | None, str | None, str], ...]  # city, province, code, zip


ABROAD: tuple[Country, ...] = (
    Country(
        "CA",
        "Canada",
        4.0,
        "CAD",
        _D("1.37"),
        (
            ("Toronto", "Ontario", "ON", "M5V 2T6"),
            ("Vancouver", "British Columbia", "BC", "V6B 1A1"),
            ("Montreal", "Quebec", "QC", "H2X 1Y4"),
            ("Calgary", "Alberta", "AB", "T2P 1J9"),
        ),
    ),
    Country(
        "GB",
        "United Kingdom",
        2.5,
        "GBP",
        _D("0.79"),
        (
            ("London", "England", "ENG", "EC1A 1BB"),
            ("Manchester", "England", "ENG", "M1 1AE"),
            ("Edinburgh", "Scotland", "SCT", "EH1 1YZ"),
        ),
    ),
    Country(
        "DE",
        "Germany",
        1.5,
        "EUR",
        _D("0.92"),
        (
            ("Berlin", None, None, "10115"),
            ("Munich", None, None, "80331"),
            ("Hamburg", None, None, "20095"),
        ),
    ),
    Country(
        "FR",
        "France",
        1.0,
        "EUR",
        _D("0.92"),
        (("Paris", None, None, "75001"), ("Lyon", None, None, "69001")),
    ),
    Country(
        "AU",
        "Australia",
        1.2,
        "AUD",
        _D("1.52"),
        (("Sydney", "New South Wales", "NSW", "2000"), ("Melbourne", "Victoria", "VIC", "3000")),
    ),
    Country(
        "JP",
        "Japan",
        0.6,
        "JPY",
        _D("151"),
        (("Tokyo", "Tokyo", "JP-13", "100-0001"), ("Kyoto", "Kyōto", "JP-26", "600-8001")),
    ),
    Country("NL", "Netherlands", 0.5, "EUR", _D("0.92"), (("Amsterdam", None, None, "1012"),)),
)

#: Currencies whose amounts have no minor unit.
ZERO_DECIMAL_CURRENCIES = frozenset({"JPY"})

FIRST_NAMES = (
    "Olivia",
    "Liam",
    "Emma",
    "Noah",
    "Ava",
    "Elijah",
    "Sophia",
    "James",
    "Isabella",
    "Lucas",
    "Mia",
    "Mason",
    "Amelia",
    "Ethan",
    "Harper",
    "Logan",
    "Evelyn",
    "Aiden",
    "Abigail",
    "Jack",
    "Emily",
    "Owen",
    "Ella",
    "Wyatt",
    "Avery",
    "Henry",
    "Sofia",
    "Leo",
    "Camila",
    "Julian",
    "Aria",
    "Mateo",
    "Scarlett",
    "Ezra",
    "Grace",
    "Miles",
    "Chloe",
    "Isaac",
    "Hazel",
    "Levi",
    "Nora",
    "Theo",
    "Lily",
    "Hudson",
    "Zoe",
    "Rowan",
    "Stella",
    "Kai",
    "Maya",
    "Elena",
    "Priya",
    "Wei",
    "Yuki",
    "Fatima",
    "Diego",
    "Amara",
    "Kofi",
    "Ingrid",
    "Lars",
    "Nadia",
)
LAST_NAMES = (
    "Smith",
    "Johnson",
    "Williams",
    "Brown",
    "Jones",
    "Garcia",
    "Miller",
    "Davis",
    "Rodriguez",
    "Martinez",
    "Hernandez",
    "Lopez",
    "Gonzalez",
    "Wilson",
    "Anderson",
    "Thomas",
    "Taylor",
    "Moore",
    "Jackson",
    "Martin",
    "Lee",
    "Perez",
    "Thompson",
    "White",
    "Harris",
    "Sanchez",
    "Clark",
    "Ramirez",
    "Lewis",
    "Robinson",
    "Walker",
    "Young",
    "Allen",
    "King",
    "Wright",
    "Scott",
    "Torres",
    "Nguyen",
    "Hill",
    "Flores",
    "Green",
    "Adams",
    "Nelson",
    "Baker",
    "Hall",
    "Rivera",
    "Campbell",
    "Mitchell",
    "Carter",
    "Roberts",
    "Kim",
    "Patel",
    "Chen",
    "Tanaka",
    "Okafor",
    "Larsen",
    "Novak",
    "Schmidt",
    "Dubois",
    "Rossi",
)
STREETS = (
    "Oak St",
    "Maple Ave",
    "Cedar Ln",
    "Pine St",
    "Elm St",
    "Washington Ave",
    "Lake Dr",
    "Hillcrest Rd",
    "Park Pl",
    "River Rd",
    "Sunset Blvd",
    "Main St",
    "2nd Ave",
    "Willow Way",
    "Birch Ct",
    "Highland Ave",
    "Meadow Ln",
    "Spruce St",
    "Church St",
    "Mill Rd",
)
EMAIL_DOMAINS = ("example.com", "example.net", "example.org")
