"""The one field template renders choice groups with the design system's classes."""

from django import forms
from django.template import Context, Template


class ChoicesForm(forms.Form):
    channel = forms.ChoiceField(
        label="Kanal", choices=[("phone", "Telefon"), ("video", "Video")], widget=forms.RadioSelect
    )
    topics = forms.MultipleChoiceField(
        label="Themen",
        choices=[("it", "IT"), ("care", "Pflege")],
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )


def test_radio_buttons_and_checkboxes_of_a_group_carry_the_kern_classes():
    form = ChoicesForm(data={"channel": "video"})
    html = Template("{{ form.channel.as_field_group }}{{ form.topics.as_field_group }}").render(
        Context({"form": form})
    )
    assert html.count('class="kern-form-check__radio"') == 2
    assert html.count('class="kern-form-check__checkbox"') == 2
    assert (
        '<input type="radio" name="channel" value="video" id="id_channel_1" required checked'
        ' class="kern-form-check__radio">'
    ) in html  # the choice keeps its own attributes and its state


class AmountsForm(forms.Form):
    price = forms.DecimalField(label="Preis", max_digits=8, decimal_places=2, localize=True)
    hours = forms.IntegerField(label="Stunden")
    name = forms.CharField(label="Name")
    threshold = forms.IntegerField(
        label="Schwelle",
        widget=forms.NumberInput(attrs={"class": "kern-form-input__input--width-4"}),
    )


def test_number_fields_are_narrow_and_text_fields_keep_the_line():
    form = AmountsForm(data={"price": "x", "hours": "3", "name": "Anna", "threshold": "2"})
    html = Template(
        "{% load portal %}{{ form.price|kern_widget }}{{ form.hours|kern_widget }}"
        "{{ form.name|kern_widget }}{{ form.threshold|kern_widget }}"
    ).render(Context({"form": form}))

    # The price is typed the German way ("890,00"): a text input, and still a number.
    assert '<input type="text" name="price"' in html
    assert html.count("kern-form-input__input--number") == 2  # price (with its error), hours
    assert 'class="kern-form-input__input kern-form-input__input--error' in html
    assert '<input type="text" name="name" value="Anna" class="kern-form-input__input"' in html
    # A field that chose its own KERN width keeps it.
    assert 'class="kern-form-input__input--width-4 kern-form-input__input" ' in html
