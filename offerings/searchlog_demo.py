"""Demo figures for the steering circle's dashboard (`manage.py load_demo`): half a year of
catalogue searches, as the search log would have counted them.

Counselling requests, company needs, offers and the bodies' work come from their own demo
modules. Running it again changes nothing (one row per day and text, existing ones kept).
"""

import datetime
import random

from django.utils import timezone

from offerings.models import SearchDay

DEMO_SEED = 8
# (text, searches on an average day, share without result)
SEARCHES = [
    ("", 30, 0.05),
    ("excel", 9, 0.0),
    ("staplerschein", 6, 0.0),
    ("pflegehilfe", 5, 0.1),
    ("deutsch b1", 5, 0.0),
    ("schweißen", 4, 0.0),
    ("buchhaltung", 3, 0.0),
    ("industriemeister", 2, 0.0),
    ("sap", 2, 0.3),
    ("drohnenführerschein", 1, 1.0),
    ("gebärdensprache", 1, 1.0),
    ("cnc fräsen abends", 1, 0.8),
]
DAYS = 183


def demo_search_days_load(*, today: datetime.date | None = None) -> int:
    """Up to yesterday, so that today's real searches count on top; returns rows added."""
    today = today or timezone.localdate()
    rng = random.Random(DEMO_SEED)  # noqa: S311 (reproducible demo data, not secrets)
    rows = []
    for back in range(1, DAYS + 1):
        day = today - datetime.timedelta(days=back)
        weekday_factor = 0.4 if day.weekday() >= 5 else 1.0
        for text, average, empty_share in SEARCHES:
            searches = round(rng.uniform(0.3, 1.7) * average * weekday_factor)
            if searches:
                rows.append(
                    SearchDay(
                        day=day,
                        text=text,
                        searches=searches,
                        without_result=round(searches * empty_share),
                    )
                )
    before = SearchDay.objects.count()
    SearchDay.objects.bulk_create(rows, ignore_conflicts=True, batch_size=1000)
    return SearchDay.objects.count() - before
