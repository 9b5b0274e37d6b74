"""The kept counts' triggers (papers migrations 0016, 0017) lock the venue years a
statement changes in order of venue and year, whatever order the rows are stored in:
two statements changing some of the same rows then queue for them rather than each
holding one the other waits for (PostgreSQL's "deadlock detected")."""

import threading
import time

import psycopg2
import pytest
from django.db import connection

from papers.models import VenueYear
from tests.factories import make_paper, make_summary

pytestmark = [
    pytest.mark.skipif(
        connection.vendor == "sqlite",
        reason="SQLite writes one transaction at a time, and its triggers run per row: "
        "this test runs on PostgreSQL only (scripts/with-postgres)",
    ),
    pytest.mark.django_db(transaction=True),
]


def connect():
    db = psycopg2.connect(**connection.get_connection_params())
    db.autocommit = True
    return db


def wait_until_blocked(observer, pid):
    """Until the backend `pid` waits for a lock, for up to 10 seconds."""
    with observer.cursor() as cursor:
        for _ in range(200):
            cursor.execute("SELECT wait_event_type FROM pg_stat_activity WHERE pid = %s", [pid])
            if cursor.fetchone() == ("Lock",):
                return
            time.sleep(0.05)
    raise AssertionError("the statement never waited for the lock held")


def is_locked(observer, venue):
    with observer.cursor() as cursor:
        cursor.execute("BEGIN")
        try:
            cursor.execute(
                "SELECT 1 FROM papers_venueyear WHERE venue = %s FOR UPDATE NOWAIT", [venue]
            )
            return False
        except psycopg2.errors.LockNotAvailable:
            return True
        finally:
            cursor.execute("ROLLBACK")


@pytest.fixture
def two_venue_years():
    """Two venue years stored in the reverse of their order (the later one first), and a
    private summary in each that one statement will publish."""
    private = []
    for venue in ("ZZZ", "AAA"):
        paper = make_paper(venue=venue, year=2020)
        make_summary(paper=paper)
        private.append(make_summary(paper=paper, is_private=True).pk)
    return private


def publish_both_while_one_is_held(private, held):
    """Publish the two summaries in one statement while another transaction holds the
    venue year `held`; once the statement waits, whether it holds the other one."""
    holder, writer, observer = connect(), connect(), connect()
    other = "ZZZ" if held == "AAA" else "AAA"
    with writer.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        (writer_pid,) = cursor.fetchone()
    holding = holder.cursor()
    holding.execute("BEGIN")
    holding.execute("SELECT 1 FROM papers_venueyear WHERE venue = %s FOR UPDATE", [held])
    errors = []

    def publish():
        try:
            with writer.cursor() as cursor:
                cursor.execute(
                    "UPDATE summaries_summary SET is_private = false WHERE id = ANY(%s)", [private]
                )
        except Exception as error:  # reported below
            errors.append(error)

    thread = threading.Thread(target=publish)
    thread.start()
    try:
        wait_until_blocked(observer, writer_pid)
        other_locked = is_locked(observer, other)
    finally:
        holding.execute("ROLLBACK")
        thread.join(timeout=30)
        for db in (holder, writer, observer):
            db.close()
    assert errors == []
    # Once let through, the statement counted both.
    assert dict(VenueYear.objects.values_list("venue", "public_summary_count")) == {
        "AAA": 2,
        "ZZZ": 2,
    }
    return other_locked


def test_waiting_for_the_later_venue_year_it_holds_the_earlier(two_venue_years):
    assert publish_both_while_one_is_held(two_venue_years, held="ZZZ") is True


def test_waiting_for_the_earlier_venue_year_it_holds_nothing_later(two_venue_years):
    assert publish_both_while_one_is_held(two_venue_years, held="AAA") is False
