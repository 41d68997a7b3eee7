"""Whole public pages from a shared cache, for visitors whose page cannot differ (issue 19).

Most requests for the catalogue, the course pages, the feeds, events and news come from
anonymous visitors who all see the same page, so one rendered response can serve them all.
`shared_page_cache` keeps the gzipped bytes of such a response in the default cache (Redis
in production) under the normalised URL (parameters sorted, `utm_*` dropped), the language,
the day, htmx's request headers and the data versions the page shows; a write to that data
replaces its version on commit (`page_version_bump`, or the catalogue index's token), so the
next visitor gets a fresh page.

A response is stored and served only when nothing in it can belong to one visitor:
- a GET or HEAD by a visitor who is not logged in and whose session (if any) is empty, with
  no messages waiting;
- an answer with status 200, no cookie set, no `private`/`no-store`, the session unchanged,
  and no CSRF token used while rendering it (so a page that still carries a form with a
  token is simply rendered each time, never shared).
Everything else passes through untouched but for `Cache-Control: private`, so that no proxy
keeps it either.

Shared answers carry a weak ETag (304 without body for If-None-Match), `Cache-Control:
public` with `max-age=0` (browsers ask again every time, cheaply) and an `s-maxage` for a
reverse proxy, and `Vary: Accept-Encoding` without `Cookie`: the session middleware adds
`Cookie` whenever the header or the Merkliste button looked at the session, which for these
answers made no difference (`PublicPageVaryMiddleware` takes it away again). A reverse proxy
in front must still pass requests with a session cookie through (they may carry a login).
"""

import gzip
import hashlib
import logging
import re
import uuid
import zlib
from collections.abc import Callable, Iterable
from functools import wraps
from urllib.parse import parse_qsl, urlencode

from django.conf import settings
from django.contrib.messages import get_messages
from django.core.cache import cache
from django.db import transaction
from django.http import HttpRequest, HttpResponse, QueryDict
from django.utils import timezone
from django.utils.cache import get_conditional_response, patch_cache_control, patch_vary_headers
from django.utils.translation import get_language

logger = logging.getLogger(__name__)

KEY_PREFIX = "pagecache:"
_accepts_gzip = re.compile(r"\bgzip\b")
# Headers of the view's answer that a shared copy keeps; the middleware above the view adds
# the rest (CSP, frame options, languages) to every answer, shared or not.
_KEPT_HEADERS = (
    "Content-Type",
    "Content-Disposition",
    "Content-Language",
    "Access-Control-Allow-Origin",
    "Link",
    "Cache-Control",
    "X-Robots-Tag",
)


def page_versions(keys: Iterable[str]) -> str:
    """The current values of the data versions `keys`, joined: part of a page's key.

    A missing version gets a new random one (never a fixed default), so that an evicted
    version cannot bring back pages stored under an old one.
    """
    keys = list(keys)
    found = cache.get_many(keys)
    for key in keys:
        if key not in found:
            cache.add(key, uuid.uuid4().hex, timeout=None)
            found[key] = cache.get(key) or uuid.uuid4().hex
    return ".".join(str(found[key]) for key in keys)


def page_version_bump(key: str) -> None:
    """Give the data version `key` a new value once the current transaction commits, so
    that every page showing that data is rendered afresh."""

    def bump() -> None:
        try:
            cache.set(key, uuid.uuid4().hex, timeout=None)
        except Exception:
            logger.warning("Cache unavailable; page version %s not replaced.", key)

    transaction.on_commit(bump)


def normalised_query(query_string: str) -> str:
    """The query without `utm_*` and with its parameters in order of name (the values of
    one name keep theirs, as they may matter): equal searches, one key."""
    pairs = [
        (name, value)
        for name, value in parse_qsl(query_string, keep_blank_values=True)
        if not name.startswith("utm_")
    ]
    pairs.sort(key=lambda pair: pair[0])
    return urlencode(pairs)


def _visitor_may_share(request: HttpRequest) -> bool:
    """Whether this request may get (and give) the page every anonymous visitor gets."""
    if request.method not in ("GET", "HEAD"):
        return False
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return False
    session = getattr(request, "session", None)
    has_cookie = request.COOKIES.get(settings.SESSION_COOKIE_NAME)
    # Anything kept for this visitor (Merkliste, messages, a form's state) may show.
    if session is not None and has_cookie and list(session.keys()):
        return False
    return not len(get_messages(request))


def _answer_may_be_shared(request: HttpRequest, response: HttpResponse) -> bool:
    if response.status_code != 200 or response.streaming or response.cookies:
        return False
    cache_control = response.get("Cache-Control", "")
    if "private" in cache_control or "no-store" in cache_control:
        return False
    if any(name.lower().startswith("hx-") for name in response.headers):
        return False  # an instruction to htmx (HX-Redirect …), not a page
    if request.META.get("CSRF_COOKIE_NEEDS_UPDATE"):  # a CSRF token is in the page
        return False
    session = getattr(request, "session", None)
    if session is not None and session.modified:
        return False
    return not len(get_messages(request))  # the view added a message


def _page_key(request: HttpRequest, versions: str) -> str:
    parts = [
        versions,
        get_language() or "",
        timezone.localdate().isoformat(),
        request.headers.get("HX-Request", ""),
        request.headers.get("HX-History-Restore-Request", ""),
        request.path,
        normalised_query(request.META.get("QUERY_STRING", "")),
    ]
    digest = hashlib.sha256("\n".join(parts).encode()).hexdigest()
    return f"{KEY_PREFIX}{digest}"


def _normalise_request(request: HttpRequest) -> None:
    """Let the view see the normalised query, so that what it renders (links that carry
    the search, the Merkliste's return address) is the same for every URL of one key."""
    query = normalised_query(request.META.get("QUERY_STRING", ""))
    request.META["QUERY_STRING"] = query
    request.GET = QueryDict(query)


def _entry_from(response: HttpResponse, hit_data: dict | None) -> dict:
    body = response.content
    return {
        "gzip": gzip.compress(body, compresslevel=6, mtime=0),
        "etag": response.get("ETag") or f'W/"{hashlib.md5(body).hexdigest()}"',  # noqa: S324 (a tag, not security)
        "headers": {name: response[name] for name in _KEPT_HEADERS if response.has_header(name)},
        "hit_data": hit_data,
    }


def _response_from(request: HttpRequest, entry: dict) -> HttpResponse:
    if _accepts_gzip.search(request.headers.get("Accept-Encoding", "")):
        response = HttpResponse(entry["gzip"])
        response["Content-Encoding"] = "gzip"
    else:
        response = HttpResponse(zlib.decompress(entry["gzip"], wbits=31))
    for name, value in entry["headers"].items():
        response[name] = value
    response["ETag"] = entry["etag"]
    return response


def _mark_public(response: HttpResponse, *, cached: bool) -> HttpResponse:
    if not response.has_header("Cache-Control"):
        patch_cache_control(
            response, public=True, max_age=0, s_maxage=settings.PAGE_CACHE_SHARED_MAX_AGE
        )
    patch_vary_headers(response, ("Accept-Encoding",))
    response["X-Page-Cache"] = "hit" if cached else "miss"
    response.shared_page = True  # PublicPageVaryMiddleware: no Vary: Cookie
    return response


def _conditional(request: HttpRequest, response: HttpResponse) -> HttpResponse:
    not_modified = get_conditional_response(request, etag=response["ETag"], response=response)
    if not_modified is not response:
        # As offerings.opendata.conditional: cross-origin readers and the licence need these.
        for header in ("Access-Control-Allow-Origin", "Link"):
            if header in response:
                not_modified[header] = response[header]
        not_modified.shared_page = True
    return not_modified


def _cache_call(method: Callable, *args, default=None):
    try:
        return method(*args)
    except Exception:
        logger.warning("Page cache unavailable.", exc_info=True)
        return default


def shared_page_cache(
    *,
    versions: Iterable[str],
    timeout: int | None = None,
    on_hit: Callable[[HttpRequest, dict], None] | None = None,
) -> Callable:
    """Serve the view's public answer from the shared cache (see the module docstring).

    `versions`: cache keys of the data versions the page shows. `timeout`: how long an
    answer is kept at most (for what changes with time rather than with writes; default
    `PAGE_CACHE_TIMEOUT`). `on_hit(request, data)`: work the view does for every request
    even when its page is shared (the catalogue counts searches); `data` is what the view
    put in `response.page_cache_data` when the page was rendered.
    """
    version_keys = tuple(versions)

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            if not settings.PAGE_CACHE or not _visitor_may_share(request):
                response = view(request, *args, **kwargs)
                if settings.PAGE_CACHE and not response.has_header("Cache-Control"):
                    patch_cache_control(response, private=True)
                return response
            _normalise_request(request)
            version = _cache_call(page_versions, version_keys)
            key = _page_key(request, version) if version is not None else None
            entry = _cache_call(cache.get, key) if key else None
            if entry is not None:
                if on_hit is not None and entry["hit_data"] is not None:
                    on_hit(request, entry["hit_data"])
                response = _mark_public(_response_from(request, entry), cached=True)
                return _conditional(request, response)
            response = view(request, *args, **kwargs)
            if not _answer_may_be_shared(request, response):
                if not response.has_header("Cache-Control"):
                    patch_cache_control(response, private=True)
                return response
            entry = _entry_from(response, getattr(response, "page_cache_data", None))
            if key:
                _cache_call(cache.set, key, entry, timeout or settings.PAGE_CACHE_TIMEOUT)
            response = _mark_public(_response_from(request, entry), cached=False)
            return _conditional(request, response)

        return wrapped

    return decorator


class PublicPageVaryMiddleware:
    """Takes `Cookie` out of `Vary` on answers `shared_page_cache` shared: their content is
    the same whatever cookie came with the request. Sits just above the session middleware,
    which adds it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if getattr(response, "shared_page", False) and response.has_header("Vary"):
            kept = [
                value.strip()
                for value in response["Vary"].split(",")
                if value.strip() and value.strip().lower() != "cookie"
            ]
            if kept:
                response["Vary"] = ", ".join(kept)
            else:
                del response["Vary"]
        return response
