"""The catalogue in open formats for other programs: schema.org JSON-LD for search engines,
iCalendar files for calendars, an Atom feed per search, and the JSON of the partner API.

Everything here turns already-loaded offers into data; it reads nothing the caller has not
prefetched (``open_dates`` from the selectors), so a list costs no query per offer.
"""

import datetime
import re
from collections.abc import Iterable
from decimal import Decimal
from typing import Any
from xml.sax.saxutils import escape, quoteattr

import icalendar
from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import iri_to_uri
from django.utils.feedgenerator import rfc3339_date
from django.utils.translation import gettext as _

from offerings.models import (
    CertificateKind,
    CourseMode,
    Language,
    Offer,
    OfferDate,
    StartKind,
)

PRODID = "-//BeWeQO//Kurskatalog//DE"
FEED_SIZE = 50
SCHEMA_COURSE_MODES = {
    CourseMode.ONSITE: "onsite",
    CourseMode.ONLINE: "online",
    CourseMode.BLENDED: "blended",
}
# XML 1.0 forbids most control characters; imported texts and query strings may carry them.
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def site_url() -> str:
    return settings.SITE_URL.rstrip("/")


def absolute(path: str, *, base_url: str | None = None) -> str:
    return (base_url if base_url is not None else site_url()).rstrip("/") + path


def open_dates(offer: Offer) -> list[OfferDate]:
    """The offer's dates a visitor can still join, as the selectors prefetch them."""
    prefetched = getattr(offer, "open_dates", None)
    if prefetched is not None:
        return list(prefetched)
    today = timezone.localdate()
    return list(
        offer.dates.filter(OfferDate.open_q(today)).select_related("venue").order_by("start", "pk")
    )


def venue_address(venue) -> str:
    """One line for calendars: "Name, Straße, PLZ Ort"."""
    town = " ".join(part for part in (venue.postcode, venue.city) if part)
    return ", ".join(part for part in (venue.name, venue.street, town) if part)


def _start_text(date: OfferDate) -> str:
    if date.start_kind == StartKind.ROLLING:
        return _("Laufender Einstieg: Sie können jederzeit beginnen.")
    return _("Beginn auf Anfrage beim Anbieter.")


# --- schema.org JSON-LD ------------------------------------------------------------------


def _place(venue) -> dict[str, Any]:
    place: dict[str, Any] = {
        "@type": "Place",
        "name": venue.name,
        "address": {
            "@type": "PostalAddress",
            "streetAddress": venue.street,
            "postalCode": venue.postcode,
            "addressLocality": venue.city,
            "addressCountry": "DE",
        },
    }
    if venue.latitude is not None and venue.longitude is not None:
        place["geo"] = {
            "@type": "GeoCoordinates",
            "latitude": venue.latitude,
            "longitude": venue.longitude,
        }
    return place


def _course_instance(offer: Offer, date: OfferDate, offer_url: str) -> dict[str, Any]:
    instance: dict[str, Any] = {
        "@type": "CourseInstance",
        "courseMode": SCHEMA_COURSE_MODES.get(offer.delivery_form.course_mode, "onsite"),
    }
    if date.start_kind == StartKind.FIXED and date.start:
        instance["startDate"] = date.start.isoformat()
    else:
        instance["description"] = _start_text(date)
    if date.end:
        instance["endDate"] = date.end.isoformat()
    if date.hours_total:
        instance["courseWorkload"] = f"PT{date.hours_total}H"
    if date.venue_id:
        instance["location"] = _place(date.venue)
    elif offer.delivery_form.course_mode == CourseMode.ONLINE:
        instance["location"] = {"@type": "VirtualLocation", "url": offer_url}
    return instance


def offer_jsonld(offer: Offer, *, base_url: str | None = None) -> dict[str, Any]:
    """schema.org `Course` with one `CourseInstance` per open date, for search engines."""
    url = absolute(offer.get_absolute_url(), base_url=base_url)
    institution = offer.institution
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "Course",
        "@id": url,
        "name": offer.title,
        "description": offer.summary,
        "url": url,
        "provider": {
            "@type": "Organization",
            "name": institution.name,
            "url": absolute(institution.get_absolute_url(), base_url=base_url),
        },
        "offers": {"@type": "Offer", "url": url},
        "hasCourseInstance": [_course_instance(offer, date, url) for date in open_dates(offer)],
    }
    # An unknown price ("Preis auf Anfrage") is left out rather than claimed.
    if offer.price_known:
        data["offers"] |= {
            "price": f"{offer.price:.2f}",
            "priceCurrency": "EUR",
            "category": "Free" if offer.is_free else "Paid",
        }
        data["isAccessibleForFree"] = offer.is_free
    if offer.language != Language.OTHER:
        data["inLanguage"] = offer.language
    if offer.certificate != CertificateKind.NONE:
        data["educationalCredentialAwarded"] = (
            offer.certificate_name or offer.get_certificate_display()
        )
    if offer.keyword_list:
        data["keywords"] = ", ".join(offer.keyword_list)
    return data


# --- iCalendar ---------------------------------------------------------------------------


def date_uid(offer: Offer, date: OfferDate) -> str:
    """Stable across downloads, so a calendar updates the event instead of doubling it."""
    return f"offer-{offer.pk}-date-{date.pk}@beweqo"


def _event(offer: Offer, date: OfferDate, offer_url: str) -> icalendar.Event:
    end = date.end or date.start
    description = f"{offer.summary}\n\n{offer_url}"
    event = icalendar.Event.new(
        uid=date_uid(offer, date),
        summary=offer.title,
        description=description,
        start=date.start,
        # All-day events end exclusively (RFC 5545): the day after the last course day.
        end=end + datetime.timedelta(days=1),
        # The offer's last change, not "now": the same data gives the same file.
        stamp=offer.updated_at.astimezone(datetime.UTC),
        url=offer_url,
        location=venue_address(date.venue) if date.venue_id else None,
    )
    if not date.venue_id and offer.delivery_form.course_mode == CourseMode.ONLINE:
        event.add("location", _("online"))
    return event


def _calendar(offer: Offer, dates: Iterable[OfferDate]) -> bytes:
    offer_url = absolute(offer.get_absolute_url())
    events = [
        _event(offer, date, offer_url)
        for date in dates
        if date.start_kind == StartKind.FIXED and date.start
    ]
    calendar = icalendar.Calendar.new(
        prodid=PRODID, name=offer.title, url=offer_url, uid=f"offer-{offer.pk}@beweqo"
    )
    if not events:
        # Rolling and on-demand starts have no day to put in a calendar.
        calendar.add(
            "X-WR-CALDESC",
            _("Für dieses Angebot gibt es keinen festen Termin. Beginn nach Absprache: %(url)s")
            % {"url": offer_url},
        )
    for event in events:
        calendar.add_component(event)
    return calendar.to_ical()


def offer_ical(offer: Offer, dates: Iterable[OfferDate]) -> bytes:
    """A calendar with one all-day event per fixed date of the offer."""
    return _calendar(offer, dates)


def date_ical(offer: Offer, date: OfferDate) -> bytes:
    """A calendar with the one date (empty when it has no fixed start)."""
    return _calendar(offer, [date])


# --- Atom feed ---------------------------------------------------------------------------


def xml_text(text: str) -> str:
    return _XML_INVALID.sub("", str(text))


def _tag_host() -> str:
    return site_url().split("://", 1)[-1].split("/", 1)[0].split(":", 1)[0]


def offer_tag_uri(offer: Offer, *, host: str | None = None) -> str:
    """An Atom id that never changes for an offer (RFC 4151 tag URI)."""
    return f"tag:{host or _tag_host()},{offer.created_at:%Y-%m-%d}:offer-{offer.pk}"


def _attribute(value: str) -> str:
    return quoteattr(iri_to_uri(value))


def _element(name: str, text: str, attributes: str = "") -> str:
    return f"<{name}{attributes}>{escape(text)}</{name}>" if text else f"<{name}{attributes}/>"


def catalogue_feed(
    offers: Iterable[Offer],
    *,
    title: str,
    link: str,
    feed_url: str,
    subtitle: str = "",
    rights: str | None = None,
) -> str:
    """The Atom feed (RFC 4287) of `offers` as one string: the document Django's Atom1Feed
    writes, byte for byte, built directly (a feed of fifty entries through the SAX writer
    took as long as finding them). Reads only the fields in offerings.selectors._FEED_FIELDS.
    """
    offers = list(offers)
    offer_url = _url_maker("offerings:detail", "pk")
    institution_url = _url_maker("portal:institution_detail", "slug")
    host = _tag_host()
    entries, latest = [], None
    for offer in offers:
        published = offer.published_at or offer.created_at
        for moment in (offer.updated_at, published):
            if moment and (latest is None or moment > latest):
                latest = moment
        institution = offer.institution
        entries.append(
            "<entry>"
            + _element("title", xml_text(offer.title))
            + f'<link href={_attribute(offer_url(offer.pk))} rel="alternate"/>'
            + (_element("published", rfc3339_date(published)) if published else "")
            + (_element("updated", rfc3339_date(offer.updated_at)) if offer.updated_at else "")
            + "<author>"
            + _element("name", xml_text(institution.name))
            + _element("uri", iri_to_uri(institution_url(institution.slug)))
            + "</author>"
            + _element("id", offer_tag_uri(offer, host=host))
            + _element("summary", xml_text(offer.summary), ' type="html"')
            + f"<category term={quoteattr(xml_text(offer.delivery_form.name))}/>"
            + "</entry>"
        )
    head = (
        '<?xml version="1.0" encoding="utf-8"?>\n'
        '<feed xml:lang="de" xmlns="http://www.w3.org/2005/Atom">'
        + _element("title", xml_text(title))
        + f'<link href={_attribute(link)} rel="alternate"/>'
        + f'<link href={_attribute(feed_url)} rel="self"/>'
        + _element("id", feed_url)
        + _element("updated", rfc3339_date(latest or timezone.now()))
        + _element("subtitle", xml_text(subtitle))
        + (_element("rights", xml_text(rights)) if rights is not None else "")
    )
    return head + "".join(entries) + "</feed>"


def _url_maker(name: str, argument: str):
    """A function from a value to the path of `name`, reversed once: a feed of fifty entries
    would otherwise reverse a hundred URLs."""
    marker = "987654321" if argument == "pk" else "marker-987654321"
    prefix, _marker, suffix = reverse(name, kwargs={argument: marker}).rpartition(marker)
    base = site_url()
    return lambda value: f"{base}{prefix}{value}{suffix}"


# --- partner API -------------------------------------------------------------------------


def _decimal(value: Decimal) -> str:
    return f"{value:.2f}"


def _api_date(date: OfferDate) -> dict[str, Any]:
    venue = date.venue
    return {
        "start_kind": date.start_kind,
        "start": date.start.isoformat() if date.start else None,
        "end": date.end.isoformat() if date.end else None,
        "schedule": date.schedule,
        "time_of_day": date.time_of_day or None,  # None: the provider did not say
        "hours_total": date.hours_total,
        "venue": None
        if venue is None
        else {
            "name": venue.name,
            "street": venue.street,
            "postcode": venue.postcode,
            "city": venue.city,
            "latitude": venue.latitude,
            "longitude": venue.longitude,
        },
    }


def offer_api_dict(offer: Offer) -> dict[str, Any]:
    """One result of the partner API; codes (not labels) for choices, so partners can map."""
    return {
        "id": offer.pk,
        "url": absolute(offer.get_absolute_url()),
        "title": offer.title,
        "summary": offer.summary,
        "provider": {
            "name": offer.institution.name,
            "url": absolute(offer.institution.get_absolute_url()),
        },
        # A string, so that no client rounds euro amounts through a float; null when the
        # provider has not said (price on request), which is not free.
        "price": _decimal(offer.price) if offer.price_known else None,
        "is_free": offer.is_free,
        "delivery_form": offer.delivery_form.slug,
        "funding_programmes": [p.name for p in offer.funding_programmes.all()],
        "level": offer.level,
        "language": offer.language,
        "dates": [_api_date(date) for date in open_dates(offer)],
        "updated_at": offer.updated_at.isoformat(),
    }
