"""How a request from a public form enters the queue: the same steps for the standard form
and the short form in Leichte Sprache (portal), so both land in one queue under one flood
limit.

The form has checked the input (consent, honeypot, sizes); here a posted-twice form finds
its first request, a flood from one address or to one contact is refused, and the request
is submitted (`services.request_submit`: routing, confirmation, notification).
"""

import uuid
from collections.abc import Mapping
from dataclasses import asdict, dataclass, fields
from typing import Any

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


@dataclass(frozen=True, kw_only=True)
class IntakeAnswers:
    """A person's answers as `services.request_submit` takes them."""

    submission_key: uuid.UUID
    name: str
    email: str
    phone: str
    channel: str
    language: str
    district: str
    situation: str
    topic: str
    message: str
    easy_language: bool = False

    @classmethod
    def from_cleaned_data(
        cls, data: Mapping[str, Any], *, easy_language: bool = False
    ) -> "IntakeAnswers":
        """The answers of a valid form. Both forms clean to the same keys: the short form
        fills in what it does not ask (no way chosen, German, no message)."""
        names = [field.name for field in fields(cls) if field.name != "easy_language"]
        return cls(**{name: data[name] for name in names}, easy_language=easy_language)


def request_intake(request: HttpRequest, answers: IntakeAnswers) -> CounsellingRequest | None:
    """The request for these answers, or None when the flood limit refuses it (nothing is
    written then). A form posted again returns its first request without counting."""
    existing = CounsellingRequest.objects.filter(submission_key=answers.submission_key).first()
    if existing is not None:
        request.session[SESSION_REFERENCE] = existing.reference
        return existing
    if rate_limited(
        RATE_SCOPE,
        request=request,
        contact=answers.email or answers.phone,
        per_ip=RATE_PER_IP,
        per_contact=RATE_PER_CONTACT,
    ):
        return None
    counselling_request = request_submit(**asdict(answers))
    request.session[SESSION_REFERENCE] = counselling_request.reference
    return counselling_request
