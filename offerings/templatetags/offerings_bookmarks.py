"""`{% bookmark_button offer %}`: the Merkliste button for catalogue and detail pages."""

from django import template

from offerings.bookmarks import is_bookmarked

register = template.Library()


@register.inclusion_tag("offerings/bookmarks.html#bookmark_button", takes_context=True)
def bookmark_button(context, offer, next_url=None):
    request = context["request"]
    return {
        "request": request,
        "pk": offer.pk,
        "title": offer.title,
        "bookmarked": is_bookmarked(request.session, offer.pk),
        "next": next_url if next_url is not None else request.get_full_path(),
    }
