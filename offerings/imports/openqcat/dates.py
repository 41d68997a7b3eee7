"""The dates of an open-Q-cat SERVICE: one per MODULE_COURSE (parts of one run make one),
with the period, full- or part-time, time of day, registration deadline, places, hours,
notes and venue.

`DateReading` is a part of the reader (`reader.py`).
"""

import re
from decimal import InvalidOperation
from xml.etree.ElementTree import Element

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from offerings.imports import codes
from offerings.imports.openqcat.elements import (
    OWN_CLASSIFICATION,
    Service,
    as_bool,
    child_text,
    clean,
)
from offerings.imports.records import (
    DATE_NOTES_LIMIT,
    MAX_DATES_PER_OFFER,
    DateRecord,
    parse_count,
    parse_date,
)

HOURS = re.compile(r"(?<![\d.:])(\d{1,2})(?:[.:](\d{2}))?\s*(?:uhr|h\b|-|–|bis)", re.IGNORECASE)
DATE_WITH_ZONE = re.compile(r"^\d{4}-\d{2}-\d{2}(Z|[+-]\d{2}:\d{2})$")


def _date(text: str):
    if DATE_WITH_ZONE.match(text.strip()):
        text = text.strip()[:10]
    return parse_date(text)


class DateReading:
    """The reader's methods for the dates."""

    def _dates(
        self,
        service: Service,
        ref: str,
        position: int,
        warnings: list[str],
        dropped: int,
        shared: dict,
        *,
        date: bool = True,
    ) -> list[DateRecord]:
        """One date per MODULE_COURSE (or one for the SERVICE when it has none). An offer's
        SERVICE only has dates when it names a start; they are used when no date links to it.
        MODULE_COURSEs that are parts of one run (block teaching, internship, exam: their
        SEGMENT_TYPE) make one date from the first start to the last end."""
        courses = service.courses
        if dropped:
            record = DateRecord(ref=ref, position=position)
            record.errors.append(
                _(
                    "Der Eintrag hat über %(limit)s Termine (MODULE_COURSE); höchstens %(limit)s "
                    "sind je Angebot möglich."
                )
                % {"limit": MAX_DATES_PER_OFFER}
            )
            return [record]
        segments = [c for c in courses if (_segment_type(c) or "0") in codes.SEGMENT_TYPES]
        if segments:
            kinds = sorted({codes.SEGMENT_TYPES[_segment_type(c)] for c in segments})
            records = [self._date(service, courses[0], ref, position, shared)]
            parts = [self._date(service, c, ref, position, shared) for c in courses[1:]]
            starts = [d.values["start"] for d in [records[0], *parts] if d.values.get("start")]
            ends = [d.values["end"] for d in [records[0], *parts] if d.values.get("end")]
            if starts:
                records[0].values["start"] = min(starts)
            if ends:
                records[0].values["end"] = max(ends)
            for part in parts:
                records[0].errors.extend(part.errors)
            for course in courses:
                segment = next(course.iter("SEGMENT_TYPE"), None)
                service.use(segment)
            warnings.append(
                ngettext(
                    "%(count)d Abschnitt des Ablaufs (%(kinds)s) als ein Termin übernommen.",
                    "%(count)d Abschnitte des Ablaufs (%(kinds)s) als ein Termin übernommen.",
                    len(courses),
                )
                % {"count": len(courses), "kinds": ", ".join(kinds)}
            )
        elif courses:
            records = [
                self._date(service, course, ref if n == 0 else f"{ref}/{n + 1}", position, shared)
                for n, course in enumerate(courses)
            ]
        else:
            records = [self._date(service, None, ref, position, shared)]
        if not date:
            # An offer's own entry has a date only where it names a start; the rest of its
            # MODULE_COURSEs is reported as not used.
            kept = []
            for record, course in zip(records, courses or [None], strict=False):
                if record.values.get("start") or record.values.get("start_kind") != "fixed":
                    kept.append(record)
                elif course is not None:
                    service.unuse(course)
            records = kept
        return records

    def _shared_date_values(self, service: Service, warnings: list[str], *, date: bool) -> dict:
        """What a SERVICE says about all its dates: the period (SERVICE_DATE), full- or
        part-time, time of day, registration deadline and remarks."""
        shared: dict = {"errors": []}
        child = service.child
        period = service.first("SERVICE_DATE")
        start_element = child(period, "START_DATE")
        end_element = child(period, "END_DATE")
        announcement = service.first("ANNOUNCEMENT")
        if (
            date
            and start_element is None
            and end_element is None
            and announcement is not None
            and not any(next(c.iter("START_DATE"), None) is not None for c in service.courses)
        ):
            # Some generators put a date's period into ANNOUNCEMENT (meant for the time the
            # entry is published); read only when nothing else names one.
            start_element = child(announcement, "START_DATE")
            end_element = child(announcement, "END_DATE")
            if start_element is not None:
                warnings.append(
                    _(
                        "Beginn und Ende stehen nur im Freigabezeitraum (ANNOUNCEMENT) und "
                        "wurden von dort übernommen."
                    )
                )
        shared["start"] = self._date_value(service, start_element, shared["errors"])
        shared["end"] = self._date_value(service, end_element, shared["errors"])
        remarks = service.text(child(period, "DATE_REMARKS"))
        shared["notes"] = [remarks] if remarks else []
        time = service.first("INSTRUCTION_TIME")
        form = service.first("INSTRUCTION_FORM")
        time_code = (time.get("type") or "").strip() if time is not None else ""
        form_code = (form.get("type") or "").strip() if form is not None else ""
        time_words = clean("".join(time.itertext())).lower() if time is not None else ""
        form_words = clean("".join(form.itertext())).lower() if form is not None else ""
        schedule = codes.INSTRUCTION_TIMES.get(time_code) or _schedule_word(time_words)
        if schedule is not None:
            service.use(time)
        else:
            schedule = codes.INSTRUCTION_FORM_SCHEDULE.get(form_code) or _schedule_word(form_words)
            if schedule is not None:
                service.use(form)
        if schedule:
            shared["schedule"] = schedule
        if form_code == codes.INSTRUCTION_FORM_WEEKEND:
            shared["time_of_day"] = "weekend"
        elif codes.INSTRUCTION_FORMS.get(form_code) in {"selbstlernkurs", "fernunterricht"}:
            shared["time_of_day"] = "flexible"
        if form is not None and form_code in codes.INSTRUCTION_FORMS_VAGUE:
            service.use(form)
        for name, value in self._own_date_features(service).items():
            shared[name] = value
        deadline = service.first("REGISTRATION_DATE")
        if deadline is not None:
            shared["registration_deadline"] = self._date_value(service, deadline, shared["errors"])
        return shared

    def _own_date_features(self, service: Service) -> dict:
        """Time of day and start "on request" as the portal's own export writes them."""
        found = {}
        for classification in service.all("SERVICE_CLASSIFICATION"):
            system = child_text(classification, "REFERENCE_CLASSIFICATION_SYSTEM_NAME")
            if system != OWN_CLASSIFICATION:
                continue
            for feature in classification.iter("FEATURE"):
                name = child_text(feature, "FNAME")
                value = child_text(feature, "FVALUE")
                field = OWN_DATE_FEATURES.get(name)
                if field and value in OWN_DATE_CHOICES[field]:
                    found[field] = value
                    service.use(feature)
        return found

    def _date_value(self, service: Service, element: Element | None, errors: list[str]):
        text = service.text(element)
        if not text:
            return None
        try:
            return _date(text)
        except ValueError:
            errors.append(_("Das Datum „%(date)s“ ist ungültig.") % {"date": text[:40]})
            return None

    def _date(
        self, service: Service, course: Element | None, ref: str, position: int, shared: dict
    ) -> DateRecord:
        record = DateRecord(ref=ref, position=position)
        record.errors.extend(shared["errors"])
        values = record.values
        child = service.child
        duration = child(course, "DURATION")
        start_element = child(duration, "START_DATE") if duration is not None else None
        end_element = child(duration, "END_DATE") if duration is not None else None
        if start_element is None and course is not None:
            start_element = next((e for e in course if e.tag == "START_DATE"), None)
            end_element = end_element or next((e for e in course if e.tag == "END_DATE"), None)
        start = self._date_value(service, start_element, record.errors)
        end = self._date_value(service, end_element, record.errors)
        values["start"] = start or (shared["start"] if start_element is None else None)
        values["end"] = end or (shared["end"] if end_element is None else None)
        flexible = as_bool(service.text(child(course, "FLEXIBLE_START")))
        values["start_kind"] = shared.get("start_kind") or ("rolling" if flexible else "fixed")
        if "schedule" in shared:
            values["schedule"] = shared["schedule"]
        values["hours_total"] = None
        if duration is not None and len(duration) == 0 and (duration.text or "").strip():
            # The portal's own export writes the hours here; the format's schema has a
            # duration class in the type attribute instead.
            values["hours_total"] = self._count(service, duration, record)
        elif duration is not None:
            service.use(child(duration, "DATE_REMARKS"))
        values["seats"] = self._count(service, child(course, "MAX_PARTICIPANTS"), record)
        values["min_participants"] = self._count(service, child(course, "MIN_PARTICIPANTS"), record)
        if "registration_deadline" in shared:
            values["registration_deadline"] = shared["registration_deadline"]
        remarks = service.text(child(course, "INSTRUCTION_REMARKS"))
        duration_remarks = (
            service.text(child(duration, "DATE_REMARKS")) if duration is not None else ""
        )
        notes = [*shared["notes"], *(r for r in (remarks, duration_remarks) if r)]
        text = " · ".join(dict.fromkeys(notes))
        if len(text) > DATE_NOTES_LIMIT:
            text = text[: DATE_NOTES_LIMIT - 1] + "…"
            record.warnings.append(_("Die Hinweise zum Termin wurden gekürzt."))
        values["notes"] = text
        time_of_day = shared.get("time_of_day") or _time_of_day(remarks)
        if time_of_day is None and values.get("schedule") == "full_time":
            # Full-time courses run during the day; a guess, so the provider is told.
            time_of_day = "morning"
            record.warnings.append(
                _("Tageszeit nicht angegeben: als Vollzeitkurs „vormittags“ übernommen.")
            )
        if time_of_day:
            values["time_of_day"] = time_of_day
        location = child(course, "LOCATION")
        values["venue_key"] = self._venue_key(service, location)
        barrier_free = child(location, "BARRIER_FREE_LOCATION")
        if barrier_free is not None:
            flag = as_bool(service.text(barrier_free))
            if flag is not None:
                record.offer_values["wheelchair_accessible"] = flag
        service.use(child(course, "EXTENDED_INFO") if course is not None else None)
        return record

    def _venue_key(self, service: Service, location: Element | None) -> tuple | None:
        if location is None:
            return None
        child = service.child
        name = service.text(child(location, "NAME"))
        city = service.text(child(location, "CITY"))
        if not (name or city):
            return None
        return (
            name[:150] or city[:150],
            service.text(child(location, "STREET"))[:120],
            service.text(child(location, "ZIP"))[:5],
            city[:80],
        )

    def _count(self, service: Service, element: Element | None, record: DateRecord) -> int | None:
        text = service.text(element)
        try:
            return parse_count(text)
        except (ValueError, InvalidOperation):
            record.errors.append(_("„%(value)s“ ist keine gültige Anzahl.") % {"value": text[:20]})
            return None


def _schedule_word(words: str) -> str | None:
    if "vollzeit" in words or "full_time" in words:
        return "full_time"
    if "teilzeit" in words or "part_time" in words:
        return "part_time"
    return None


def _segment_type(course: Element) -> str | None:
    segment = next(course.iter("SEGMENT_TYPE"), None)
    return (segment.get("type") or "").strip() if segment is not None else None


def _time_of_day(remarks: str) -> str | None:
    """Morning, afternoon or evening from the first time in remarks like "08.00 - 15.00 Uhr"."""
    match = HOURS.search(remarks or "")
    if match is None:
        return None
    hour = int(match.group(1))
    if hour >= 24:
        return None
    return "morning" if hour < 12 else "afternoon" if hour < 17 else "evening"


# Date values in the portal's own classification: feature name → field.
OWN_DATE_FEATURES = {"Tageszeit": "time_of_day", "Beginn": "start_kind"}
OWN_DATE_CHOICES = {
    "time_of_day": {"morning", "afternoon", "evening", "weekend", "flexible"},
    "start_kind": {"fixed", "rolling", "on_demand"},
}
