"""Every URL pattern of the project, found by walking the resolver: the URL-walking tests
(second factor, access decision) start from here, so a new URL cannot hide from them."""

from dataclasses import dataclass

from django.urls import URLPattern, URLResolver, get_resolver


@dataclass(frozen=True)
class Route:
    name: str  # "namespace:name", as reverse() takes it
    route: str  # the pattern, prefixes joined
    view: object  # the callback, with every decorator's attributes


def url_routes(resolver: URLResolver | None = None, prefix: str = "", namespace: str = ""):
    """Every URL pattern under `resolver` (the root by default), recursively."""
    resolver = resolver or get_resolver()
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            inner = ":".join(filter(None, [namespace, pattern.namespace]))
            yield from url_routes(pattern, prefix + str(pattern.pattern), inner)
        elif isinstance(pattern, URLPattern):
            name = ":".join(filter(None, [namespace, pattern.name or ""]))
            yield Route(name=name, route=prefix + str(pattern.pattern), view=pattern.callback)


def is_admin(route: Route) -> bool:
    return route.route.startswith("verwaltung/")


def is_account(route: Route) -> bool:
    """allauth's pages under /konto/ (login, sign-up, password, second factor)."""
    return route.route.startswith("konto/")


def portal_routes() -> list[Route]:
    """The project's own pages: neither the admin nor allauth's account pages."""
    return [r for r in url_routes() if not is_admin(r) and not is_account(r)]
