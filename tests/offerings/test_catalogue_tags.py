"""The filter options of the catalogue page, built by template tags for speed: they must
escape what comes from the database and keep the form's names, values and ids."""

from django.template import Context, Template

from offerings.selectors import FacetOption


def render(source: str, **context) -> str:
    return Template("{% load offerings_catalogue %}" + source).render(Context(context))


def test_options_are_checkboxes_with_counts_and_the_chosen_one_checked():
    options = [
        FacetOption("bildungsgutschein", "Bildungsgutschein", 12, True),
        FacetOption("qcg", "Qualifizierungschancengesetz", 0, False),
    ]
    html = render("{% facet_options 'foerderung' options %}", options=options)
    assert (
        '<input type="checkbox" class="kern-form-check__checkbox" name="foerderung"'
        ' value="bildungsgutschein" id="id_foerderung_bildungsgutschein" checked>'
    ) in html
    assert '<label class="kern-label" for="id_foerderung_qcg">' in html
    assert '<span class="facet-count facet-count--zero" id="n-foerderung-qcg">(0)</span>' in html
    assert 'id="n-foerderung-bildungsgutschein">(12)</span>' in html


def test_single_choice_groups_are_radio_buttons():
    html = render(
        "{% facet_options 'beginn' options 'radio' %}",
        options=[FacetOption("rolling", "laufend", 3, False)],
    )
    assert 'type="radio" class="kern-form-check__radio"' in html


def test_labels_and_values_from_the_database_are_escaped():
    hostile = FacetOption('"><script>alert(1)</script>', "<b>Kurs & Co</b>", 1, False)
    for html in (
        render("{% facet_options 'thema' options %}", options=[hostile]),
        render("{% provider_options options %}", options=[hostile]),
        render("{% facet_count 'thema' option oob=True %}", option=hostile),
    ):
        assert "<script>" not in html
        assert "<b>" not in html
        assert "&quot;&gt;&lt;script&gt;" in html
    assert "&lt;b&gt;Kurs &amp; Co&lt;/b&gt; (1)</option>" in render(
        "{% provider_options options %}", options=[hostile]
    )


def test_counts_swap_in_place_with_htmx():
    option = FacetOption("on", "nur kostenlose", 5, False)
    html = render("{% facet_count 'kostenlos' option oob=True %}", option=option)
    assert html == (
        '<span class="facet-count" id="n-kostenlos-on" data-hx-swap-oob="true">(5)</span>'
    )
