"""Forms on shared cached pages, which cannot carry a CSRF token per visitor (issue 19).

A page served to every anonymous visitor from one cached copy (common.pagecache) has no
token of the visitor's in its forms. For small, harmless actions such as the Merkliste
button, `same_origin_post` replaces the token check with the check a token stands in for:
the request must come from a page of this site. Browsers send `Origin` with every POST
(and the portal's referrer policy sends `Referer` within the site); a request that names
another site, `null`, or nothing at all is refused. The session cookie is `SameSite=Lax`
besides, so a cross-site POST would not even carry the visitor's session.

Only for actions that are idempotent, touch nothing but the visitor's own session and
reveal nothing: a form that changes an account or sends mail keeps Django's CSRF token.
"""

from collections.abc import Callable
from functools import wraps
from urllib.parse import urlsplit

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseForbidden
from django.template.loader import render_to_string
from django.views.decorators.csrf import csrf_exempt


def request_is_same_origin(request: HttpRequest) -> bool:
    """Whether a POST comes from a page of this site (or a trusted origin)."""
    allowed = {f"{request.scheme}://{request.get_host()}", *settings.CSRF_TRUSTED_ORIGINS}
    origin = request.headers.get("Origin")
    if origin is not None:
        return origin in allowed
    referer = urlsplit(request.headers.get("Referer", ""))
    return bool(referer.netloc) and f"{referer.scheme}://{referer.netloc}" in allowed


def same_origin_post(view: Callable) -> Callable:
    """Exempt the view from the CSRF token and require a same-origin request instead."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if request.method == "POST" and not request_is_same_origin(request):
            return HttpResponseForbidden(render_to_string("403_csrf.html", request=request))
        return view(request, *args, **kwargs)

    return csrf_exempt(wrapped)
