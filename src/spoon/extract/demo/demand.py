"""When the demo shop's customers buy: the hour of day, the weekday, the season, holidays."""

from __future__ import annotations

import math
from datetime import date, timedelta

#: relative demand per hour of the day (shop-local), midnight first
# fmt: off
HOURS = (
    0.30, 0.20, 0.12, 0.08, 0.08, 0.12, 0.25, 0.45, 0.65, 0.85, 1.00, 1.10,
    1.20, 1.15, 1.05, 1.00, 1.00, 1.05, 1.15, 1.35, 1.45, 1.35, 1.00, 0.60,
)
# fmt: on
WEEKDAYS = (0.92, 0.88, 0.90, 0.97, 1.05, 1.18, 1.10)  # Monday first


def _thanksgiving(year: int) -> date:
    nov1 = date(year, 11, 1)
    first_thursday = nov1 + timedelta(days=(3 - nov1.weekday()) % 7)
    return first_thursday + timedelta(days=21)


def _mothers_day(year: int) -> date:
    may1 = date(year, 5, 1)
    first_sunday = may1 + timedelta(days=(6 - may1.weekday()) % 7)
    return first_sunday + timedelta(days=7)


def day_weight(day: date, k: int, days: int) -> float:
    """Relative demand of a day: growth x weekly x yearly x holidays."""
    growth = 1.0 + 0.8 * k / max(days, 1)
    weekly = WEEKDAYS[day.weekday()]
    yearly = 1.0 + 0.12 * math.cos(2 * math.pi * (day.timetuple().tm_yday - 355) / 365.25)
    holiday = 1.0
    black_friday = _thanksgiving(day.year) + timedelta(days=1)
    offset = (day - black_friday).days
    if offset in (0, 3):  # Black Friday, Cyber Monday
        holiday = 3.0
    elif offset in (1, 2):
        holiday = 2.1
    elif offset == -1:
        holiday = 0.7  # Thanksgiving
    elif day.month == 12 and day.day <= 18 and offset > 3:
        holiday = 1.5
    elif day.month == 12 and 19 <= day.day <= 22:
        holiday = 1.2
    elif day.month == 12 and 24 <= day.day <= 26:
        holiday = 0.6
    elif day.month == 1 and day.day <= 15:
        holiday = 0.8
    elif day.month == 2 and 7 <= day.day <= 13:
        holiday = 1.15
    elif 0 <= (_mothers_day(day.year) - day).days <= 6:
        holiday = 1.3
    return growth * weekly * yearly * holiday
