"""`manage.py load_demo`: fill the database with the demo network and print the demo logins."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from counselling.demo import demo_counselling_load
from events.demo import demo_events_load
from network.demo import demo_data_load, demo_password
from news.demo import demo_news_load
from offerings.demo import demo_offers_load
from offerings.searchlog_demo import demo_search_days_load
from workgroups.demo import demo_workgroups_load

MFA_NOTE = (
    "Geschäftsstelle und Beratung sehen personenbezogene Daten: Beim ersten Aufruf von "
    "/verwaltung/ richten sie die Zwei-Faktor-Anmeldung (TOTP) ein."
)


class Command(BaseCommand):
    help = (
        "Lädt Demodaten (Einrichtungen, Steuerkreis, Arbeitsgruppen, eine Anmeldung je Rolle, "
        "Kursangebote) und gibt die Demo-Anmeldungen aus. Mehrfaches Ausführen ändert nichts."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--force",
            action="store_true",
            help="Auch mit DEBUG=false ausführen (nie in der Produktion!).",
        )

    def handle(self, *args, force: bool = False, **options):
        # Demo accounts with a published password must never reach a production database.
        if not settings.DEBUG and not force:
            raise CommandError(
                "load_demo läuft nur mit DEBUG=true. Demo-Passwörter gehören nicht in die "
                "Produktion; wer es trotzdem will, gibt --force an."
            )
        password = demo_password()
        # One transaction: offers need the institutions, and a failure leaves neither behind.
        with transaction.atomic():
            logins = demo_data_load(password=password)
            offer_count = demo_offers_load()
            demo_events_load()
            meeting_count = demo_workgroups_load()
            request_count = demo_counselling_load()
            demo_search_days_load()  # issue 8: catalogue searches for the dashboard
            demo_news_load()  # after offers and events: a sent newsletter shows some

        rows = [("Rolle", "E-Mail", "Passwort")]
        rows += [(login.role, login.email, password) for login in logins]
        widths = [max(len(row[i]) for row in rows) for i in range(3)]
        lines = [
            "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True))
            for row in rows
        ]
        lines.insert(1, "  ".join("-" * width for width in widths))

        self.stdout.write(self.style.SUCCESS("Demodaten geladen. Demo-Anmeldungen:"))
        self.stdout.write("\n".join(line.rstrip() for line in lines))
        self.stdout.write(MFA_NOTE)
        self.stdout.write(f"Kursangebote geladen: {offer_count}")
        self.stdout.write(f"Sitzungen der Arbeitsgruppen und des Steuerkreises: {meeting_count}")
        self.stdout.write(f"Beratungsanfragen: {request_count}")
