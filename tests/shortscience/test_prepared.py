"""Statements compiled once (shortscience.prepared): the rows a queryset would give,
with new values on each run, for one query and no compiling after the first run."""

from datetime import datetime, timedelta

import pytest
from django.db import connection, models
from django.db.models import F, Value
from django.db.models.functions import Concat
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from shortscience.prepared import Among, Param, Statement
from summaries.models import Summary
from tests.factories import make_paper, make_summary

pytestmark = pytest.mark.django_db


class Built:
    """A statement's build(), counting how often it is called."""

    def __init__(self, make):
        self.make, self.calls = make, 0

    def __call__(self):
        self.calls += 1
        return self.make()


def newer_than():
    # An annotation between two fields: the row's names must follow the values() order.
    return (
        Summary.objects.filter(created_at__gt=Param("since", models.DateTimeField()))
        .annotate(label=Concat(Value("#"), F("body"), output_field=models.TextField()))
        .order_by("created_at", "pk")
        .values("id", "label", "created_at")
    )


def test_rows_are_the_querysets_with_the_values_given():
    now = timezone.now()
    old, new = make_summary(body="Old."), make_summary(body="New.")
    Summary.objects.filter(pk=old.pk).update(created_at=now - timedelta(days=2))
    Summary.objects.filter(pk=new.pk).update(created_at=now)
    statement = Statement(newer_than)

    everything = statement.rows(since=now - timedelta(days=3))
    assert [row["id"] for row in everything] == [old.pk, new.pk]
    assert [row["label"] for row in everything] == ["#Old.", "#New."]
    recent = statement.rows(since=now - timedelta(days=1))
    assert [row["id"] for row in recent] == [new.pk]


def test_rows_come_through_the_orms_converters():
    summary = make_summary()
    (row,) = Statement(newer_than).rows(since=timezone.now() - timedelta(days=1))
    # A datetime, aware, as the ORM gives it (SQLite stores text).
    assert isinstance(row["created_at"], datetime)
    assert row["created_at"] == Summary.objects.get(pk=summary.pk).created_at


def test_it_is_built_and_compiled_once_and_each_run_is_one_query():
    make_summary()
    built = Built(newer_than)
    statement = Statement(built)
    statement.rows(since=timezone.now() - timedelta(days=1))
    calls = built.calls
    for days in (1, 2, 3):
        with CaptureQueriesContext(connection) as captured:
            statement.rows(since=timezone.now() - timedelta(days=days))
        assert len(captured) == 1
    assert built.calls == calls


def test_the_compiled_sql_holds_a_placeholder_for_each_param():
    sql, params = Statement(newer_than).sql()
    assert [param.name for param in params if isinstance(param, Param)] == ["since"]
    assert "%s" in sql


def with_paper_and_author():
    return (
        Summary.objects.filter(pk=Param("id", models.BigIntegerField()))
        .select_related("paper", "author")
        .only("id", "score", "paper__title", "author__username")
        .annotate(shouted=Concat(F("paper__title"), Value("!"), output_field=models.TextField()))
    )


def test_instances_are_the_querysets_objects_with_their_related_ones():
    summary = make_summary(paper=make_paper(title="Deep residual learning"))
    statement = Statement(with_paper_and_author)
    (found,) = statement.instances(id=summary.pk)
    assert isinstance(found, Summary) and found.pk == summary.pk
    with CaptureQueriesContext(connection) as captured:
        # Loaded, and joined: no query more, as select_related promises.
        assert found.paper.title == "Deep residual learning"
        assert found.author.username == summary.author.username
        assert found.shouted == "Deep residual learning!"
    assert len(captured) == 0
    # A field not loaded is loaded when read, as a deferred field is.
    assert found.body == summary.body
    assert statement.instances(id=summary.pk + 1000) == []


def test_tuples_are_the_rows_in_the_order_of_their_names():
    summary = make_summary(body="Kept.")
    rows = Statement(newer_than).tuples(since=timezone.now() - timedelta(days=1))
    assert [tuple(row[:2]) for row in rows] == [(summary.pk, "#Kept.")]
    assert isinstance(rows[0][2], datetime)  # converted, as rows() are


def test_sql_around_the_querysets_is_run_as_written():
    for n in range(3):
        make_summary(body=f"Summary {n}.")
    around = "SELECT COUNT(*), MIN(label) FROM ({}) AS newer"
    statement = Statement(newer_than, around=around)
    assert statement.sql()[0].startswith("SELECT COUNT(*), MIN(label) FROM (SELECT")
    ((count, first),) = statement.tuples(since=timezone.now() - timedelta(days=1))
    assert (count, first) == (3, "#Summary 0.")


# Outside a transaction, as a request runs: inside one, SET LOCAL would last until its end.
@pytest.mark.django_db(transaction=True)
def test_settings_hold_for_the_statement_alone():
    if connection.vendor != "postgresql":
        pytest.skip("SET LOCAL is PostgreSQL's")

    def work_mem():
        return Summary.objects.annotate(
            setting=models.Func(Value("work_mem"), function="current_setting")
        ).values("setting")[:1]

    make_summary()
    with connection.cursor() as cursor:
        cursor.execute("SHOW work_mem")
        (before,) = cursor.fetchone()
    assert before != "256kB"
    ((inside,),) = Statement(work_mem, settings={"work_mem": "256kB"}).tuples()
    assert inside == "256kB"
    with connection.cursor() as cursor:
        cursor.execute("SHOW work_mem")
        assert cursor.fetchone() == (before,)


def test_among_takes_a_list_of_any_length_in_one_statement():
    summaries = [make_summary() for _ in range(3)]
    ids = [summary.pk for summary in summaries]
    built = Built(lambda: Summary.objects.filter(Among(F("pk"), "ids")).order_by("pk").values("id"))
    statement = Statement(built)
    assert [row["id"] for row in statement.rows(ids=ids)] == ids
    calls = built.calls
    for chosen in ([], ids[:1], [ids[2], ids[0], ids[2] + 1000]):
        found = [row["id"] for row in statement.rows(ids=chosen)]
        assert found == sorted(pk for pk in chosen if pk in ids)
    assert built.calls == calls
