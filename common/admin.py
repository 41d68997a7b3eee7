"""Admin helpers that mend Django's admin for accessibility (WCAG 2.2 AA, as axe-core
checks it) and valid HTML (the Nu HTML Checker). Styles and scripts for the same purpose:
templates/admin/base_site.html."""

from django.contrib import admin
from django.contrib.admin.widgets import AutocompleteSelect, RelatedFieldWidgetWrapper

BLANK = "---------"


class ValidAutocompleteSelect(AutocompleteSelect):
    """Django's autocomplete select, with a first option of empty value that has a text:
    HTML wants one in a required select and no empty option element anywhere."""

    def optgroups(self, name, value, attr=None):
        groups = super().optgroups(name, value, attr)
        options = groups[0][1]
        if options and options[0]["value"] == "":
            options[0]["label"] = BLANK
        else:
            options.insert(0, self.create_option(name, "", BLANK, False, 0))
        return groups


class AccessibleAdminMixin:
    """For a ModelAdmin or an inline: file inputs named (they sit in a fieldset whose legend
    labels no input) and autocomplete selects that are valid HTML."""

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        formfield = super().formfield_for_dbfield(db_field, request, **kwargs)
        if formfield is None:
            return None
        widget = formfield.widget
        if getattr(widget, "input_type", None) == "file":
            widget.attrs.setdefault("aria-label", str(formfield.label))
        inner = widget.widget if isinstance(widget, RelatedFieldWidgetWrapper) else widget
        if type(inner) is AutocompleteSelect:
            inner.__class__ = ValidAutocompleteSelect
        return formfield


class AccessibleModelAdmin(AccessibleAdminMixin, admin.ModelAdmin):
    pass


def _label_by_name(form) -> None:
    for field in form.fields.values():
        if not field.widget.is_hidden:
            field.widget.attrs.setdefault("aria-label", str(field.label))


class LabelledTabularInline(AccessibleAdminMixin, admin.TabularInline):
    """A tabular inline whose inputs carry their column's name: the table shows labels
    only as column headers, which do not label the inputs below them."""

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)

        class LabelledFormSet(formset):
            def add_fields(self, form, index):
                super().add_fields(form, index)
                _label_by_name(form)

        return LabelledFormSet
