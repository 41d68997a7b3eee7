"""The working groups' weekly digest with the demand board's new chances (issue 21).

The digest is workgroups'; the board is counselling's, an app of the same layer, so neither
may import the other. This module, a layer above both, reads the chances through
counselling's selectors and hands them to the digest as plain data, with the working
groups that see the board (counselling.permissions).
"""

from datetime import datetime

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from counselling.periods import period_label
from counselling.permissions import DEMAND_BOARD_GROUPS
from counselling.selectors import demand_chances
from workgroups.digest.services import (
    DigestChance,
    DigestChances,
    WorkgroupDigestRun,
    workgroup_digests_send,
)


def digest_chances() -> DigestChances:
    """The board's chances for a joint course as the digest lists them: topic, district,
    period, how many companies and course wishes; never a company's name."""
    url = settings.SITE_URL.rstrip("/") + reverse("counselling:board")
    with override(settings.LANGUAGE_CODE):
        chances = [
            DigestChance(
                title=group.topic.name,
                detail=_(
                    "%(district)s, %(period)s: %(companies)s Unternehmen, %(wishes)s Kurswünsche"
                )
                % {
                    "district": group.district_label,
                    "period": period_label(group.period),
                    "companies": group.companies,
                    "wishes": len(group.wishes),
                },
                url=url,
                reached_at=reached_at,
            )
            for group, reached_at in demand_chances()
        ]
    return DigestChances(chances=chances, group_slugs=DEMAND_BOARD_GROUPS)


def workgroup_digests_send_with_chances(
    *, now: datetime | None = None, person_ids=None
) -> WorkgroupDigestRun:
    return workgroup_digests_send(
        now=now or timezone.now(), person_ids=person_ids, chances=digest_chances()
    )
