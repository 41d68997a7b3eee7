"""The whole demo data set for `manage.py load_demo`: each app's demo loader, in the order
their data build on each other, in one transaction; and the summary the command prints.

The data itself lives with each app, in `<app>/demo/data/`.
"""

import os
from dataclasses import dataclass

from django.db import transaction

from counselling.demo import demo_counselling_load
from events.demo import demo_events_load
from network.demo import DemoLogin, demo_network_load
from news.demo import demo_news_load
from offerings.demo import demo_offers_load, demo_search_days_load
from workgroups.demo import demo_workgroups_load

DEFAULT_DEMO_PASSWORD = "beweqo-demo-2026"
MFA_NOTE = (
    "Geschäftsstelle und Beratung sehen personenbezogene Daten: Beim ersten Aufruf von "
    "/verwaltung/ richten sie die Zwei-Faktor-Anmeldung (TOTP) ein."
)


@dataclass(frozen=True)
class DemoSummary:
    """What `load_demo` reports: the demo logins with their password, and a few counts."""

    password: str
    logins: list[DemoLogin]
    offers: int
    meetings: int
    requests: int

    def lines(self) -> list[str]:
        """The logins as a table, the note on the second factor, then the counts."""
        rows = [("Rolle", "E-Mail", "Passwort")]
        rows += [(login.role, login.email, self.password) for login in self.logins]
        widths = [max(len(row[i]) for row in rows) for i in range(3)]
        table = [
            "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip()
            for row in rows
        ]
        table.insert(1, "  ".join("-" * width for width in widths))
        return [
            *table,
            MFA_NOTE,
            f"Kursangebote geladen: {self.offers}",
            f"Sitzungen der Arbeitsgruppen und des Steuerkreises: {self.meetings}",
            f"Beratungsanfragen: {self.requests}",
        ]


def demo_password(*, environ: dict[str, str] | None = None) -> str:
    """The password of every demo login: DEMO_PASSWORD if set, else a fixed default.

    A fixed default lets a newcomer log in straight after `make run` without reading any
    configuration; the variable exists for shared demo servers.
    """
    environ = os.environ if environ is None else environ
    return environ.get("DEMO_PASSWORD", "").strip() or DEFAULT_DEMO_PASSWORD


@transaction.atomic
def demo_load(*, password: str) -> DemoSummary:
    """Load every app's demo data; a second run on the same day changes nothing.

    One transaction: offers need the institutions, and a failure leaves neither behind.
    """
    logins = demo_network_load(password=password)
    offers = demo_offers_load()
    demo_events_load()
    meetings = demo_workgroups_load()
    requests = demo_counselling_load()
    demo_search_days_load()  # issue 8: catalogue searches for the dashboard
    demo_news_load()  # after offers and events: a sent newsletter shows some
    return DemoSummary(
        password=password, logins=logins, offers=offers, meetings=meetings, requests=requests
    )
