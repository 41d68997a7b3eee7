"""The catalogue's vocabularies as the parsers look them up: delivery forms and the terms
(funding programmes, topics, target groups) by their lower-case names and slugs."""

from offerings.models import DeliveryForm, FundingProgramme, TargetGroup, Topic

# The taxonomies an import sets, by the name of the offer's field.
TERM_MODELS = {
    "funding_programmes": FundingProgramme,
    "topics": Topic,
    "target_groups": TargetGroup,
}


def delivery_form_lookup() -> dict[str, int]:
    """Lower-case names and slugs of the delivery forms → ids, for the parsers."""
    lookup: dict[str, int] = {}
    for form in DeliveryForm.objects.all():
        lookup[form.slug.lower()] = form.pk
        lookup[form.name.lower()] = form.pk
    # Words real generators use for the execution form.
    for word, slug in (
        ("präsenzveranstaltung", "praesenz"),
        ("präsenzunterricht", "praesenz"),
        ("virtuelles klassenzimmer", "online-live"),
        ("e-learning", "selbstlernkurs"),
        ("blended", "blended-learning"),
        ("fernlehrgang", "fernunterricht"),
    ):
        pk = lookup.get(slug)
        if pk is not None:
            lookup.setdefault(word, pk)
    return lookup


def term_lookup() -> dict[str, dict[str, str]]:
    """For each taxonomy an import sets: its terms' lower-case slugs, names and short names
    → slug, for the parsers."""
    lookup: dict[str, dict[str, str]] = {}
    for name, model in TERM_MODELS.items():
        terms = lookup[name] = {}
        for term in model.objects.all():
            for key in (term.slug, term.name, getattr(term, "short_name", "")):
                if key:
                    terms.setdefault(key.lower(), term.slug)
    return lookup
