"""Template helpers of the workgroups app."""

from django import template

from common.markdown import markdown_to_html
from workgroups.models import ActionStatus

register = template.Library()


@register.filter
def markdown(text: str):
    """Markdown rendered to sanitised HTML."""
    return markdown_to_html(text)


@register.simple_tag
def action_status_choices():
    return ActionStatus.choices
