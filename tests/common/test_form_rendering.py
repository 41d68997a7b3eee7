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
