"""The one shape of every app's permissions.py, after healthchecks' `_get_check_for_user`.

- Objects: `get_<thing>_for(request, <lookup>, *, write=False) -> Access[<Thing>]` returns
  the object and whether the request's user may change it. A stranger gets a 404 (they must
  not learn what exists); someone who may only read gets a 403 when asking with write=True.
- Areas: `require_<area>(request)` refuses a logged-in person who may not use the area (a
  403; a 404 where even the area is to stay unknown, as with the objects).
- Predicates for templates and menus: `can_<verb>(request, …) -> bool`; they never refuse.

They read `request.user` and `request.roles` (network.roles.PortalRoles, set by the
middleware). Views ask them and never decide access themselves.
"""

from typing import NamedTuple

from django.core.exceptions import PermissionDenied
from django.http import Http404


class Access[T](NamedTuple):
    """What a getter found, and whether the request's user may change it."""

    obj: T
    can_write: bool


def check_access[T](obj: T, *, can_read: bool, can_write: bool, write: bool) -> Access[T]:
    """`obj` for someone who may read it: a 404 for anyone else, a 403 for a reader who asks
    to write without the right to."""
    if not can_read:
        raise Http404
    if write and not can_write:
        raise PermissionDenied
    return Access(obj, can_write)
