"""`{% timestamp when %}`: a moment as the site prints it, relative ("3 hours ago") with
the exact time in its title and a machine-readable `datetime`.

A tag in Python rather than an included template: lists print a timestamp per item,
and the include with three date filters cost about 140 µs each, a tenth of a feed
page's rendering. This does the same work in about a quarter of the time.

The relative time reads as humanize's `naturaltime` does ("3\u00a0hours ago", "2\u00a0days,
4\u00a0hours ago"), in English, the site's one language. `naturaltime` formats through
lazy translations, about 60 µs a timestamp, which on a page of summaries and comments
(each relative time filled in per request, see summaries.cards) came to a millisecond.
`relative_time` prints the same words with plain strings; a test compares the two.
"""

from datetime import UTC, datetime

from django import template
from django.utils.safestring import mark_safe

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


# A day or more reads as Django's `timesince` counts it (what `naturaltime` prints): up
# to two adjacent units of years, months, weeks, days, hours and minutes, the years
# and months by the calendar. `_span` is that count with plain strings: `timesince`
# reads its separator through `gettext` and wraps each unit lazily, 9 µs a timestamp
# where this takes 3 (a list page prints twenty or more).
_MONTH_DAYS = (31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)
_UNITS = ("year", "month", "week", "day", "hour", "minute")
_CHUNKS = (7 * 24 * 60 * 60, 24 * 60 * 60, 60 * 60, 60)
# Below a day, `naturaltime`'s own forms, with its non-breaking space before the unit.
_BELOW_A_DAY = (
    (60, "second", "a second"),
    (60 * 60, "minute", "a minute"),
    (24 * 60 * 60, "hour", "an hour"),
)


def _span(earlier, later):
    """`timesince(earlier, later)` in English ("1\u00a0year, 2\u00a0months"), for
    moments at least a day apart."""
    later = later.astimezone(earlier.tzinfo)
    months = (later.year - earlier.year) * 12 + (later.month - earlier.month)
    if earlier.day > later.day or (earlier.day == later.day and earlier.time() > later.time()):
        months -= 1
    years, months = divmod(months, 12)
    pivot = earlier
    if years or months:
        # `earlier` moved on by the whole years and months, on the month's last day
        # when it has fewer days.
        year, month = earlier.year + years, earlier.month + months
        if month > 12:
            year, month = year + 1, month - 12
        pivot = earlier.replace(
            year=year, month=month, day=min(_MONTH_DAYS[month - 1], earlier.day), microsecond=0
        )
    remaining = (later - pivot).total_seconds()
    counts = [years, months]
    for size in _CHUNKS:
        count = int(remaining // size)
        counts.append(count)
        remaining -= size * count
    # The first unit that counts, and the next one unless it is zero.
    words = []
    for count, unit in zip(counts, _UNITS, strict=True):
        if count:
            words.append(f"{count}\u00a0{unit}" if count == 1 else f"{count}\u00a0{unit}s")
            if len(words) == 2:
                break
        elif words:
            break
    return ", ".join(words)


def relative_time(when, now=None):
    """How long ago (or from now) `when` is, in the words of humanize's `naturaltime`."""
    now = now or datetime.now(UTC)
    past = when <= now
    delta = now - when if past else when - now
    suffix = "ago" if past else "from now"
    if delta.days:
        if past:
            return f"{_span(when, now)} {suffix}"
        return f"{_span(now, when)} {suffix}"
    seconds = delta.seconds
    if not seconds:
        return "now"
    size = 1
    for limit, unit, one in _BELOW_A_DAY:
        if seconds < limit:
            count = seconds // size
            return f"{one} {suffix}" if count == 1 else f"{count}\u00a0{unit}s {suffix}"
        size = limit
    raise AssertionError("unreachable: a delta of under a day is under 86,400 seconds")


def timestamp_html(when):
    """The `<time>` element for an aware datetime; the site's times are in UTC.

    Joined as it is, not through format_html: every part is digits, a month's name or
    `relative_time`'s words, which escaping leaves unchanged, and escaping them cost
    10 µs a timestamp, about half the time of this function.
    """
    when = when.astimezone(UTC)
    return mark_safe(
        f'<time datetime="{when.strftime("%Y-%m-%dT%H:%M:%SZ")}" '
        f'title="{when.day} {MONTHS[when.month - 1]} {when.year}, '
        f'{when.hour:02d}:{when.minute:02d} UTC">{relative_time(when)}</time>'
    )


@register.simple_tag
def timestamp(when):
    return timestamp_html(when)
