"""The `{% timestamp %}` tag: the moment as a `<time>` element, its relative time in the
words of humanize's `naturaltime`, which it prints without going through translations."""

import random
from datetime import UTC, datetime, timedelta

import pytest
from django.contrib.humanize.templatetags import humanize

from shortscience.templatetags.timestamps import relative_time, timestamp_html

NOW = datetime(2026, 3, 31, 12, 30, 45, 123456, tzinfo=UTC)

# Each edge of naturaltime's forms, both ways: a second, a minute, an hour, a day,
# and the months and years timesince counts by the calendar (from March 31st, a month
# back is February's last day).
SECONDS = [0, 1, 2, 59, 60, 61, 119, 120, 3599, 3600, 3601, 7199, 7200, 86399, 86400]
SECONDS += [86401, 172800, 7 * 86400, 30 * 86400, 31 * 86400, 365 * 86400, 10**8]
SECONDS += [-value for value in SECONDS if value]


@pytest.fixture
def frozen_naturaltime(monkeypatch):
    """naturaltime, reading NOW as the present."""

    class Frozen(datetime):
        @classmethod
        def now(cls, tz=None):
            return NOW

    monkeypatch.setattr(humanize, "datetime", Frozen)
    return humanize.naturaltime


@pytest.mark.parametrize("seconds", SECONDS)
def test_relative_time_reads_as_naturaltime(frozen_naturaltime, seconds):
    when = NOW - timedelta(seconds=seconds)
    assert relative_time(when, NOW) == str(frozen_naturaltime(when))


def test_relative_time_reads_as_naturaltime_over_many_moments(frozen_naturaltime):
    moments = random.Random(7)
    for _ in range(2_000):
        when = NOW - timedelta(seconds=moments.randint(-(10**9), 10**9))
        assert relative_time(when, NOW) == str(frozen_naturaltime(when)), when


def test_plurals_and_non_breaking_spaces():
    assert relative_time(NOW - timedelta(hours=1), NOW) == "an hour ago"
    assert relative_time(NOW - timedelta(hours=3), NOW) == "3\u00a0hours ago"
    assert relative_time(NOW - timedelta(days=1, hours=1), NOW) == "1\u00a0day, 1\u00a0hour ago"
    assert relative_time(NOW + timedelta(minutes=5), NOW) == "5\u00a0minutes from now"
    assert relative_time(NOW, NOW) == "now"


def test_the_time_element():
    html = timestamp_html(datetime(2024, 2, 9, 8, 5, tzinfo=UTC))
    assert html.startswith(
        '<time datetime="2024-02-09T08:05:00Z" title="9 February 2024, 08:05 UTC">'
    )
    assert html.endswith(" ago</time>")
