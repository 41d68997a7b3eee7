"""`{% facet_count name option %}`: how many offers a filter option would give.

A tag rather than an include: the catalogue page shows some eighty of these, and an include
per option cost more than the search itself.
"""

from django import template
from django.utils.html import format_html
from django.utils.safestring import mark_safe

register = template.Library()


@register.simple_tag
def facet_count(name: str, option, oob: bool = False) -> str:
    """The count in brackets, with an id by which htmx updates it in place (oob=True)."""
    return format_html(
        '<span class="facet-count{}" id="n-{}-{}"{}>({})</span>',
        "" if option.count else " facet-count--zero",
        name,
        option.value,
        ' hx-swap-oob="true"' if oob else "",
        option.count,
    )


_OPTION = (
    '<div class="kern-form-check facet-option">'
    '<input type="{kind}" class="kern-form-check__{kind}" name="{name}" value="{value}"'
    ' id="id_{name}_{value}"{checked}>'
    '<label class="kern-label" for="id_{name}_{value}">{label} {count}</label></div>'
)


@register.simple_tag
def facet_options(name: str, options, kind: str = "checkbox") -> str:
    """The options of one filter group, each a checkbox (or radio button) with its count.

    Built here rather than in a template loop: the page has about ninety of them.
    """
    return mark_safe(  # every part went through format_html
        "".join(
            format_html(
                _OPTION,
                kind=kind,
                name=name,
                value=option.value,
                checked=mark_safe(" checked") if option.selected else "",
                label=option.label,
                count=facet_count(name, option),
            )
            for option in options
        )
    )


@register.simple_tag
def provider_options(options) -> str:
    """The <option>s of the provider filter: name and number of matching offers."""
    return mark_safe(  # every part went through format_html
        "".join(
            format_html(
                '<option value="{}"{}>{} ({})</option>',
                option.value,
                mark_safe(" selected") if option.selected else "",
                option.label,
                option.count,
            )
            for option in options
        )
    )
