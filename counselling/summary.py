"""The counselling section of the steering circle's weekly summary."""

import datetime

from django.utils.translation import gettext as _

from counselling.models import CompanyNeed, CounsellingRequest, JointMeasure, Situation
from counselling.selectors import counts_by
from network.models import District


def steering_section(start: datetime.datetime, end: datetime.datetime) -> dict:
    """This period's counselling figures for the steering circle, without personal data.

    `start` is inclusive, `end` exclusive (aware datetimes). The keys are German labels,
    ready to print (network/summary.py shows them as they are): loose numbers first, then
    headings with `{label: number}` breakdowns::

        {
            "Beratungsanfragen": 12,                     # received in the period
            "abgeschlossene Beratungsanfragen": 9,       # closed in the period
            "Weiterbildungsbedarfe von Unternehmen": 5,  # needs registered
            "neue Verbundmaßnahmen": 1,                  # joint measures created
            "Verbundmaßnahmen mit Kurs": 0,              # joint measures whose course was fixed
            "Anfragen nach Situation": {"Ich bin beschäftigt": 7, …},
            "Anfragen nach Landkreis": {"Ostalbkreis": 8, …},
            "Bedarfe nach Thema": {"Metall und Elektro": 3, …},
        }

    Breakdowns leave out what did not occur. Anonymised requests count too: the figures need
    only district, situation and dates, which anonymisation keeps.
    """
    requests = list(
        CounsellingRequest.objects.filter(created_at__gte=start, created_at__lt=end).values_list(
            "situation", "district"
        )
    )
    needs = list(
        CompanyNeed.objects.filter(created_at__gte=start, created_at__lt=end).values_list(
            "topic__name", flat=True
        )
    )
    situations = dict(Situation.choices)
    districts = dict(District.choices)
    return {
        _("Beratungsanfragen"): len(requests),
        _("abgeschlossene Beratungsanfragen"): CounsellingRequest.objects.filter(
            closed_at__gte=start, closed_at__lt=end
        ).count(),
        _("Weiterbildungsbedarfe von Unternehmen"): len(needs),
        _("neue Verbundmaßnahmen"): JointMeasure.objects.filter(
            created_at__gte=start, created_at__lt=end
        ).count(),
        _("Verbundmaßnahmen mit Kurs"): JointMeasure.objects.filter(
            met_at__gte=start, met_at__lt=end
        ).count(),
        _("Anfragen nach Situation"): counts_by(str(situations.get(s, s)) for s, _d in requests),
        _("Anfragen nach Landkreis"): counts_by(str(districts.get(d, d)) for _s, d in requests),
        _("Bedarfe nach Thema"): counts_by(needs),
    }
