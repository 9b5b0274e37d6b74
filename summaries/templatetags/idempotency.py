"""The idempotency key of a posting form; see summaries.idempotency."""

from django import template
from django.utils.html import format_html

from summaries import idempotency

register = template.Library()


@register.simple_tag
def idempotency_key_input():
    """A hidden input with a new key: each rendering of a form gets its own, and a
    resubmit of that form (a double click, a retry) sends the same one again.

    Only for forms shown to a logged-in user: a page fragment cached for many readers
    would hand one key to all of them.
    """
    return format_html(
        '<input type="hidden" name="{}" value="{}">', idempotency.FIELD, idempotency.new_key()
    )
