"""Request checks that hold for every URL of the portal (issue 17): the client's address
worked out once per request, and text that no form or filter can use refused at the door.
"""

from urllib.parse import parse_qsl

from django.conf import settings
from django.core.handlers.wsgi import get_bytes_from_wsgi
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from common.clientip import client_ip


class ClientAddressMiddleware:
    """Works out the client's address before anything else runs, so that it is in the
    WSGI environ (BEWEQO_CLIENT_IP) for the access log, also for answers that never reach
    a view (see gunicorn.conf.py)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        client_ip(request)
        return self.get_response(request)


def is_bad_text(value: str) -> bool:
    """True for text no field can store: NUL (PostgreSQL refuses it in any text column)
    and lone surrogates (not encodable as UTF-8)."""
    if "\x00" in value:
        return True
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def is_bad_form_encoding(raw: bytes) -> bool:
    """True when URL-encoded form data (a query string or a form body) is not clean UTF-8
    text once its percent-escapes are undone, or carries bad text (is_bad_text)."""
    try:
        text = raw.decode("utf-8")
        pairs = parse_qsl(
            text,
            keep_blank_values=True,
            encoding="utf-8",
            errors="strict",
            max_num_fields=settings.DATA_UPLOAD_MAX_NUMBER_FIELDS,
        )
    except UnicodeDecodeError:
        return True
    except ValueError:
        return False  # too many fields: Django itself answers that with a 400
    return any(is_bad_text(key) or is_bad_text(value) for key, value in pairs)


def request_has_bad_text(request: HttpRequest) -> bool:
    if is_bad_text(request.path):
        return True
    if is_bad_form_encoding(get_bytes_from_wsgi(request.META, "QUERY_STRING", "")):
        return True
    if request.method != "POST":
        return False
    if request.content_type == "application/x-www-form-urlencoded":
        return is_bad_form_encoding(request.body)
    if request.content_type == "multipart/form-data":
        # Django decodes multipart fields leniently and drops unprintable characters from
        # file names; what is left to catch is NUL in a field.
        return any(
            is_bad_text(key) or is_bad_text(value)
            for key, values in request.POST.lists()
            for value in values
        )
    return False


def bad_text_response(request: HttpRequest) -> HttpResponse:
    """The portal's 400 page, saying what was wrong."""
    message = _(
        "Ihre Anfrage enthält Zeichen, die wir nicht verarbeiten können (zum Beispiel ein "
        "Nullzeichen oder ungültig kodierten Text). Bitte prüfen Sie die Adresse oder Ihre "
        "Eingaben und versuchen Sie es erneut."
    )
    return HttpResponseBadRequest(render_to_string("400.html", {"message": message}, request))


def checks_its_own_text(view):
    """Marks a view that validates every parameter itself and names bad ones in its own
    format (the partner API's JSON "errors"), so the door leaves it to the view."""
    view.checks_its_own_text = True
    return view


class RejectBadTextMiddleware:
    """NUL bytes and text that is not valid UTF-8, in the path, any query parameter or
    any form field, get a 400 before a view sees them: a filter or form would pass them
    on to PostgreSQL, which refuses them with an error (a 500).

    It checks once the URL is resolved (process_view), so that a view marked with
    checks_its_own_text can answer in its own format; a path that resolves to no view is a
    404 anyway."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if getattr(view_func, "checks_its_own_text", False):
            return None
        if request_has_bad_text(request):
            return bad_text_response(request)
        return None
