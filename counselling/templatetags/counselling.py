from django import template

from counselling.periods import period_label

register = template.Library()


@register.simple_tag
def period(value: str) -> str:
    """A period value such as 2027-Q1 as people read it."""
    return period_label(value)
