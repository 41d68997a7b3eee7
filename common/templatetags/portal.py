"""Template helpers shared by all apps."""

from django import forms, template
from django.utils.html import format_html

from common.i18n import active_language

register = template.Library()

_WIDGET_CLASSES = {
    forms.CheckboxInput: "kern-form-check__checkbox",
    forms.RadioSelect: "kern-form-check__radio",
    forms.CheckboxSelectMultiple: "kern-form-check__checkbox",
    forms.Select: "kern-form-input__select",
    forms.SelectMultiple: "kern-form-input__select",
}


@register.filter
def kern_widget(bound_field):
    """Render a field's widget with the design system's class (and its error variant)."""
    widget = bound_field.field.widget
    css = next(
        (c for cls, c in _WIDGET_CLASSES.items() if isinstance(widget, cls)),
        "kern-form-input__input",
    )
    if bound_field.errors:
        css = f"{css} {css}--error"
    existing = widget.attrs.get("class", "")
    # A number (also a price typed the German way, in a text input) is a few characters,
    # not a line of text. Decimal and float fields are integer fields in Django.
    number = isinstance(bound_field.field, forms.IntegerField) and not widget.is_hidden
    if number and "--width-" not in existing:
        css = f"{css} kern-form-input__input--number"
    return bound_field.as_widget(attrs={"class": f"{existing} {css}".strip()})


@register.filter
def kern_choice(choice):
    """One radio button or checkbox of a choice group, with the design system's class.

    `choice.tag` alone renders the bare input (the group's widget class is not passed on to
    its options), which KERN leaves unstyled and small.
    """
    kind = "radio" if choice.data["type"] == "radio" else "checkbox"
    css = f"kern-form-check__{kind}"
    existing = choice.data["attrs"].get("class", "")
    data = {**choice.data, "attrs": {**choice.data["attrs"], "class": f"{existing} {css}".strip()}}
    return choice.parent_widget._render(
        choice.template_name, {"widget": {**data, "wrap_label": False}}, choice.renderer
    )


@register.filter
def field_kind(bound_field) -> str:
    """'check' for single checkboxes, 'choices' for radio/checkbox groups, else 'input'."""
    widget = bound_field.field.widget
    if isinstance(widget, forms.CheckboxInput):
        return "check"
    if isinstance(widget, forms.RadioSelect | forms.CheckboxSelectMultiple):
        return "choices"
    return "input"


@register.simple_tag
def table_columns(*headers: str) -> list[str]:
    """The column headers of a components/table.html list, in order. Templates have no
    list literals, so a page writes `{% table_columns _("Titel") _("Status") as columns %}`."""
    return list(headers)


@register.simple_tag
def content_lang(written_in: str = "de") -> str:
    """` lang="de"` on content written in German (events, news) when the page is in
    another language (WCAG 3.1.2), else nothing: `<h1{% content_lang %}>`."""
    if written_in == active_language():
        return ""
    return format_html(' lang="{}"', written_in)


@register.filter
def written_in(text, language: str = "de"):
    """`text` in a `<span lang>` when it is written in another language than the page's
    (a German event title after the English "Cancelled:"), else just `text`."""
    if language == active_language():
        return text
    return format_html('<span lang="{}">{}</span>', language, text)


@register.filter
def is_within(path: str, section: str) -> bool:
    """Whether `path` is the page `section` or below it: the header marks its section as
    the current one (`aria-current`) whatever the language prefix of both."""
    return bool(section) and str(path).startswith(section)
