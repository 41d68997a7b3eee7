"""How a request from a public form enters the queue: the same steps for the standard form
and the short form in Leichte Sprache (portal), so both land in one queue under one flood
limit.

The form has checked the input (consent, honeypot, sizes); here a posted-twice form finds
its first request, a flood from one address or to one contact is refused, and the request
is submitted (`services.request_submit`: routing, confirmation, notification).
"""

import uuid

from django.http import HttpRequest

from common.ratelimit import rate_limited
from counselling.models import CounsellingRequest
from counselling.services import request_submit

# Submissions per hour from one network address, and to one contact; both forms count
# together (one scope), so switching forms does not double the allowance.
RATE_PER_IP = 5
RATE_PER_CONTACT = 3
RATE_SCOPE = "counselling-request"
# The reference of the request this browser just sent, for the "sent" page.
SESSION_REFERENCE = "counselling_reference"


def request_intake(
    request: HttpRequest,
    *,
    submission_key: uuid.UUID,
    name: str,
    email: str,
    phone: str,
    channel: str,
    language: str,
    district: str,
    situation: str,
    topic: str,
    message: str,
    easy_language: bool = False,
) -> CounsellingRequest | None:
    """The request for these answers, or None when the flood limit refuses it (nothing is
    written then). A form posted again returns its first request without counting."""
    existing = CounsellingRequest.objects.filter(submission_key=submission_key).first()
    if existing is not None:
        request.session[SESSION_REFERENCE] = existing.reference
        return existing
    if rate_limited(
        RATE_SCOPE,
        request=request,
        contact=email or phone,
        per_ip=RATE_PER_IP,
        per_contact=RATE_PER_CONTACT,
    ):
        return None
    counselling_request = request_submit(
        submission_key=submission_key,
        name=name,
        email=email,
        phone=phone,
        channel=channel,
        language=language,
        district=district,
        situation=situation,
        topic=topic,
        message=message,
        easy_language=easy_language,
    )
    request.session[SESSION_REFERENCE] = counselling_request.reference
    return counselling_request
