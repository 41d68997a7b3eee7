"""Template tags for the catalogue's filter options and their counts.

Tags rather than template loops and includes: the catalogue page shows about ninety options
and up to two hundred providers, and rendering them through the template engine cost more
than the search itself. Every value is escaped here (names, values and labels can come from
the database).
"""

from html import escape as _escape

from django import template
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

register = template.Library()


def escape(value) -> str:
    """What django.utils.html.escape does, without its check for lazy strings on every call
    (a thousand calls per page)."""
    return _escape(str(value), quote=True)


def _count(name: str, option, oob: bool = False) -> str:
    zero = "" if option.count else " facet-count--zero"
    swap = ' data-hx-swap-oob="true"' if oob else ""
    return (
        f'<span class="facet-count{zero}" id="n-{escape(name)}-{escape(option.value)}"{swap}>'
        f"({int(option.count)})</span>"
    )


@register.simple_tag
def facet_count(name: str, option, oob: bool = False) -> SafeString:
    """The count in brackets, with an id by which htmx updates it in place (oob=True)."""
    return mark_safe(_count(name, option, oob))  # every part escaped in _count


@register.simple_tag
def facet_options(name: str, options, kind: str = "checkbox") -> SafeString:
    """The options of one filter group, each a checkbox (or radio button) with its count."""
    kind = "radio" if kind == "radio" else "checkbox"
    rows = []
    for option in options:
        element_id = f"id_{escape(name)}_{escape(option.value)}"
        checked = " checked" if option.selected else ""
        rows.append(
            '<div class="kern-form-check facet-option">'
            f'<input type="{kind}" class="kern-form-check__{kind}" name="{escape(name)}"'
            f' value="{escape(option.value)}" id="{element_id}"{checked}>'
            f'<label class="kern-label" for="{element_id}">{escape(option.label)} '
            f"{_count(name, option)}</label></div>"
        )
    return mark_safe("".join(rows))  # every part escaped above


@register.simple_tag
def provider_options(options) -> SafeString:
    """The <option>s of the provider filter: name and number of matching offers."""
    return mark_safe(  # every part escaped here
        "".join(
            f'<option value="{escape(option.value)}"{" selected" if option.selected else ""}>'
            f"{escape(option.label)} ({int(option.count)})</option>"
            for option in options
        )
    )


@register.filter
def quoted_words(words) -> SafeString:
    """Words as German prose: „KI“, „Pflege“ und „abends“."""
    quoted = [f"„{escape(word)}“" for word in words]
    if len(quoted) < 2:
        return mark_safe("".join(quoted))  # escaped above
    return mark_safe(  # escaped above
        _("%(words)s und %(last)s") % {"words": ", ".join(quoted[:-1]), "last": quoted[-1]}
    )


# The filters inside the folding filter panel; search text, place and "kostenlos" sit in the
# search bar above it, always in view.
PANEL_FILTERS = (
    "foerderung",
    "beginn",
    "lernform",
    "zielgruppe",
    "landkreis",
    "zeitmodell",
    "tageszeit",
    "dauer",
    "thema",
    "niveau",
    "abschluss",
    "sprache",
    "preis_bis",
    "rollstuhl",
    "leichte_sprache",
    "anbieter",
)


@register.simple_tag
def panel_filter_count(form) -> int:
    """How many choices in the filter panel are active: each ticked option counts, so the
    panel's button can say "Filter (3)" while it is folded."""
    count = 0
    for name in PANEL_FILTERS:
        value = form[name].value()
        if isinstance(value, list | tuple):
            count += len([v for v in value if v not in ("", None)])
        elif value not in ("", None, False):
            count += 1
    return count


@register.simple_tag
def panel_has_errors(form) -> bool:
    """Whether a filter in the panel has an error: then the panel opens, to show it."""
    return any(form[name].errors for name in PANEL_FILTERS)
