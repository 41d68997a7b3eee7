"""The network's four working groups exist from the start."""

from django.db import migrations

GROUPS = [
    (
        "arbeitsuchende-und-rueckkehrende",
        "Arbeitsuchende und Berufsrückkehrer:innen",
        "Menschen, die Arbeit suchen oder nach einer Pause in den Beruf zurückkehren",
        "Die Gruppe macht Wege in Qualifizierung sichtbar, die ohne Umwege zu einer Stelle "
        "führen: niedrigschwellige Einstiegskurse, Teilqualifizierungen und Umschulungen, "
        "dazu die passende Beratung und Förderung.",
    ),
    (
        "unternehmen",
        "Unternehmen",
        "Betriebe der Region, besonders kleine und mittlere Unternehmen",
        "Die Gruppe hilft Betrieben, Qualifizierung als Teil ihrer Strategie zu planen, "
        "bündelt den Bedarf mehrerer Firmen zu gemeinsamen Kursen und lotst zu Beratung "
        "und Förderung.",
    ),
    (
        "beschaeftigte",
        "Beschäftigte",
        "Menschen in Arbeit, auf jedem Qualifikationsniveau",
        "Die Gruppe sorgt dafür, dass Beschäftigte von An- und Ungelernten bis zu "
        "Akademiker:innen passende Weiterbildung finden, und macht Förderwege wie "
        "Bildungszeit oder Aufstiegs-BAföG bekannt.",
    ),
    (
        "aussendarstellung",
        "Außendarstellung",
        "die Öffentlichkeit in Ostwürttemberg",
        "Die Gruppe spricht für das Netzwerk: Sie plant Informationstage, Dialoge mit "
        "Kommunen und Bürger:innen und gemeinsame Veröffentlichungen.",
    ),
]


def create_groups(apps, schema_editor):
    WorkingGroup = apps.get_model("workgroups", "WorkingGroup")
    for position, (slug, name, audience, purpose) in enumerate(GROUPS, start=1):
        WorkingGroup.objects.get_or_create(
            slug=slug,
            defaults={"name": name, "audience": audience, "purpose": purpose, "position": position},
        )


class Migration(migrations.Migration):
    dependencies = [("workgroups", "0001_initial")]

    operations = [migrations.RunPython(create_groups, migrations.RunPython.noop)]
