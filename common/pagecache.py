"""Whole public pages from a shared cache, for visitors whose page cannot differ (issue 19).

Most requests for the catalogue, the course pages, the feeds, events and news come from
anonymous visitors who all see the same page, so one rendered response can serve them all.
`shared_page_cache` keeps the gzipped bytes of such a response in the default cache (Redis
in production) under the normalised URL (parameters sorted, `utm_*` dropped), the language,
the day and htmx's request headers, together with the data versions the page showed; a write
to that data replaces its version on commit (`page_version_bump`, or the catalogue index's
token), so the next visitor gets a fresh page.

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
answers made no difference. A reverse proxy in front must still pass requests with a session
cookie through (they may carry a login).

Two ways to a stored page, one entry:
- `SharedPageMiddleware`, above the session, answers a request that brings no session and
  no messages cookie (nearly every anonymous visit) before any middleware below it or the
  view runs, when the URL names a view marked by `shared_page_cache`: one cache read fetches
  the entry and the data versions together, and the entry holds the headers exactly as the
  middleware below gave them on the rendered answer (CSP, frame options, language, Vary).
  What it must still decide for such a request, it decides as the stack would: the host
  must be allowed, text that the portal refuses (`RejectBadTextMiddleware`) goes the long
  way to its 400, and a counted search is counted. It is also the only writer: it stores the
  entry the view's decorator prepared, once the answer has passed the middleware below
  without a cookie being set, and takes `Cookie` out of `Vary` on shared answers.
- the decorator answers the rest that may share (a session cookie with an empty session)
  from the same entry, with the view's own headers, and the middleware below adds theirs.
The versions are compared on each read (kept out of the key, so that one read fetches the
entry and the versions together): a write makes every page that showed its data a miss at
once, and the fresh page replaces the old one under the same key.
"""

import functools
import gzip
import hashlib
import logging
import os
import re
import uuid
import zlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import wraps
from pathlib import Path
from urllib.parse import parse_qsl, urlencode

import django
from django.conf import settings
from django.contrib.messages import get_messages
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import cache
from django.db import transaction
from django.http import HttpRequest, HttpResponse, QueryDict
from django.urls import Resolver404, resolve
from django.utils import timezone, translation
from django.utils.cache import get_conditional_response, patch_cache_control, patch_vary_headers
from django_htmx.middleware import HtmxDetails

from common.middleware import request_has_bad_text

logger = logging.getLogger(__name__)

# The number names the entry's layout: a deploy that changes it starts with fresh keys.
KEY_PREFIX = "pagecache:2:"
_accepts_gzip = re.compile(r"\bgzip\b")
# Headers of the view's answer that a shared copy keeps for the decorator's way; the
# middleware below adds the rest (CSP, frame options, languages) on that way.
_KEPT_HEADERS = (
    "Content-Type",
    "Content-Disposition",
    "Content-Language",
    "Access-Control-Allow-Origin",
    "Link",
    "Cache-Control",
    "X-Robots-Tag",
)
# What a page is rendered with, below the project's folder (`_release`).
_RELEASE_SUFFIXES = (".py", ".html", ".txt", ".mo")
_RELEASE_SKIPPED = {".git", ".venv", "node_modules", "var", "static", "tests", "bench"}
# Headers of the finished answer that belong to one response, not to the page.
_NOT_KEPT = {"content-encoding", "content-length", "date", "x-page-cache"}


@dataclass(frozen=True)
class SharedPage:
    """What `shared_page_cache` tells the middleware about a view (its `shared_page`)."""

    versions: tuple[str, ...]
    timeout: int | None
    on_hit: Callable[[HttpRequest, dict], None] | None


def page_versions(keys: Iterable[str], found: dict | None = None) -> dict[str, str]:
    """The current values of the data versions `keys` (`found`: those already read).

    A missing version gets a new random one (never a fixed default), so that an evicted
    version cannot bring back pages stored under an old one.
    """
    keys = list(keys)
    found = dict(found) if found is not None else cache.get_many(keys)
    for key in keys:
        if key not in found:
            cache.add(key, uuid.uuid4().hex, timeout=None)
            found[key] = cache.get(key) or uuid.uuid4().hex
    return {key: str(found[key]) for key in keys}


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


@functools.cache
def _release() -> str:
    """A digest of what this deploy renders pages with: the code, templates and compiled
    translations, the static files' manifest (pages name the files' hashed addresses, and
    the old ones are gone after a deploy) and Django's version. Part of every key, so that a
    new release never serves a page rendered by the previous one. Read once per process."""
    digest = hashlib.sha256(django.get_version().encode())
    root = Path(settings.BASE_DIR)
    files = []
    for folder, folders, names in os.walk(root):
        folders[:] = [name for name in folders if name not in _RELEASE_SKIPPED]
        files += [Path(folder, name) for name in names if name.endswith(_RELEASE_SUFFIXES)]
    manifest = Path(settings.STATIC_ROOT or root) / "staticfiles.json"
    for path in [*sorted(files), manifest]:
        if path.is_file():
            digest.update(
                str(path.relative_to(root) if path.is_relative_to(root) else path).encode()
            )
            digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def _page_key(request: HttpRequest) -> str:
    """The entry's key. The language is the address's (the portal never takes it from the
    browser), so both ways to the entry know it before the locale middleware has run."""
    parts = [
        _release(),
        translation.get_language_from_path(request.path_info) or settings.LANGUAGE_CODE,
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


def _read(key: str, version_keys: tuple[str, ...]) -> tuple[dict | None, dict]:
    """The entry under `key` if the data it shows is still current, and the versions read;
    one round trip to the cache."""
    found = cache.get_many([key, *version_keys])
    entry = found.pop(key, None)
    if entry is not None and any(
        found.get(name) != value for name, value in entry["versions"].items()
    ):
        entry = None
    return entry, found


def _entry_from(response: HttpResponse, versions: dict[str, str], shared: SharedPage) -> dict:
    body = response.content
    return {
        "versions": versions,
        "gzip": gzip.compress(body, compresslevel=6, mtime=0),
        "etag": response.get("ETag") or f'W/"{hashlib.md5(body).hexdigest()}"',  # noqa: S324 (a tag, not security)
        "headers": {name: response[name] for name in _KEPT_HEADERS if response.has_header(name)},
        "final_headers": None,  # the middleware's, when it stores the entry
        "hit_data": getattr(response, "page_cache_data", None),
        "timeout": shared.timeout or settings.PAGE_CACHE_TIMEOUT,
    }


def _response_from(request: HttpRequest, entry: dict, headers: dict[str, str]) -> HttpResponse:
    if _accepts_gzip.search(request.headers.get("Accept-Encoding", "")):
        response = HttpResponse(entry["gzip"])
        response["Content-Encoding"] = "gzip"
    else:
        response = HttpResponse(zlib.decompress(entry["gzip"], wbits=31))
    for name, value in headers.items():
        response[name] = value
    response["ETag"] = entry["etag"]
    response["Content-Length"] = str(len(response.content))  # as CommonMiddleware would
    return response


def _mark_public(response: HttpResponse, *, cached: bool) -> HttpResponse:
    if not response.has_header("Cache-Control"):
        patch_cache_control(
            response, public=True, max_age=0, s_maxage=settings.PAGE_CACHE_SHARED_MAX_AGE
        )
    patch_vary_headers(response, ("Accept-Encoding",))
    response["X-Page-Cache"] = "hit" if cached else "miss"
    response.shared_page = True  # SharedPageMiddleware: no Vary: Cookie
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


def _count_hit(request: HttpRequest, shared: SharedPage, entry: dict) -> None:
    if shared.on_hit is not None and entry["hit_data"] is not None:
        shared.on_hit(request, entry["hit_data"])


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
    shared = SharedPage(versions=tuple(versions), timeout=timeout, on_hit=on_hit)

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            if not settings.PAGE_CACHE or not _visitor_may_share(request):
                response = view(request, *args, **kwargs)
                if settings.PAGE_CACHE and not response.has_header("Cache-Control"):
                    patch_cache_control(response, private=True)
                return response
            _normalise_request(request)
            key = _page_key(request)
            if hasattr(request, "page_cache_versions"):
                # SharedPageMiddleware just read the cache and found no page: its versions
                # (None: the cache did not answer) serve here, without a second read.
                entry, found = None, request.page_cache_versions
            else:
                entry, found = _cache_call(_read, key, shared.versions, default=(None, None))
            if entry is not None:
                _count_hit(request, shared, entry)
                response = _response_from(request, entry, entry["headers"])
                return _conditional(request, _mark_public(response, cached=True))
            response = view(request, *args, **kwargs)
            if not _answer_may_be_shared(request, response):
                if not response.has_header("Cache-Control"):
                    patch_cache_control(response, private=True)
                return response
            current = (
                _cache_call(page_versions, shared.versions, found) if found is not None else None
            )
            entry = _entry_from(response, current or {}, shared)
            response = _mark_public(_response_from(request, entry, entry["headers"]), cached=False)
            if current is not None:
                # SharedPageMiddleware stores it, with the headers the stack below adds; a
                # 304 answer (a new object) has too few of them to be stored.
                response.page_cache_store = (key, entry)
            return _conditional(request, response)

        wrapped.shared_page = shared  # SharedPageMiddleware: this view's pages may be shared
        return wrapped

    return decorator


class SharedPageMiddleware:
    """Answers requests without a session from the shared cache before the rest of the stack,
    stores the pages `shared_page_cache` prepared, and takes `Cookie` out of `Vary` on shared
    answers (see the module docstring). Sits just above the session middleware."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if settings.PAGE_CACHE:
            response = self._from_cache(request)
            if response is not None:
                return response
        response = self.get_response(request)
        if getattr(response, "shared_page", False):
            self._without_cookie_vary(response)
            store = getattr(response, "page_cache_store", None)
            if store is not None:
                self._store(response, *store)
        return response

    @staticmethod
    def _shared_view(request: HttpRequest) -> SharedPage | None:
        """The marking of the view this request's address names, if it has one."""
        with translation.override(
            translation.get_language_from_path(request.path_info) or settings.LANGUAGE_CODE
        ):
            try:
                match = resolve(request.path_info, getattr(request, "urlconf", None))
            except Resolver404:
                return None
        return getattr(match.func, "shared_page", None)

    def _from_cache(self, request: HttpRequest) -> HttpResponse | None:
        if request.method not in ("GET", "HEAD"):
            return None
        cookies = request.COOKIES
        if settings.SESSION_COOKIE_NAME in cookies or CookieStorage.cookie_name in cookies:
            return None  # the decorator's way: the session may hold a login, Merkliste …
        if request_has_bad_text(request):
            return None  # the long way to the 400 that says what is wrong
        shared = self._shared_view(request)
        if shared is None:
            return None
        request.get_host()  # a host that is not allowed is refused (400), as below
        _normalise_request(request)
        entry, found = _cache_call(_read, _page_key(request), shared.versions, default=(None, None))
        if entry is None:
            request.page_cache_versions = found  # for the decorator below
            return None
        request.htmx = HtmxDetails(request)  # as django_htmx's middleware would, for on_hit
        _count_hit(request, shared, entry)
        response = _response_from(request, entry, entry["final_headers"])
        response["X-Page-Cache"] = "hit"
        return _conditional(request, response)

    @staticmethod
    def _without_cookie_vary(response: HttpResponse) -> None:
        """The session middleware adds `Cookie` to `Vary` when the header or the Merkliste
        button looked at the session; for a shared answer that made no difference."""
        if not response.has_header("Vary"):
            return
        kept = [
            value.strip()
            for value in response["Vary"].split(",")
            if value.strip() and value.strip().lower() != "cookie"
        ]
        if kept:
            response["Vary"] = ", ".join(kept)
        else:
            del response["Vary"]

    @staticmethod
    def _store(response: HttpResponse, key: str, entry: dict) -> None:
        if response.cookies:  # set below the view (session, CSRF, messages): not shareable
            response["Cache-Control"] = "private"
            return
        entry["final_headers"] = {
            name: value for name, value in response.items() if name.lower() not in _NOT_KEPT
        }
        _cache_call(cache.set, key, entry, entry["timeout"])
