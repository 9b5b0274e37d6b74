"""`Paper.public_summary_count` and `VenueYear`, kept by triggers (papers migration 0016):
whatever writes a summary or a paper, with save(), update(), bulk_create() or a delete,
the kept counts are what counting the public summaries again gives."""

from datetime import UTC, datetime
from importlib import import_module

import pytest
from django.db import IntegrityError, connection, transaction
from django.db.models import Count, Q

from papers.merge_undo import undo_merge
from papers.merging import merge_papers
from papers.models import Paper, VenueYear
from papers.venues import renormalize
from summaries.models import Summary
from tests.factories import make_paper, make_summary, make_user

pytestmark = pytest.mark.django_db

migration = import_module("papers.migrations.0016_kept_venue_counts")


def stored(paper):
    return Paper.objects.values_list("public_summary_count", flat=True).get(pk=paper.pk)


def kept_venue_years():
    """{(venue, year): (papers, summaries)} as kept, rows at zero left out."""
    return {
        (row.venue, row.year): (row.paper_count, row.public_summary_count)
        for row in VenueYear.objects.all()
        if row.paper_count or row.public_summary_count
    }


def counted_venue_years():
    """The same, counted from the summaries, as the venue pages once did."""
    public = Q(summaries__is_private=False, summaries__is_hidden=False)
    rows = (
        Paper.objects.exclude(venue="")
        .annotate(n=Count("summaries", filter=public))
        .filter(n__gt=0)
        .values_list("venue", "year", "n")
    )
    counted = {}
    for venue, year, n in rows:
        papers, summaries = counted.get((venue, year or 0), (0, 0))
        counted[(venue, year or 0)] = (papers + 1, summaries + n)
    return counted


def assert_kept():
    for paper in Paper.objects.all():
        n = paper.summaries.filter(is_private=False, is_hidden=False).count()
        assert paper.public_summary_count == n, paper
    assert kept_venue_years() == counted_venue_years()


def test_every_way_a_summary_changes_keeps_its_papers_count():
    paper, other = make_paper(), make_paper()
    first = make_summary(paper=paper)
    second = make_summary(paper=paper)
    make_summary(paper=paper, is_private=True)
    make_summary(paper=paper, is_hidden=True)
    assert stored(paper) == 2

    Summary.objects.filter(pk=second.pk).update(is_hidden=True)  # a moderator hides it
    assert stored(paper) == 1
    Summary.objects.filter(pk=second.pk).update(is_hidden=False)  # and restores it
    assert stored(paper) == 2
    first.is_private = True  # its author makes it private
    first.save()
    assert stored(paper) == 1
    Summary.objects.filter(pk=second.pk).update(paper=other)  # moved by a merge
    assert (stored(paper), stored(other)) == (0, 1)
    second.delete()
    assert (stored(paper), stored(other)) == (0, 0)
    # Many in one statement, of one paper and of several.
    authors = [make_user() for _ in range(4)]
    Summary.objects.bulk_create(
        Summary(paper=target, author=author, body="Text.", body_html="<p>Text.</p>")
        for target, author in zip([paper, paper, paper, other], authors, strict=True)
    )
    assert (stored(paper), stored(other)) == (3, 1)
    Summary.objects.filter(paper__in=[paper, other]).update(is_private=True)
    assert (stored(paper), stored(other)) == (0, 0)
    Summary.objects.filter(paper__in=[paper, other]).update(is_private=False)
    Summary.objects.filter(paper=paper).delete()
    assert (stored(paper), stored(other)) == (0, 1)
    assert_kept()


def test_a_paper_loaded_before_a_summary_does_not_undo_it_when_saved():
    paper = make_paper()
    loaded = Paper.objects.get(pk=paper.pk)
    make_summary(paper=paper)
    loaded.title = "A new title"
    loaded.save()
    assert stored(paper) == 1
    assert Paper.objects.get(pk=paper.pk).title == "A new title"


def test_venue_years_follow_the_papers():
    nips = make_paper(venue="NeurIPS", year=2016)
    make_summary(paper=nips)
    make_summary(paper=nips)
    make_summary(paper=make_paper(venue="NeurIPS", year=2016))
    make_summary(paper=make_paper(venue="NeurIPS", year=None))  # counts under year 0
    make_summary(paper=make_paper(venue="", year=2016))  # no venue: no row
    make_paper(venue="NeurIPS", year=2017)  # no summary: counts for nothing
    assert kept_venue_years() == {("NeurIPS", 2016): (2, 3), ("NeurIPS", 0): (1, 1)}

    before = VenueYear.objects.get(venue="NeurIPS", year=2016).changed_at
    assert before is not None
    nips.year = 2017  # a correction of its year
    nips.save()
    assert VenueYear.objects.get(venue="NeurIPS", year=2016).changed_at >= before
    assert kept_venue_years() == {
        ("NeurIPS", 2016): (1, 1),
        ("NeurIPS", 2017): (1, 2),
        ("NeurIPS", 0): (1, 1),
    }
    nips.delete()  # its summaries go first, then the paper
    assert ("NeurIPS", 2017) not in kept_venue_years()
    assert_kept()


def test_a_venue_renamed_in_one_statement_moves_all_its_papers():
    """The bulk rename of `manage.py normalize_venues`: one UPDATE per spelling."""
    for year in (2015, 2016, 2016):
        make_summary(paper=make_paper(venue="NIPS", year=year))
    make_summary(paper=make_paper(venue="NeurIPS", year=2016))
    changes = renormalize(Paper.objects.all(), None, {"nips": "NeurIPS"})
    assert changes == {"NIPS": "NeurIPS"}
    assert kept_venue_years() == {("NeurIPS", 2015): (1, 1), ("NeurIPS", 2016): (3, 3)}
    assert_kept()


def test_a_merge_and_its_undo_keep_the_counts():
    kept = make_paper(venue="ICML", year=2019)
    merged = make_paper(venue="ICLR", year=2019)
    make_summary(paper=kept)
    make_summary(paper=merged)
    make_summary(paper=merged)
    moderator = make_user(is_staff=True)
    record = merge_papers(kept, merged, by=moderator)
    assert stored(kept) == 3
    assert kept_venue_years() == {("ICML", 2019): (1, 3)}
    restored = undo_merge(record, by=moderator)
    assert (stored(kept), stored(restored)) == (1, 2)
    assert kept_venue_years() == {("ICML", 2019): (1, 1), ("ICLR", 2019): (1, 2)}
    assert_kept()


@pytest.mark.parametrize("table", ["papers_paper", "papers_venueyear"])
def test_a_count_cannot_go_below_zero(table):
    """The columns are unsigned: a trigger that counted wrong would fail the write."""
    make_summary(paper=make_paper())
    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"UPDATE {table} SET public_summary_count = -1")


def test_the_migration_fills_what_is_there():
    """The migration's FILL, run over summaries written without the triggers: the papers'
    counts are set, and their triggers fill the venue years from them."""
    for n in range(3):
        summary = make_summary(paper=make_paper(venue="CVPR", year=2020 + n % 2))
        Summary.objects.filter(pk=summary.pk).update(
            created_at=datetime(2024, 1, 1 + n, tzinfo=UTC)
        )
    make_summary(paper=make_paper(venue="CVPR", year=2020), is_private=True)
    with connection.cursor() as cursor:
        # As before the migration: no counts anywhere.
        cursor.execute("DELETE FROM papers_venueyear")
        for statement in _drop_triggers(migration):
            cursor.execute(statement)
        cursor.execute("UPDATE papers_paper SET public_summary_count = 0")
        for statement in _create_triggers(migration):
            cursor.execute(statement)
        for statement in migration.FILL:
            cursor.execute(statement)
    assert kept_venue_years() == {("CVPR", 2020): (2, 2), ("CVPR", 2021): (1, 1)}
    assert_kept()
    # Dated by their newest public summary, not by the migration.
    assert dict(VenueYear.objects.values_list("year", "changed_at")) == {
        2020: datetime(2024, 1, 3, tzinfo=UTC),
        2021: datetime(2024, 1, 2, tzinfo=UTC),
    }


def _drop_triggers(migration):
    if connection.vendor == "postgresql":
        return migration.POSTGRESQL_DROP
    return migration.SQLITE_DROP


def _create_triggers(migration):
    return migration.POSTGRESQL if connection.vendor == "postgresql" else migration.SQLITE
