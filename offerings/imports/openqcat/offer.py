"""What an open-Q-cat SERVICE says about the offer: texts, contact, link, certificate,
delivery form, language, price, funding, the classification (KURSNET's Kurssystematik and
the portal's own), target groups and accessibility.

`OfferReading` is a part of the reader (`reader.py`); dates carry some of these values too
(`_offer_facts`), so it reads them from either. The coded values are in `codes.py`.
"""

import re
from decimal import Decimal, InvalidOperation
from xml.etree.ElementTree import Element

from django.utils.translation import gettext as _

from offerings.imports import codes
from offerings.imports.openqcat.elements import (
    OWN_CLASSIFICATION,
    Service,
    as_bool,
    clean,
)
from offerings.imports.records import (
    OFFER_FIELDS,
    OfferRecord,
    parse_decimal,
)

PHONE_DOTS = re.compile(r"^\+?\d+(\.\d+)+$")


class OfferReading:
    """The reader's methods for the offer's values; `terms`, `forms` and `currency` are the
    reader's (`reader._Reader`)."""

    terms: dict[str, dict[str, str]]
    forms: dict[str, int]
    currency: str

    def _offer_values(self, service: Service, record: OfferRecord) -> None:
        values = record.values
        values["title"] = service.text(service.first("TITLE"))
        long_element = service.first("DESCRIPTION_LONG")
        long_text = service.long_text(long_element)
        short = service.text(service.first("DESCRIPTION_SHORT"))
        if not short and long_text:
            short = clean(long_text)
            if len(short) > 400:
                short = short[:399].rsplit(" ", 1)[0] + "…"
        values["summary"] = short
        if long_element is not None:
            values["description"] = long_text
        requirements = service.first("REQUIREMENTS")
        if requirements is not None:
            values["entry_requirements"] = service.long_text(requirements)
        self._keywords(service, record)
        self._contact(service, values)
        self._url(service, values)
        self._degree(service, values, record.warnings)
        measure = service.first("MEASURE_NUMBER")
        if measure is not None:
            values["azav_measure_number"] = service.text(measure)
        self._offer_facts(service, values, record.warnings, record.errors)

    def _keywords(self, service: Service, record: OfferRecord) -> None:
        """Keywords; some generators put course classification codes (Kurssystematik) or
        the names of the portal's topics among them."""
        keywords = []
        for element in service.all("KEYWORD"):
            word = service.text(element)
            if not word:
                continue
            if codes.kurssystematik_terms(word) is not None:
                self._classification_code(service, element, word, record.values, record.warnings)
                continue
            keywords.append(word)
        if not keywords:
            return
        joined = ", ".join(dict.fromkeys(keywords))
        limit = OFFER_FIELDS["keywords"]
        if len(joined) > limit:
            joined = joined[: limit + 1].rsplit(", ", 1)[0]
            record.warnings.append(
                _(
                    "Die Schlagwörter sind länger als %(limit)d Zeichen; die letzten wurden "
                    "weggelassen."
                )
                % {"limit": limit}
            )
        record.values["keywords"] = joined
        topics = {self.terms.get("topics", {}).get(word.lower()) for word in keywords} - {None}
        if topics:
            _add_terms(record.values, "topics", topics)

    def _contact(self, service: Service, values: dict) -> None:
        contact = service.first("CONTACT")
        if contact is None:
            return
        # The contact's own elements, not those of its ADDRESS.
        name = service.text(contact.find("NAME")) or " ".join(
            part
            for part in (
                service.text(contact.find("ACADEMIC_TITLE")),
                service.text(contact.find("FIRST_NAME")),
                service.text(contact.find("NAME_PREFIX")),
                service.text(contact.find("LAST_NAME")) or service.text(contact.find("SURNAME")),
            )
            if part
        )
        values["contact_name"] = name
        email = contact.find("EMAILS/EMAIL")
        values["contact_email"] = service.text(
            email if email is not None else contact.find("EMAIL")
        )
        phone = service.text(contact.find("PHONE"))
        # KURSNET writes numbers as +49.7361.12345.
        values["contact_phone"] = phone.replace(".", " ") if PHONE_DOTS.match(phone) else phone

    def _url(self, service: Service, values: dict) -> None:
        """The course page: the link of the MIME_INFO (what KURSNET shows as "Link"), else
        the contact's web address."""
        contact = service.first("CONTACT")
        contact_url = contact.find("URL") if contact is not None else None
        sources = [(e, clean("".join(e.itertext()))) for e in service.all("MIME_SOURCE")]
        url = next((t for _e, t in sources if t.lower().startswith(("http://", "https://"))), None)
        if url:
            values["url"] = url
            # The same address elsewhere (the contact's web address) was not left out.
            for element, text in sources:
                if text == url:
                    service.use(element)
            if contact_url is not None and clean("".join(contact_url.itertext())) == url:
                service.use(contact_url)
            return
        details = service.first("SERVICE_DETAILS")
        if contact_url is None and details is not None:
            contact_url = details.find("URL")
        if contact_url is not None:
            values["url"] = service.text(contact_url)

    def _degree(self, service: Service, values: dict, warnings: list[str]) -> None:
        degree = service.first("DEGREE")
        if degree is None:
            return
        service.code(degree)  # DEGREE@type is 0 in KURSNET's own files
        title = service.child(degree, "DEGREE_TITLE")
        if title is not None:
            values["certificate_name"] = service.text(title)
        elif len(degree) == 0:
            values["certificate_name"] = service.text(degree)
        exam = service.child(degree, "DEGREE_EXAM")
        if exam is None:
            return
        examiner = service.child(exam, "EXAMINER")
        examiner_text = "".join(examiner.itertext()) if examiner is not None else ""
        described = clean(f"{exam.get('type') or ''} {examiner_text}")
        certificate = _certificate_kind(described)
        if certificate is not None:
            service.used.add(id(exam))
            service.use(examiner)
            values["certificate"] = certificate
        elif described:
            warnings.append(
                _("Die Art des Abschlusses „%(kind)s“ kennt das Portal nicht.")
                % {"kind": described[:80]}
            )

    # --- What offers and dates both carry ----------------------------------------------------

    def _offer_facts(
        self, service: Service, values: dict, warnings: list[str], errors: list[str]
    ) -> None:
        """Values of the offer an entry states, whether it is the offer's or a date's:
        delivery form, language, level, price, funding, topics, target groups and
        accessibility (open-Q-cat puts several of them on the dates)."""
        self._delivery_form(service, values, warnings)
        self._language(service, values, warnings)
        self._price(service, values, warnings, errors)
        self._funding(service, values, warnings)
        self._classification(service, values, warnings)
        self._target_groups(service, values, warnings)
        self._accessibility(service, values, warnings)

    def _delivery_form(self, service: Service, values: dict, warnings: list[str]) -> None:
        chosen, unknown = None, []
        for tag, table in (
            ("EXECUTION_FORM", codes.EXECUTION_FORMS),
            ("INSTRUCTION_FORM", codes.INSTRUCTION_FORMS),
        ):
            element = service.first(tag)
            if element is None:
                continue
            code = (element.get("type") or "").strip()
            text = clean("".join(element.itertext())).lower()
            form_id = self.forms.get(text) or self.forms.get(table.get(code, ""))
            if form_id is None and text:
                form_id = next(
                    (pk for name, pk in self.forms.items() if name and name in text), None
                )
            if form_id is not None:
                if chosen is None:
                    values["delivery_form_id"] = chosen = form_id
                # The second element naming the form is used when it agrees.
                if form_id == chosen:
                    service.use(element)
                continue
            if tag == "INSTRUCTION_FORM" and (
                code in codes.INSTRUCTION_FORMS_VAGUE
                or code in codes.INSTRUCTION_FORM_SCHEDULE
                or text in {"vollzeit", "teilzeit", "full_time", "part_time"}
            ):
                continue  # full-/part-time or "on request": read with the dates
            if code or text:
                unknown.append(clean("".join(element.itertext())) or code)
        if chosen is None and unknown:
            warnings.append(
                _("Unbekannte Lernform „%(form)s“; angenommen wird „Präsenz“, bitte prüfen.")
                % {"form": unknown[0][:60]}
            )

    def _language(self, service: Service, values: dict, warnings: list[str]) -> None:
        # TEACHING_LANGUAGES (since 2025) or the older EDUCATION/LANGUAGE, ISO 639-2.
        teaching, older = service.all("TEACHING_LANGUAGES"), service.all("LANGUAGE")
        found = []
        for element in teaching or older:
            code = service.text(element).lower()
            if code:
                found.append(code)
        if not found:
            return
        for element in older if teaching else []:
            # Used when it says the same.
            if clean("".join(element.itertext())).lower() in found:
                service.use(element)
        values["language"] = codes.LANGUAGES.get(found[0], "other")
        if len(found) > 1:
            warnings.append(
                _(
                    "Weitere Unterrichtssprachen nicht übernommen: %(codes)s (das Portal kennt "
                    "eine je Angebot)."
                )
                % {"codes": ", ".join(found[1:])}
            )

    def _price(
        self, service: Service, values: dict, warnings: list[str], errors: list[str]
    ) -> None:
        details = service.first("SERVICE_PRICE_DETAILS")
        if details is None:
            return
        amount_element = service.child(details, "PRICE_AMOUNT")
        remarks_element = service.child(details, "REMARKS")
        remarks = service.text(remarks_element)
        if remarks:
            if len(remarks) > OFFER_FIELDS["price_notes"]:
                remarks = remarks[: OFFER_FIELDS["price_notes"] - 1] + "…"
                warnings.append(_("Die Hinweise zum Preis wurden gekürzt."))
            values["price_notes"] = remarks
        amount_text = service.text(amount_element)
        currency = service.text(service.child(details, "PRICE_CURRENCY")).upper() or self.currency
        price: Decimal | None
        if amount_text:
            if codes.FREE_PATTERN.search(amount_text):
                price = Decimal("0.00")
            else:
                try:
                    price = parse_decimal(amount_text)
                except (InvalidOperation, ValueError):
                    errors.append(
                        _("Der Preis „%(price)s“ ist keine Zahl.") % {"price": amount_text[:20]}
                    )
                    return
        elif remarks and codes.FREE_REMARK.fullmatch(remarks):
            price = Decimal("0.00")
        else:
            price = None
        if price is not None and currency not in {"EUR", "€"}:
            warnings.append(
                _("Der Preis ist in %(currency)s angegeben; übernommen wird „Preis auf Anfrage“.")
                % {"currency": currency[:10]}
            )
            price = None
        elif price == 0 and remarks and codes.ON_REQUEST_PATTERN.search(remarks):
            warnings.append(
                _(
                    "Preis 0 mit dem Hinweis „%(remark)s“: übernommen als „Preis auf Anfrage“, "
                    "nicht als kostenlos."
                )
                % {"remark": remarks[:60]}
            )
            price = None
        values["price"] = price

    def _funding(self, service: Service, values: dict, warnings: list[str]) -> None:
        slugs: set[str] = set()
        for tag, table in (
            ("FUNDING_TYPES_FEDERAL", codes.FUNDING_FEDERAL),
            ("FUNDING_TYPES_REGIONAL", codes.FUNDING_REGIONAL),
        ):
            for element in service.all(tag):
                code = service.code(element)
                label = clean("".join(element.itertext()))
                slug = table.get(code) or codes.FUNDING_WORDS.get(label.lower())
                if slug:
                    slugs.add(slug)
                    continue
                service.unuse(element)
                name = codes.FUNDING_FEDERAL_UNMAPPED.get(code) if tag.endswith("FEDERAL") else None
                warnings.append(
                    _(
                        "Die Förderart „%(name)s“ (%(element)s %(code)s) hat im Portal keine "
                        "Entsprechung."
                    )
                    % {"name": (name or label or code)[:80], "element": tag, "code": code}
                )
        measure = service.text(service.first("MEASURE_NUMBER"))
        if measure:
            # A measure number is the AZAV approval the Bildungsgutschein needs.
            values.setdefault("azav_measure_number", measure)
            slugs.add("bildungsgutschein")
        for status in service.all("CERTIFICATE_STATUS"):
            code = service.text(status)
            if code == codes.CERTIFICATE_APPROVED:
                slugs.add("bildungsgutschein")
            elif code not in {"", "0"}:
                service.unuse(status)
        if slugs:
            # Funding the file does not name is left as it is (the provider may have set it
            # in the portal).
            _add_terms(values, "funding_programmes", slugs)

    def _classification(self, service: Service, values: dict, warnings: list[str]) -> None:
        for classification in service.all("SERVICE_CLASSIFICATION"):
            system = service.text(
                service.child(classification, "REFERENCE_CLASSIFICATION_SYSTEM_NAME")
            )
            for feature in classification.iter("FEATURE"):
                name_element = service.child(feature, "FNAME")
                name = clean("".join(name_element.itertext())) if name_element is not None else ""
                value_elements = list(feature.iter("FVALUE"))
                if system == OWN_CLASSIFICATION:
                    self._own_feature(service, name_element, name, value_elements, values, warnings)
                elif codes.kurssystematik_terms(name) is not None:
                    # KURSNET: the code is the name, the value its label.
                    self._classification_code(service, name_element, name, values, warnings)
                    for element in value_elements:
                        service.use(element)
                elif name.lower() in {"kurssystematik", "systematik"}:
                    service.use(name_element)
                    for element in value_elements:
                        code = clean("".join(element.itertext()))
                        self._classification_code(service, element, code, values, warnings)

    def _classification_code(
        self, service: Service, element: Element, code: str, values: dict, warnings: list[str]
    ) -> None:
        found = codes.kurssystematik_terms(code)
        topic, group = found if found else (None, None)
        known = self.terms.get("topics", {}), self.terms.get("target_groups", {})
        topic = topic if topic in known[0].values() or not known[0] else None
        group = group if group in known[1].values() or not known[1] else None
        if topic is None and group is None:
            service.unuse(element)
            warnings.append(
                _("Der Kurssystematik-Code „%(code)s“ ist keinem Thema des Portals zugeordnet.")
                % {"code": code[:40]}
            )
            return
        service.use(element)
        if topic:
            _add_terms(values, "topics", {topic})
        if group:
            _add_terms(values, "target_groups", {group})

    def _own_feature(self, service, name_element, name, value_elements, values, warnings) -> None:
        texts = [clean("".join(e.itertext())) for e in value_elements]
        field = OWN_FEATURES.get(name)
        if field is None:
            return
        kind, target = field
        if kind == "terms":
            lookup = self.terms.get(target, {})
            slugs = {lookup.get(text.lower()) for text in texts if text}
            unknown = [text for text in texts if text and lookup.get(text.lower()) is None]
            if unknown and lookup:
                warnings.append(
                    _("Unbekannte Angaben zu %(field)s: %(values)s.")
                    % {"field": name, "values": ", ".join(unknown)[:120]}
                )
            _add_terms(values, target, slugs - {None})
        elif kind == "choice":
            choices = OWN_CHOICES[target]
            value = texts[0] if texts else ""
            if value not in choices:
                warnings.append(
                    _("Unbekannte Angabe zu %(field)s: %(value)s.")
                    % {"field": name, "value": value[:40]}
                )
                return
            values[target] = value
        elif kind == "bool":
            flag = as_bool(texts[0] if texts else "")
            if flag is None:
                return
            values[target] = flag
        else:
            values[target] = "\n".join(texts)
        service.use(name_element)
        for element in value_elements:
            service.use(element)

    def _target_groups(self, service: Service, values: dict, warnings: list[str]) -> None:
        slugs: set[str] = set()
        for tag, slug in codes.TARGET_GROUP_FLAGS.items():
            for element in service.all(tag):
                flag = as_bool(service.text(element))
                if flag:
                    slugs.add(slug)
        for element in service.all("EDUCATION_TYPE"):
            level, group = codes.EDUCATION_TYPES.get(
                (element.get("type") or "").strip(), (None, None)
            )
            if level or group:
                service.use(element)
            if level:
                values.setdefault("level", level)
            if group:
                slugs.add(group)
        lookup = self.terms.get("target_groups", {})
        for element in service.all("TARGET_GROUP_TEXT"):
            text = clean("".join(element.itertext()))
            parts = [part.strip() for part in re.split(r"[,;\n]", text) if part.strip()]
            if parts and lookup and all(part.lower() in lookup for part in parts):
                # A list of the portal's target groups, as its own export writes them.
                service.use(element)
                slugs.update(lookup[part.lower()] for part in parts)
        known = set(lookup.values())
        slugs = {slug for slug in slugs if slug in known} if known else slugs
        if slugs:
            _add_terms(values, "target_groups", slugs)

    def _accessibility(self, service: Service, values: dict, warnings: list[str]) -> None:
        notes = []
        for element in service.all("DIGITAL_ACCESSIBILITY"):
            if as_bool(service.text(element)):
                notes.append(_("Digital barrierefrei."))
        for element in service.all("DIGITAL_ACCESSIBILITY_REMARKS"):
            text = service.text(element)
            if text:
                notes.append(text)
        handicaps = [service.text(service.child(h, "HAND_NAME")) for h in service.all("HANDICAP")]
        for handicap in service.all("HANDICAP"):
            service.code(handicap)
        handicaps = [h for h in handicaps if h]
        if handicaps:
            notes.append(
                _("Geeignet für Menschen mit: %(names)s.") % {"names": ", ".join(handicaps)}
            )
        if notes and "accessibility_notes" not in values:
            text = "\n".join(notes)
            limit = OFFER_FIELDS["accessibility_notes"]
            if len(text) > limit:
                text = text[: limit - 1] + "…"
                warnings.append(_("Die Hinweise zur Barrierefreiheit wurden gekürzt."))
            values["accessibility_notes"] = text


def _certificate_kind(text: str) -> str | None:
    text = text.lower()
    for words, kind in (
        (("teilnahme",), "attendance"),
        (("ihk", "hwk", "kammer", "handwerk"), "chamber"),
        (("staatlich",), "state"),
        (("hochschul", "universit", "bachelor", "master"), "university"),
        (("hersteller",), "vendor"),
        (("zertifikat", "anbieter", "trägerzertifikat"), "provider"),
        (("kein",), "none"),
    ):
        if any(word in text for word in words):
            return kind
    return None


def _add_terms(values: dict, name: str, slugs: set[str]) -> None:
    values[name] = sorted(set(values.get(name, [])) | slugs)


# The portal's own classification in its export: feature name → (kind, field).
OWN_FEATURES = {
    "Thema": ("terms", "topics"),
    "Zielgruppe": ("terms", "target_groups"),
    "Förderung": ("terms", "funding_programmes"),
    "Niveau": ("choice", "level"),
    "Abschlussart": ("choice", "certificate"),
    "Rollstuhlgerecht": ("bool", "wheelchair_accessible"),
    "Barrierefreiheit": ("text", "accessibility_notes"),
}
OWN_CHOICES = {
    "level": {"none", "dqr1", "dqr2", "dqr3", "dqr4", "dqr5", "dqr6", "dqr7", "dqr8"},
    "certificate": {"none", "attendance", "provider", "chamber", "state", "university", "vendor"},
}
