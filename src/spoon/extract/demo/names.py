"""The names, streets and e-mail domains the demo shops' customers are drawn from, one set
per shop (`us`, the default, and `eu`). Nothing here is random; the order matters (the
generator draws by position)."""

from __future__ import annotations

# fmt: off
FIRST_NAMES = (
    "Olivia", "Liam", "Emma", "Noah", "Ava", "Elijah", "Sophia", "James", "Isabella", "Lucas",
    "Mia", "Mason", "Amelia", "Ethan", "Harper", "Logan", "Evelyn", "Aiden", "Abigail", "Jack",
    "Emily", "Owen", "Ella", "Wyatt", "Avery", "Henry", "Sofia", "Leo", "Camila", "Julian", "Aria",
    "Mateo", "Scarlett", "Ezra", "Grace", "Miles", "Chloe", "Isaac", "Hazel", "Levi", "Nora",
    "Theo", "Lily", "Hudson", "Zoe", "Rowan", "Stella", "Kai", "Maya", "Elena", "Priya", "Wei",
    "Yuki", "Fatima", "Diego", "Amara", "Kofi", "Ingrid", "Lars", "Nadia",
)
LAST_NAMES = (
    "Smith", "Johnson", "Williams", "Brown", "Jones", "Garcia", "Miller", "Davis", "Rodriguez",
    "Martinez", "Hernandez", "Lopez", "Gonzalez", "Wilson", "Anderson", "Thomas", "Taylor", "Moore",
    "Jackson", "Martin", "Lee", "Perez", "Thompson", "White", "Harris", "Sanchez", "Clark",
    "Ramirez", "Lewis", "Robinson", "Walker", "Young", "Allen", "King", "Wright", "Scott", "Torres",
    "Nguyen", "Hill", "Flores", "Green", "Adams", "Nelson", "Baker", "Hall", "Rivera", "Campbell",
    "Mitchell", "Carter", "Roberts", "Kim", "Patel", "Chen", "Tanaka", "Okafor", "Larsen", "Novak",
    "Schmidt", "Dubois", "Rossi",
)
STREETS = (
    "Oak St", "Maple Ave", "Cedar Ln", "Pine St", "Elm St", "Washington Ave", "Lake Dr",
    "Hillcrest Rd", "Park Pl", "River Rd", "Sunset Blvd", "Main St", "2nd Ave", "Willow Way",
    "Birch Ct", "Highland Ave", "Meadow Ln", "Spruce St", "Church St", "Mill Rd",
)
# fmt: on
EMAIL_DOMAINS = ("example.com", "example.net", "example.org")

# fmt: off
EU_FIRST_NAMES = (
    "Anna", "Lukas", "Mia", "Leon", "Emilia", "Finn", "Hannah", "Jonas", "Lena", "Paul", "Marie",
    "Felix", "Sophie", "Noah", "Clara", "Elias", "Lea", "Ben", "Ida", "Moritz", "Chloé", "Louis",
    "Camille", "Sanne", "Daan", "Lotte", "Matteo", "Giulia", "Oliver", "Amelia", "Ingrid", "Lars",
    "Emre", "Aylin", "Zofia", "Mateusz",
)
EU_LAST_NAMES = (
    "Müller", "Schmidt", "Schneider", "Fischer", "Weber", "Meyer", "Wagner", "Becker", "Schulz",
    "Hoffmann", "Koch", "Richter", "Klein", "Wolf", "Neumann", "Schwarz", "Braun", "Zimmermann",
    "Hartmann", "Krüger", "Dubois", "Lefèvre", "Visser", "Jansen", "Peeters", "Huber", "Gruber",
    "Rossi", "Smith", "Hansen", "Yilmaz", "Nowak",
)
EU_STREETS = (
    "Hauptstraße", "Bahnhofstraße", "Gartenweg", "Lindenallee", "Schillerstraße", "Goethestraße",
    "Birkenweg", "Am Markt", "Kirchgasse", "Rosenstraße", "Mühlenweg", "Waldstraße",
)
# fmt: on
EU_EMAIL_DOMAINS = ("example.de", "example.eu", "example.org")
