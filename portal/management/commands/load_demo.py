"""`manage.py load_demo`: fill the database with the demo network and print the demo logins."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from portal.demo import demo_load, demo_password


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
        summary = demo_load(password=demo_password())
        self.stdout.write(self.style.SUCCESS("Demodaten geladen. Demo-Anmeldungen:"))
        self.stdout.write("\n".join(summary.lines()))
