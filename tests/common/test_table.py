"""The one table component of the back-office lists: caption, headers with scope, the
scrolling region named after the caption, row actions and the empty state."""

import re

from django.conf import settings
from django.template import Context, Engine

# One list page as the apps write them; template tags cannot span lines, hence the pieces.
LIST = "\n".join(
    [
        "{% load i18n portal %}",
        '{% table_columns _("Titel") _("Status") as columns %}',
        '{% include "components/table.html" with id="posten" caption=caption'
        " caption_hidden=hidden columns=columns rows=rows"
        ' row_template="list.html#row" actions_template="list.html#actions"'
        ' empty="Noch nichts da." %}',
        "{% partialdef row %}"
        '<th scope="row" class="kern-table__cell">{{ row.title }}</th>'
        '<td class="kern-table__cell">{{ row.status }}</td>'
        "{% endpartialdef %}",
        "{% partialdef actions %}"
        '{% include "components/row_action.html" with href=row.url label=_("Bearbeiten")'
        " subject=row.title %}"
        '{% include "components/row_action.html" with action=row.url label=_("Löschen")'
        " subject=row.title %}"
        "{% endpartialdef %}",
    ]
)


def render(**context) -> str:
    engine = Engine(
        loaders=[
            ("django.template.loaders.locmem.Loader", {"list.html": LIST}),
            ("django.template.loaders.filesystem.Loader", [settings.BASE_DIR / "templates"]),
        ],
        libraries={"i18n": "django.templatetags.i18n", "portal": "common.templatetags.portal"},
    )
    context = {"caption": "Alle Posten", "hidden": False, "csrf_token": "TOKEN", **context}
    return engine.get_template("list.html").render(Context(context))


ROWS = [
    {"title": "Erster Posten", "status": "Entwurf", "url": "/posten/1/"},
    {"title": "Zweiter Posten", "status": "veröffentlicht", "url": "/posten/2/"},
]


def test_a_list_is_a_captioned_table_in_a_region_named_by_its_caption():
    html = render(rows=ROWS)
    assert '<div class="kern-table-responsive" role="region" aria-labelledby="posten-titel"' in html
    assert 'tabindex="0"' in html
    assert '<caption id="posten-titel" class="kern-title">Alle Posten</caption>' in html
    headers = re.findall(r'<th scope="col" class="kern-table__header">([^<]+)</th>', html)
    assert headers == ["Titel", "Status", "Aktionen"]
    assert html.count('<th scope="row" class="kern-table__cell">') == 2
    assert "Noch nichts da." not in html


def test_row_actions_name_their_row_and_post_with_the_csrf_token():
    html = render(rows=ROWS)
    assert (
        '<a class="kern-link" href="/posten/2/">Bearbeiten'
        '<span class="kern-sr-only">: Zweiter Posten</span></a>'
    ) in html
    form = re.search(r'<form method="post" action="/posten/1/".*?</form>', html, re.S).group(0)
    assert 'name="csrfmiddlewaretoken" value="TOKEN"' in form
    assert 'Löschen<span class="kern-sr-only">: Erster Posten</span>' in form


def test_a_hidden_caption_still_names_the_region():
    html = render(rows=ROWS, hidden=True)
    assert '<caption id="posten-titel" class="kern-sr-only">Alle Posten</caption>' in html


def test_an_empty_list_says_so_instead_of_showing_an_empty_table():
    html = render(rows=[])
    assert "<table" not in html
    assert '<p class="kern-body">Noch nichts da.</p>' in html
