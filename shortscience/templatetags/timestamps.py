"""`{% timestamp when %}`: a moment as the site prints it, relative ("3 hours ago") with
the exact time in its title and a machine-readable `datetime`.

A tag in Python rather than an included template: lists print a timestamp per item,
and the include with three date filters cost about 140 µs each, a tenth of a feed
page's rendering. This does the same work in about a quarter of the time.
"""

from datetime import UTC

from django import template
from django.contrib.humanize.templatetags.humanize import naturaltime
from django.utils.html import format_html

register = template.Library()

MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


def timestamp_html(when):
    """The `<time>` element for an aware datetime; the site's times are in UTC."""
    when = when.astimezone(UTC)
    return format_html(
        '<time datetime="{}" title="{} {} {}, {} UTC">{}</time>',
        when.strftime("%Y-%m-%dT%H:%M:%SZ"),
        when.day,
        MONTHS[when.month - 1],
        when.year,
        when.strftime("%H:%M"),
        naturaltime(when),
    )


@register.simple_tag
def timestamp(when):
    return timestamp_html(when)
