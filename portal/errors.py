"""The portal's own error pages: 400, 403, 404 and the CSRF failure, in its layout, with a
way on. The 500 page is Django's handler with templates/500.html, which needs no request,
database or context processor (see that template)."""

from django.core.exceptions import DisallowedHost
from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme


def _back_url(request) -> str:
    """The page the visitor came from, when it is one of the portal's and not this one."""
    referer = request.META.get("HTTP_REFERER", "")
    try:
        host = request.get_host()
    except DisallowedHost:
        return ""
    if not referer or not url_has_allowed_host_and_scheme(
        referer, allowed_hosts={host}, require_https=request.is_secure()
    ):
        return ""
    return "" if referer == request.build_absolute_uri() else referer


def _error_page(request, template: str, status: int):
    return render(request, template, {"back_url": _back_url(request)}, status=status)


def bad_request(request, exception=None):
    return _error_page(request, "400.html", 400)


def permission_denied(request, exception=None):
    return _error_page(request, "403.html", 403)


def page_not_found(request, exception=None):
    return _error_page(request, "404.html", 404)


def csrf_failure(request, reason=""):
    """CSRF_FAILURE_VIEW: a form sent without a valid security token (an old page, blocked
    cookies). The reason stays in Django's log, not on the page."""
    return _error_page(request, "403_csrf.html", 403)
