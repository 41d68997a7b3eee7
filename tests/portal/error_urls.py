"""The portal's URLs plus three that fail on purpose, for tests/portal/test_error_pages.py."""

from django.core.exceptions import PermissionDenied, SuspiciousOperation
from django.urls import path

from beweqo.urls import handler400, handler403, handler404
from beweqo.urls import urlpatterns as portal_urls


def fails(request, kind: str):
    if kind == "ungueltig":
        raise SuspiciousOperation("test")
    if kind == "verboten":
        raise PermissionDenied
    raise RuntimeError("a bug")


urlpatterns = [path("test-fehler/<slug:kind>/", fails), *portal_urls]
__all__ = ["handler400", "handler403", "handler404", "urlpatterns"]
