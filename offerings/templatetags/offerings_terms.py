"""A catalogue term (topic, target group, delivery form) in the page's language."""

from django import template
from django.utils.html import format_html
from django.utils.translation import get_language

register = template.Library()


@register.simple_tag
def term_name(term) -> str:
    """The term's display_name; the German name standing in on an English page is marked
    lang="de" so screen readers pronounce it right."""
    if term is None:
        return ""
    if term.display_lang != "de" or (get_language() or "de").startswith("de"):
        return format_html("{}", term.display_name)
    return format_html('<span lang="de">{}</span>', term.display_name)
