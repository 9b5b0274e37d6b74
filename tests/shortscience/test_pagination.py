"""Keyset pages (shortscience.pagination): the homepage tabs and profiles, walked to the
end and back, with ties on every sort key; their cost, the same on every page."""

import re
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from papers.models import Paper
from shortscience.pagination import paginate
from summaries.models import Summary
from tests.factories import make_comment, make_paper, make_summary, make_user
from tests.utils import pager_links, queries_for

pytestmark = pytest.mark.django_db

RECENT, POPULAR, TOP = (
    reverse("summaries:home"),
    reverse("summaries:popular"),
    reverse("summaries:top"),
)
PER_PAGE = 10


def sort_key(tab):
    """Each tab's order, spelled out here rather than taken from the code under test."""
    return {
        RECENT: lambda s: (s.created_at, s.pk),
        POPULAR: lambda s: (s.hotness, s.pk),
        TOP: lambda s: (s.score, s.created_at, s.pk),
    }[tab]


def make_listing(count=23, author=None):
    """`count` public summaries whose sort keys tie in runs (equal created_at, score and
    hotness), plus a private and a hidden one that no listing may show."""
    now = timezone.now().replace(microsecond=0)
    for n in range(count):
        summary = make_summary(author=author, body=f"Summary {n}.")
        # Runs of four share a creation time, runs of five a score, runs of three a
        # hotness: every key has ties, and they fall across page boundaries.
        Summary.objects.filter(pk=summary.pk).update(
            created_at=now - timedelta(hours=n // 4),
            score=n // 5,
            hotness=float(n // 3) + 0.25,
        )
    for hidden in ({"is_private": True}, {"is_hidden": True}):
        summary = make_summary(author=author, body="Not for listings.", **hidden)
        Summary.objects.filter(pk=summary.pk).update(created_at=now, score=99, hotness=99.0)


def expected_order(tab, **filters):
    summaries = Summary.objects.public().filter(**filters)
    return [s.pk for s in sorted(summaries, key=sort_key(tab), reverse=True)]


def listed(html):
    return [
        int(pk)
        for pk in re.findall(r'<article class="card mb-4 feed-item" id="summary-(\d+)"', html)
    ]


def get(client, url):
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    html = response.content.decode()
    return listed(html), pager_links(html)


def walk(client, url, role):
    """The pages met following the `role` link from `url` until there is none, and the
    address of the last of them."""
    pages = []
    while True:
        items, links = get(client, url)
        pages.append(items)
        if role not in links:
            return pages, url
        url = links[role]
        assert len(pages) < 20, "the walk does not end"


@pytest.mark.parametrize("tab", [RECENT, POPULAR, TOP])
def test_older_walks_every_summary_once_in_order_and_newer_walks_back(client, tab):
    make_listing()
    order = expected_order(tab)
    assert len(order) == 23

    forward, end = walk(client, tab, "next")
    assert [pk for page in forward for pk in page] == order
    assert [len(page) for page in forward] == [10, 10, 3]
    assert set(get(client, tab)[1]) == {"next", "last"}  # nothing before the first page
    assert set(get(client, end)[1]) == {"first", "prev"}  # nothing after the last

    backward, start = walk(client, end, "prev")
    assert backward == forward[::-1]
    assert get(client, start)[1] == get(client, tab)[1]


@pytest.mark.parametrize("tab", [RECENT, POPULAR, TOP])
def test_oldest_shows_the_last_items_and_newer_leads_back_to_the_first_page(client, tab):
    make_listing()
    order = expected_order(tab)
    first, links = get(client, tab)
    last, last_links = get(client, links["last"])
    assert last == order[-10:]
    assert set(last_links) == {"first", "prev"}

    before_last, before_links = get(client, last_links["prev"])
    assert before_last == order[-20:-10]
    # Three short of a full page remain before these: the first page is shown instead.
    assert get(client, before_links["prev"]) == (first, links)
    assert get(client, before_links["first"]) == (first, links)


def test_a_single_page_has_no_pager(client):
    make_listing(count=10)
    html = client.get(RECENT).content.decode()
    assert len(listed(html)) == 10
    assert 'aria-label="Pages"' not in html
    assert listed(client.get(RECENT + "?last=1").content.decode()) == listed(html)


def test_the_pager_links_have_roles_rels_and_labels(client):
    make_listing()
    html = client.get(RECENT).content.decode()
    next_url = pager_links(html)["next"]
    assert re.search(r'rel="next" data-pager="next">Older<span class="visually-hidden"> page', html)
    middle = client.get(next_url).content.decode()
    assert re.search(
        r'rel="prev" data-pager="prev">Newer<span class="visually-hidden"> page', middle
    )
    assert 'data-pager="first">Newest<' in middle and 'data-pager="last">Oldest<' in middle
    assert "<title>Recent summaries, continued · " in middle
    top = client.get(TOP).content.decode()
    assert 'data-pager="next">Next<' in top and 'data-pager="last">Last<' in top


@pytest.mark.parametrize("tab", [RECENT, POPULAR, TOP])
def test_a_cursor_not_made_here_gives_the_first_page(client, tab):
    make_listing()
    first, _ = get(client, tab)
    next_url = pager_links(client.get(tab).content.decode())["next"]
    cursor = next_url.split("after=", 1)[1]
    tampered = cursor[:-3] + ("AAA" if not cursor.endswith("AAA") else "BBB")
    other_tab = {RECENT: TOP, POPULAR: RECENT, TOP: POPULAR}[tab]
    cursor_of_other_tab = pager_links(client.get(other_tab).content.decode())["next"]
    for url in [
        f"{tab}?after={tampered}",
        f"{tab}?before={tampered}",
        f"{tab}?after=garbage",
        f"{tab}?before=",
        tab + "?" + cursor_of_other_tab.split("?", 1)[1],
    ]:
        assert get(client, url)[0] == first, url


def test_a_cursor_past_the_end_gives_the_first_page(client):
    make_listing(count=12)
    first, links = get(client, RECENT)
    # Every summary after the cursor goes: nothing is left to list there.
    older = get(client, links["next"])[0]
    Summary.objects.filter(pk__in=older).delete()
    assert get(client, links["next"])[0] == first


@pytest.mark.parametrize("tab", [RECENT, POPULAR, TOP])
def test_old_page_numbers_redirect_to_the_first_page(client, tab):
    response = client.get(tab, {"page": 3})
    assert response.status_code == 301
    assert response["Location"] == tab
    profile = reverse("accounts:profile", args=[make_user("ada").username])
    response = client.get(profile, {"page": "abc", "utm_source": "x"})
    assert (response.status_code, response["Location"]) == (301, f"{profile}?utm_source=x")


def test_profile_pages_walk_its_summaries_once(client):
    person = make_user("prolific")
    make_listing(author=person)
    make_summary(body="By someone else.")
    url = reverse("accounts:profile", args=[person.username])
    forward, _ = walk(client, url, "next")
    order = expected_order(RECENT, author=person)
    assert [pk for page in forward for pk in page] == order
    html = client.get(url).content.decode()
    assert "23 summaries" in html  # the count is the person's, not the page's
    assert listed(client.get(pager_links(html)["last"]).content.decode()) == order[-10:]


def page_urls(client, tab):
    """The first page, a middle one and the last one."""
    links = pager_links(client.get(tab).content.decode())
    middle = pager_links(client.get(links["next"]).content.decode())["next"]
    return [tab, middle, links["last"]]


def page_queries(client, url):
    """The SQL of one page, built from the database (not from a cached fragment)."""
    cache.clear()
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return [query["sql"] for query in captured]


@pytest.mark.parametrize("tab", [RECENT, POPULAR, TOP])
@pytest.mark.parametrize("logged_in", [False, True])
def test_every_page_costs_the_same_queries_whatever_the_number_of_items(client, tab, logged_in):
    if logged_in:
        client.force_login(make_user())
    make_summary()
    one = queries_for(client, tab)
    assert queries_for(client, tab + "?last=1") == one
    make_listing(count=30)
    for summary in Summary.objects.all()[:10]:
        make_comment(summary)
    assert [queries_for(client, url) for url in page_urls(client, tab)] == [one, one, one]


@pytest.mark.parametrize("tab", [RECENT, POPULAR, TOP])
def test_no_page_counts_or_skips_rows(client, tab):
    make_listing(count=30)
    for url in page_urls(client, tab):
        sql = "\n".join(page_queries(client, url))
        assert "COUNT(*)" not in sql.upper(), url
        assert "OFFSET" not in sql.upper(), url
        assert f"LIMIT {PER_PAGE + 1}" in sql, url


def test_venue_year_pages_fetch_one_row_more_and_stop_at_a_bound(client):
    from papers.views import VENUE_MAX_PAGES, VENUE_PAGE_SIZE

    for n in range(VENUE_PAGE_SIZE + 1):
        make_summary(paper=make_paper(venue="NIPS", year=2016, title=f"Paper {n:02d}"))
    url = "/venue/NIPS/2016/"
    first = client.get(url).content.decode()
    assert pager_links(first) == {"next": url + "?page=2"}
    sql = "\n".join(page_queries(client, url + "?page=2"))
    assert "COUNT(*)" not in sql.upper()
    assert f"LIMIT {VENUE_PAGE_SIZE + 1} OFFSET {VENUE_PAGE_SIZE}" in sql
    second = client.get(url + "?page=2").content.decode()
    assert second.count('class="venue-paper') == 1
    assert set(pager_links(second)) == {"first", "prev"}

    past_the_end = client.get(url + "?page=3")
    assert past_the_end.status_code == 404
    assert "This list has no page 3." in past_the_end.content.decode()
    with CaptureQueriesContext(connection) as captured:
        too_deep = client.get(url, {"page": VENUE_MAX_PAGES + 1})
    assert too_deep.status_code == 404
    assert f"This list has at most {VENUE_MAX_PAGES} pages." in too_deep.content.decode()
    assert not [q for q in captured if "papers_paper" in q["sql"]]


ON_POSTGRESQL_ONLY = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="PostgreSQL's own settings and planner"
)


@ON_POSTGRESQL_ONLY
def test_postgresql_runs_without_jit():
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone()[0] == "off"


@ON_POSTGRESQL_ONLY
def test_postgresql_scans_from_the_start_of_a_table():
    # A search takes the first matches a scan finds: with synchronized scans they
    # changed from one request to the next (shortscience.env.FIXED_OPTIONS).
    with connection.cursor() as cursor:
        cursor.execute("SHOW synchronize_seqscans")
        assert cursor.fetchone()[0] == "off"


@ON_POSTGRESQL_ONLY
def test_postgresql_plans_no_memoize_caches():
    # Sized by the rows expected before a LIMIT, they cost a page of summaries more
    # than they saved (shortscience.env.FIXED_OPTIONS).
    with connection.cursor() as cursor:
        cursor.execute("SHOW enable_memoize")
        assert cursor.fetchone()[0] == "off"


def bulk_listing(summaries=3000, authors=30):
    """Many summaries quickly: rows written directly, their dates, scores and hotness
    spread (with ties) by SQL."""
    users = User.objects.bulk_create(
        User(username=f"bulk{n}", email=f"bulk{n}@example.org") for n in range(authors)
    )
    papers = Paper.objects.bulk_create(
        Paper(bibtex_key=f"conf/bulk/Paper{n}", title=f"Paper {n}", authors="A. Author")
        for n in range(summaries // authors)
    )
    Summary.objects.bulk_create(
        Summary(paper=paper, author=user, body="Text.", body_html="<p>Text.</p>")
        for paper in papers
        for user in users
    )
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE summaries_summary SET created_at = now() - (id / 3) * interval '1 minute',"
            " score = id % 7, hotness = (id % 500) / 10.0,"
            " is_private = (id % 23 = 0), is_hidden = (id % 29 = 0)"
        )
        cursor.execute("ANALYZE summaries_summary")
        cursor.execute("ANALYZE papers_paper")
        cursor.execute("ANALYZE accounts_user")


@ON_POSTGRESQL_ONLY
@pytest.mark.parametrize(
    ("listing", "index"),
    [
        (RECENT, "summary_recent_idx"),
        (POPULAR, "summary_popular_idx"),
        (TOP, "summary_top_idx"),
        (reverse("accounts:profile", args=["bulk3"]), "summary_author_recent_idx"),
    ],
)
def test_postgresql_reads_every_page_from_an_index_in_its_order(client, listing, index):
    bulk_listing()
    for url in page_urls(client, listing):
        [sql] = [q for q in page_queries(client, url) if f"LIMIT {PER_PAGE + 1}" in q]
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN " + sql)
            plan = "\n".join(row[0] for row in cursor.fetchall())
        # Backward for the last page: the reverse order is the same index read upwards.
        assert re.search(rf"Index Scan (Backward )?using {index} on summaries_summary", plan)
        assert "Seq Scan on summaries_summary" not in plan, plan
        assert not re.search(r"Sort(?! Key)", plan.split("SubPlan")[0]), plan


@ON_POSTGRESQL_ONLY
def test_postgresql_finds_a_venue_year_through_its_index():
    Paper.objects.bulk_create(
        Paper(
            bibtex_key=f"conf/v/P{n}",
            title="t",
            authors="a",
            venue=f"Venue{n % 300}",
            year=2000 + n % 20,
        )
        for n in range(6_000)
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE papers_paper")
        sql, params = Paper.objects.in_venue("venue7", 2007).query.sql_with_params()
        cursor.execute("EXPLAIN " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "paper_venue_year_idx" in plan, plan
    assert "Seq Scan" not in plan, plan


@ON_POSTGRESQL_ONLY
def test_postgresql_finds_a_profile_s_recent_comments_through_the_author_s_index(client):
    """Many comments by others and three by the person: the recent comments must come
    from the index on (author, date), not from walking every comment by date."""
    bulk_listing(summaries=600, authors=30)
    from summaries.models import Comment

    summaries = list(Summary.objects.public()[:200])
    others = list(User.objects.filter(username__startswith="bulk"))
    Comment.objects.bulk_create(
        Comment(summary=summary, author=others[n % len(others)], body="c", body_html="<p>c</p>")
        for n, summary in enumerate(summaries * 10)
    )
    person = make_user()
    for summary in summaries[:3]:
        make_comment(summary, author=person)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE summaries_comment")
    url = reverse("accounts:profile", args=[person.username])
    queries = page_queries(client, url)
    [sql] = [q for q in queries if q.startswith('SELECT "summaries_comment"."id"') and "LIMIT" in q]
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN " + sql)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "comment_author_recent_idx" in plan, plan


@pytest.mark.parametrize("number", [None, "1"])
def test_a_numbered_list_that_fits_its_first_page_is_counted_by_reading_it(rf, number):
    """paginate() reads the first page with one row more: a short list needs no COUNT."""
    for n in range(3):
        make_paper(title=f"Paper {n}")
    request = rf.get("/", {} if number is None else {"page": number})
    with CaptureQueriesContext(connection) as queries:
        page = paginate(request, Paper.objects.order_by("pk"), 3)
        titles = [paper.title for paper in page]
        count = page.paginator.count
    assert (titles, count, page.next_url) == (["Paper 0", "Paper 1", "Paper 2"], 3, None)
    assert len(queries) == 1
    assert "COUNT(" not in queries[0]["sql"].upper()

    make_paper(title="Paper 3")
    with CaptureQueriesContext(connection) as queries:
        page = paginate(request, Paper.objects.order_by("pk"), 3)
        titles = [paper.title for paper in page]
        count = page.paginator.count
    # One more than a page: counted, and the page is still the first three.
    assert (titles, count, page.next_url) == (["Paper 0", "Paper 1", "Paper 2"], 4, "/?page=2")
    assert len(queries) == 2


def test_a_first_page_read_another_way_makes_the_queryset_only_when_needed(rf):
    """With `first`, the queryset is made only to count a list longer than a page, or
    for another page."""
    papers = [make_paper(title=f"Paper {n}") for n in range(4)]
    made = []

    def items():
        made.append(True)
        return Paper.objects.order_by("pk")

    def first():
        return list(Paper.objects.order_by("pk")[:limit])

    limit = 4  # a page of 3 that holds them all: the fourth is not there
    Paper.objects.filter(pk=papers[3].pk).delete()
    page = paginate(rf.get("/"), items, 3, first=first)
    assert ([paper.title for paper in page], page.paginator.count) == (
        ["Paper 0", "Paper 1", "Paper 2"],
        3,
    )
    assert made == []

    make_paper(title="Paper 3")
    page = paginate(rf.get("/"), items, 3, first=first)
    assert (len(page), page.paginator.count, page.next_url) == (3, 4, "/?page=2")
    assert made == [True]
    page = paginate(rf.get("/", {"page": "2"}), items, 3, first=first)
    assert [paper.title for paper in page] == ["Paper 3"]
    assert made == [True, True]


def test_numbered_links_keep_the_query_string_in_its_order(rf):
    request = rf.get("/search", {"q": "nets", "page": "10", "venue": "NIPS"})
    page = paginate(request, list(range(200)), 10)
    assert page.numbered_links == [
        (1, "/search?q=nets&venue=NIPS", "first"),
        (2, "?q=nets&page=2&venue=NIPS", ""),
        ("…", None, "gap"),
        *[(n, f"?q=nets&page={n}&venue=NIPS", "") for n in (7, 8, 9)],
        (10, None, "current"),
        *[(n, f"?q=nets&page={n}&venue=NIPS", "") for n in (11, 12, 13)],
        ("…", None, "gap"),
        (19, "?q=nets&page=19&venue=NIPS", ""),
        (20, "?q=nets&page=20&venue=NIPS", "last"),
    ]
