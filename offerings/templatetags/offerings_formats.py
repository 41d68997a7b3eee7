"""Template tags that put the catalogue's open formats into pages."""

import json

from django import template
from django.core.serializers.json import DjangoJSONEncoder
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from offerings.formats import offer_jsonld as build_offer_jsonld

register = template.Library()

# Inside <script> the HTML parser ends the element at "</script" whatever JSON thinks, and
# "<!--" changes how it looks for the end. Escaping these characters as JSON \u sequences keeps
# the data identical for a JSON parser and inert for the HTML parser.
_SCRIPT_ESCAPES = {
    ord("<"): "\\u003C",
    ord(">"): "\\u003E",
    ord("&"): "\\u0026",
    ord("\u2028"): "\\u2028",
    ord("\u2029"): "\\u2029",
}


def jsonld_script(data: dict) -> SafeString:
    """A JSON-LD data block. Browsers do not run it, so the CSP needs no nonce for it (and
    cached pages cannot carry one: common.pagecache)."""
    text = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False).translate(_SCRIPT_ESCAPES)
    return format_html('<script type="application/ld+json">{}</script>', mark_safe(text))


@register.simple_tag
def offer_jsonld(offer) -> SafeString:
    """`{% offer_jsonld offer %}`: the offer as schema.org Course for search engines."""
    return jsonld_script(build_offer_jsonld(offer))
