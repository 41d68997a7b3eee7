"""Demo figures for the steering circle's dashboard: half a year of catalogue searches, as
the search log would have counted them, from data/searches.toml.

Counselling requests, company needs, offers and the bodies' work come from their own demo
loaders. Running it again changes nothing (one row per day and text, existing ones kept).
"""

import datetime
import random

from django.utils import timezone

from common.demo import demo_data_read
from offerings.models import SearchDay

DEMO_SEED = 8
DAYS = 183


def demo_search_days_load(*, today: datetime.date | None = None) -> int:
    """Up to yesterday, so that today's real searches count on top; returns rows added."""
    today = today or timezone.localdate()
    searches = demo_data_read(__package__, "searches.toml")["searches"]
    rng = random.Random(DEMO_SEED)  # noqa: S311 (reproducible demo data, not secrets)
    rows = []
    for back in range(1, DAYS + 1):
        day = today - datetime.timedelta(days=back)
        weekday_factor = 0.4 if day.weekday() >= 5 else 1.0
        for search in searches:
            count = round(rng.uniform(0.3, 1.7) * search["per_day"] * weekday_factor)
            if count:
                rows.append(
                    SearchDay(
                        day=day,
                        text=search["text"],
                        searches=count,
                        without_result=round(count * search["without_result"]),
                    )
                )
    before = SearchDay.objects.count()
    SearchDay.objects.bulk_create(rows, ignore_conflicts=True, batch_size=1000)
    return SearchDay.objects.count() - before
