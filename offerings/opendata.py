"""Open data: the licence of the catalogue's data, the OpenAPI description of the partner
API, and the entity tags that let a client ask "has anything changed?".

The description is built from the catalogue's filters (offerings/filters.py), so a new or
changed parameter shows in the description and on the page /daten/ without a second list.
"""

import hashlib
import re
from typing import Any

import django_filters
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.cache import get_conditional_response

from offerings.filters import CatalogueFilter
from offerings.formats import absolute
from offerings.models import Language, Level, Schedule, StartKind, TimeOfDay
from offerings.places import PLACES_ATTRIBUTION, PLACES_ATTRIBUTION_URL, PLACES_LICENCE_URL

# Datenlizenz Deutschland – Namensnennung 2.0: the licence German public bodies use for open
# data (GovData); reuse of every kind, on condition that the source is named.
DATA_LICENCE_ID = "dl-de/by-2-0"
DATA_LICENCE_SPDX = "DL-DE-BY-2.0"
DATA_LICENCE_NAME = "Datenlizenz Deutschland – Namensnennung – Version 2.0"
DATA_LICENCE_URL = "https://www.govdata.de/dl-de/by-2-0"
PAGE_SIZE_MAX = 100


def data_attribution() -> str:
    """The source note the licence asks reusers to show."""
    return f"{settings.SITE_NAME} – Weiterbildungskatalog, {absolute(reverse('portal:open_data'))}"


def data_licence() -> dict[str, Any]:
    """The licence of the API's data, with the third-party data it includes (the venues'
    coordinates come from GeoNames under CC BY 4.0)."""
    return {
        "id": DATA_LICENCE_ID,
        "name": DATA_LICENCE_NAME,
        "url": DATA_LICENCE_URL,
        "attribution": data_attribution(),
        "third_party": [
            {
                "attribution": PLACES_ATTRIBUTION,
                "url": PLACES_ATTRIBUTION_URL,
                "license_url": PLACES_LICENCE_URL,
                "fields": ["dates[].venue.latitude", "dates[].venue.longitude"],
            }
        ],
    }


def rights_statement() -> str:
    """The licence in one line, for formats with a rights field (Atom's <rights>)."""
    return f"{DATA_LICENCE_NAME} ({DATA_LICENCE_URL}); {data_attribution()}; {PLACES_ATTRIBUTION}"


def link_header() -> str:
    """The licence and the description, as RFC 8288 links (rel "service-desc": RFC 8631)."""
    description = absolute(reverse("offerings:api_openapi"))
    return f'<{DATA_LICENCE_URL}>; rel="license", <{description}>; rel="service-desc"'


# The time an answer was made: the one part of it that changes when the data does not. In
# the JSON text only the top-level key can match: a quote inside a string is escaped.
_GENERATED_AT = re.compile(rb'"generated_at": "[^"]*"')


def weak_etag(content: bytes) -> str:
    """A weak entity tag of a JSON answer, leaving out the time it was generated.

    Weak (RFC 9110 8.8.3), because answers with one tag may differ in bytes that do not
    change their meaning: that time, or the compression. Hashing the encoded answer costs
    about a tenth of encoding it again.
    """
    stable = _GENERATED_AT.sub(b"", content, count=1)
    return f'W/"{hashlib.sha256(stable).hexdigest()[:32]}"'


def conditional(request: HttpRequest, response: HttpResponse) -> HttpResponse:
    """Tag a successful answer, or answer 304 when the client has it already.

    The 304 keeps the headers a client or cache needs (RFC 9110 15.4.5) and those for
    cross-origin readers and the licence.
    """
    if response.status_code != 200:
        return response
    etag = weak_etag(response.content)
    response["ETag"] = etag
    answer = get_conditional_response(request, etag=etag, response=response)
    if answer is not response:
        for header in ("Access-Control-Allow-Origin", "Link"):
            if header in response:
                answer[header] = response[header]
    return answer


# --- OpenAPI description -----------------------------------------------------------------


def _enum(choices) -> list[str]:
    return [str(value) for value, _label in choices]


def _parameter(name: str, filter_: django_filters.Filter) -> dict[str, Any]:
    """One query parameter of the API, read from the catalogue filter of the same name."""
    extra = filter_.extra
    choices = extra.get("choices")
    # Taxonomies and providers: the values the catalogue has now (from its index).
    choices = list(choices() if callable(choices) else choices or [])
    static = bool(choices)
    schema: dict[str, Any]
    if isinstance(filter_, django_filters.BooleanFilter):
        schema = {"type": "boolean"}
    elif isinstance(filter_, django_filters.NumberFilter):
        schema = {"type": "number", "minimum": extra["min_value"], "maximum": extra["max_value"]}
    elif isinstance(filter_, django_filters.MultipleChoiceFilter):
        item = {"type": "string", "enum": _enum(choices)} if static else {"type": "string"}
        schema = {"type": "array", "items": item}
    elif isinstance(filter_, django_filters.ChoiceFilter):
        schema = {"type": "string", "enum": _enum(choices)} if static else {"type": "string"}
    else:
        # Text: Django refuses the NUL character in form input.
        schema = {"type": "string", "maxLength": extra["max_length"], "pattern": "^[^\\u0000]*$"}
    description = str(filter_.label)
    if static:
        values = ", ".join(f"{value} ({label})" for value, label in choices)
        description += f". Werte: {values}"
    parameter: dict[str, Any] = {
        "name": name,
        "in": "query",
        "required": False,
        "description": description,
        "schema": schema,
    }
    if schema["type"] == "array":
        parameter.update(style="form", explode=True)
    return parameter


PARAMETER_NOTES = {
    "q": "Alle Wörter müssen vorkommen (keine Teiltreffer).",
    "ort": "Ein Ort oder eine Postleitzahl in Deutschland; ein unbekannter Ort ergibt 400.",
    "umkreis": "Kilometer um den Ort (Luftlinie); nur mit „ort“.",
    "foerderung": "Mehrere Werte: Kurse mit einem davon.",
    "zielgruppe": "Mehrere Werte: Kurse mit einem davon.",
    "thema": "Mehrere Werte: Kurse mit einem davon.",
    "lernform": "Mehrere Werte: Kurse mit einem davon.",
    "anbieter": "Die Einrichtungen mit Kursen im Katalog.",
}


def api_parameters() -> list[dict[str, Any]]:
    """The query parameters of the offers API: the catalogue's filters, then paging."""
    parameters = []
    for name, filter_ in CatalogueFilter.base_filters.items():
        parameter = _parameter(name, filter_)
        if name in PARAMETER_NOTES:
            parameter["description"] += ". " + PARAMETER_NOTES[name]
        parameters.append(parameter)
    parameters += [
        {
            "name": "seite",
            "in": "query",
            "required": False,
            "description": "Seite der Ergebnisse, ab 1; nach der letzten kommt die letzte.",
            "schema": {"type": "integer", "minimum": 1, "maximum": 1_000_000},
        },
        {
            "name": "pro_seite",
            "in": "query",
            "required": False,
            "description": f"Ergebnisse pro Seite, höchstens {PAGE_SIZE_MAX}.",
            "schema": {"type": "integer", "minimum": 1, "maximum": PAGE_SIZE_MAX},
        },
    ]
    return parameters


def _nullable(schema: dict[str, Any]) -> dict[str, Any]:
    return {**schema, "type": [schema["type"], "null"]}


def _object(properties: dict[str, Any], **extra) -> dict[str, Any]:
    return {
        "type": "object",
        "required": list(properties),
        "properties": properties,
        **extra,
    }


URL = {"type": "string", "format": "uri"}
STRING = {"type": "string"}

SCHEMAS: dict[str, Any] = {
    "Venue": _object(
        {
            "name": STRING,
            "street": STRING,
            "postcode": STRING,
            "city": STRING,
            "latitude": _nullable({"type": "number", "minimum": -90, "maximum": 90}),
            "longitude": _nullable({"type": "number", "minimum": -180, "maximum": 180}),
        },
        description="Veranstaltungsort. Koordinaten: GeoNames (CC BY 4.0), null wenn unbekannt.",
    ),
    "Date": _object(
        {
            "start_kind": {"type": "string", "enum": _enum(StartKind.choices)},
            "start": _nullable({"type": "string", "format": "date"}),
            "end": _nullable({"type": "string", "format": "date"}),
            "schedule": {"type": "string", "enum": _enum(Schedule.choices)},
            "time_of_day": {
                "type": ["string", "null"],
                "enum": [*_enum(TimeOfDay.choices), None],
                "description": "null: Der Anbieter hat keine Tageszeit angegeben.",
            },
            "hours_total": _nullable({"type": "integer", "minimum": 0}),
            "venue": {"oneOf": [{"$ref": "#/components/schemas/Venue"}, {"type": "null"}]},
        },
        description="Ein Termin, der noch offen ist (Beginn in der Zukunft, laufend oder auf "
        "Anfrage). Ohne Ort: online oder ohne Angabe.",
    ),
    "Offer": _object(
        {
            "id": {"type": "integer"},
            "url": URL,
            "title": STRING,
            "summary": STRING,
            "provider": _object({"name": STRING, "url": URL}),
            "price": {
                "type": ["string", "null"],
                "pattern": "^[0-9]+\\.[0-9]{2}$",
                "description": "Preis in Euro als Zeichenkette; null: Preis auf Anfrage "
                "(nicht kostenlos).",
            },
            "is_free": {"type": "boolean"},
            "delivery_form": {"type": "string", "description": "Kürzel der Lernform."},
            "funding_programmes": {"type": "array", "items": STRING},
            "level": {"type": "string", "enum": _enum(Level.choices)},
            "language": {"type": "string", "enum": _enum(Language.choices)},
            "dates": {"type": "array", "items": {"$ref": "#/components/schemas/Date"}},
            "updated_at": {"type": "string", "format": "date-time"},
        }
    ),
    "License": _object(
        {
            "id": {"type": "string", "const": DATA_LICENCE_ID},
            "name": STRING,
            "url": URL,
            "attribution": {
                "type": "string",
                "description": "Der Quellenvermerk, den die Lizenz verlangt.",
            },
            "third_party": {
                "type": "array",
                "items": _object(
                    {
                        "attribution": STRING,
                        "url": URL,
                        "license_url": URL,
                        "fields": {"type": "array", "items": STRING},
                    }
                ),
            },
        }
    ),
    "Page": _object(
        {
            "count": {"type": "integer", "minimum": 0},
            "page": {"type": "integer", "minimum": 1},
            "pages": {"type": "integer", "minimum": 1},
            "next": _nullable(URL),
            "previous": _nullable(URL),
            "generated_at": {"type": "string", "format": "date-time"},
            "license": {"$ref": "#/components/schemas/License"},
            "results": {"type": "array", "items": {"$ref": "#/components/schemas/Offer"}},
        }
    ),
}
SCHEMAS["Errors"] = {
    "allOf": [
        {"$ref": "#/components/schemas/Page"},
        {
            "type": "object",
            "required": ["errors"],
            "properties": {
                "errors": {
                    "type": "object",
                    "description": "Je ungültigem Parameter die Meldungen; die Ergebnisse "
                    "lassen ihn dann aus.",
                    "additionalProperties": {
                        "type": "array",
                        "items": {"type": "string", "minLength": 1},
                        "minItems": 1,
                    },
                }
            },
        },
    ]
}

HEADERS = {
    "ETag": {
        "description": "Schwaches Entity-Tag; mit If-None-Match antwortet die API 304, "
        "wenn sich nichts geändert hat.",
        "schema": {"type": "string"},
    },
    "Link": {
        "description": 'Die Lizenz (rel="license") und diese Beschreibung (rel="service-desc").',
        "schema": {"type": "string"},
    },
}


def openapi_description() -> dict[str, Any]:
    """The OpenAPI 3.1 description of the partner API."""
    json_of = lambda name: {  # noqa: E731
        "application/json": {"schema": {"$ref": f"#/components/schemas/{name}"}}
    }
    return {
        "openapi": "3.1.0",
        "info": {
            "title": f"{settings.SITE_NAME}-Weiterbildungskatalog",
            "version": "1.0",
            "summary": "Die veröffentlichten Weiterbildungsangebote der Region Ostwürttemberg.",
            "description": "Lesender Zugriff ohne Anmeldung, für jede Website (CORS). Die "
            "Parameter sind die Filter des Katalogs. Erklärung auf Deutsch: "
            f"{absolute(reverse('portal:open_data'))}",
            "license": {"name": DATA_LICENCE_NAME, "url": DATA_LICENCE_URL},
        },
        "servers": [{"url": absolute("")}],
        "externalDocs": {
            "description": "Offene Daten des Portals",
            "url": absolute(reverse("portal:open_data")),
        },
        "paths": {
            reverse("offerings:api_offers"): {
                "get": {
                    "operationId": "listOffers",
                    "summary": "Veröffentlichte Kurse suchen, seitenweise",
                    "parameters": api_parameters(),
                    "responses": {
                        "200": {
                            "description": "Die passenden Kurse.",
                            "headers": HEADERS,
                            "content": json_of("Page"),
                        },
                        "304": {
                            "description": "Unverändert seit dem Entity-Tag in If-None-Match.",
                            "headers": {"ETag": HEADERS["ETag"]},
                        },
                        "400": {
                            "description": "Ungültige Parameter, in „errors“ benannt; die "
                            "Ergebnisse lassen sie aus.",
                            "content": json_of("Errors"),
                        },
                    },
                }
            }
        },
        "components": {"schemas": SCHEMAS},
    }
