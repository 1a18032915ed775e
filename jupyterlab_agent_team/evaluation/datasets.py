"""Small data sets the evaluation writes for its tasks, the same on every run.

Seeded, in plain Python, so a task file can name them instead of shipping data and the
checks can rely on what they hold (December has the most sales revenue, say).
"""

from __future__ import annotations

import csv
import io
import math
import random
from collections.abc import Callable
from datetime import date, timedelta

YEAR = 2023
# Revenue grows towards the end of the year and peaks in December.
MONTH_FACTORS = (0.8, 0.8, 0.9, 1.0, 1.0, 1.1, 1.1, 1.0, 1.0, 1.1, 1.3, 1.8)
REGIONS = {"North": 0.9, "South": 1.0, "East": 1.2, "West": 1.5}
PRODUCTS = {"Widget": 12.5, "Gadget": 30.0, "Gizmo": 75.0}
# Mean temperature (°C) and seasonal swing of each city.
CITIES = {"Oslo": (6.0, 9.0), "Madrid": (15.0, 9.5), "Cairo": (22.5, 6.5)}
TEAMS = ("Support", "Sales", "Engineering", "Marketing")


def _days() -> list[date]:
    first = date(YEAR, 1, 1)
    return [first + timedelta(days=i) for i in range((date(YEAR + 1, 1, 1) - first).days)]


def _csv(header: list[str], rows: list[list[object]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue()


def sales() -> str:
    """One sale per region and day of 2023: date, region, product, units, unit_price."""
    rng = random.Random(2023)
    rows: list[list[object]] = []
    for day in _days():
        for region, weight in REGIONS.items():
            product = rng.choice(list(PRODUCTS))
            expected = 10 * weight * MONTH_FACTORS[day.month - 1]
            units = max(1, round(rng.gauss(expected, expected * 0.2)))
            rows.append([day.isoformat(), region, product, units, PRODUCTS[product]])
    return _csv(["date", "region", "product", "units", "unit_price"], rows)


def temperatures() -> str:
    """Daily mean temperature of three cities in 2023: date, city, temp_c."""
    rng = random.Random(7)
    rows: list[list[object]] = []
    for day in _days():
        # Coldest in mid-January, warmest in mid-July.
        season = -math.cos(2 * math.pi * (day.timetuple().tm_yday - 15) / 365)
        for city, (mean, swing) in CITIES.items():
            rows.append([day.isoformat(), city, round(mean + swing * season + rng.gauss(0, 2), 1)])
    return _csv(["date", "city", "temp_c"], rows)


def survey() -> str:
    """120 answers to a staff survey: respondent, team, satisfaction (1-5), recommend (yes/no)."""
    rng = random.Random(42)
    rows: list[list[object]] = []
    for respondent in range(1, 121):
        team = TEAMS[(respondent - 1) % len(TEAMS)]
        satisfaction = min(5, max(1, round(rng.gauss(3.2 + 0.3 * TEAMS.index(team), 1.0))))
        recommend = "yes" if rng.random() < satisfaction / 5.5 else "no"
        rows.append([respondent, team, satisfaction, recommend])
    return _csv(["respondent", "team", "satisfaction", "recommend"], rows)


GENERATORS: dict[str, Callable[[], str]] = {
    "sales.csv": sales,
    "temperatures.csv": temperatures,
    "survey.csv": survey,
}
