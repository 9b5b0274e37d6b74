import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from summaries import services
from summaries.models import Summary, SummaryRevision
from tests.factories import make_paper, make_summary, make_user, summary_text
from tests.utils import queries_for

pytestmark = pytest.mark.django_db


def history_url(summary):
    return reverse("summaries:history", args=[summary.pk])


def diff_url(summary, old=None, new=None):
    query = "&".join(
        f"{name}={value}" for name, value in (("from", old), ("to", new)) if value is not None
    )
    return f"{reverse('summaries:diff', args=[summary.pk])}?{query}"


def save(summary, body, **flags):
    fields = {"is_private": summary.is_private, "is_anonymous": summary.is_anonymous, **flags}
    saved, created = services.save_summary(
        paper=summary.paper, author=summary.author, body=body, **fields
    )
    assert not created
    return saved


def edited_twice(**fields):
    summary = make_summary(body="The first text says little.", **fields)
    save(summary, "The second text says more.")
    return save(summary, "The third text says the most.")


def with_versions(count, **fields):
    """A summary with `count` versions, the earlier ones written straight to the table."""
    summary = make_summary(body=f"Version {count} of the text.", **fields)
    start = timezone.now() - timedelta(days=count)
    SummaryRevision.objects.bulk_create(
        SummaryRevision(
            summary=summary,
            number=n,
            body=f"Version {n} of the text.",
            written_at=start + timedelta(days=n),
        )
        for n in range(1, count)
    )
    Summary.objects.filter(pk=summary.pk).update(edited_at=timezone.now())
    return summary


def text(response):
    return response.content.decode()


# ---- Keeping the versions ----


def test_an_edit_with_the_same_text_keeps_no_version():
    summary = make_summary(body="Unchanged.")
    summary = save(summary, "Unchanged.")
    assert summary.revisions.count() == 0
    assert summary.edited_at is None


def test_two_edits_keep_versions_one_and_two_and_the_current_text_is_three():
    summary = make_summary(body="First.")
    created_at = summary.created_at
    summary = save(summary, "Second.")
    first_edit = summary.edited_at
    assert first_edit is not None
    summary = save(summary, "Third.")

    revisions = list(summary.revisions.order_by("number"))
    assert [(r.number, r.body) for r in revisions] == [(1, "First."), (2, "Second.")]
    # Each version is dated from when it was published.
    assert revisions[0].written_at == created_at
    assert revisions[1].written_at == first_edit
    assert summary.edited_at > first_edit
    summary.refresh_from_db()
    assert summary.body == "Third."
    assert summary.revisions.count() + 1 == 3


def test_privacy_and_anonymity_alone_keep_no_version():
    summary = make_summary(body="Same words.")
    summary = save(summary, "Same words.", is_private=True)
    summary = save(summary, "Same words.", is_private=False, is_anonymous=True)
    summary.refresh_from_db()
    assert summary.is_anonymous
    assert summary.revisions.count() == 0
    assert summary.edited_at is None


def test_an_edit_through_the_form_keeps_the_previous_text(client):
    summary = make_summary(body="Before the edit.")
    client.force_login(summary.author)
    response = client.post(
        reverse("summaries:write", args=[summary.paper.bibtex_key]),
        {"body": summary_text("After the edit."), "is_private": "", "is_anonymous": ""},
    )
    assert response.status_code == 302
    assert [r.body for r in summary.revisions.all()] == ["Before the edit."]
    page = text(client.get(summary.get_absolute_url()))
    assert f'href="{history_url(summary)}"' in page


# ---- The history page ----


def test_history_lists_the_versions_newest_first_with_the_current_one_marked(client):
    summary = edited_twice()
    response = client.get(history_url(summary))
    assert response.status_code == 200
    page = text(response)
    rows = [page.index(f'id="version-{n}"') for n in (3, 2, 1)]
    assert rows == sorted(rows)
    current_row = page[rows[0] : rows[1]]
    assert "current" in current_row
    assert "current" not in page[rows[1] :].split("</tbody>")[0]
    assert "6 words" in current_row  # "The third text says the most."
    assert page.count("<time datetime=") == 3
    assert "History of the summary by" in page


def test_history_form_compares_the_two_newest_versions_by_default(client):
    summary = edited_twice()
    page = text(client.get(history_url(summary)))
    form = re.search(r'<form method="get" action="([^"]+)"', page)
    assert form and form.group(1) == reverse("summaries:diff", args=[summary.pk])
    checked = re.findall(r'name="(from|to)" value="(\d+)"[^>]*checked', page)
    assert sorted(checked) == [("from", "2"), ("to", "3")]
    assert "Compare selected versions" in page
    # And each version links to what changed in it.
    assert f'href="{diff_url(summary, 2, 3).replace("&", "&amp;")}"' in page


def test_history_of_a_summary_never_edited(client):
    summary = make_summary()
    page = text(client.get(history_url(summary)))
    assert 'id="version-1"' in page
    assert "has not been edited" in page
    assert 'type="radio"' not in page


def test_history_links_back_to_the_summary_and_paper(client):
    summary = edited_twice()
    page = text(client.get(history_url(summary)))
    breadcrumbs = page.split('aria-label="Breadcrumb"')[1].split("</nav>")[0]
    assert f'href="{summary.paper.get_absolute_url()}"' in breadcrumbs
    assert f'href="{summary.get_absolute_url()}"' in breadcrumbs
    assert 'aria-current="page">History<' in breadcrumbs


# ---- The diff page ----


def test_diff_marks_the_words_added_and_removed(client):
    summary = edited_twice()
    response = client.get(diff_url(summary, 1, 3))
    assert response.status_code == 200
    page = text(response)
    assert (
        "The <del>first</del><ins>third</ins> text says <del>little.</del><ins>the most.</ins>"
        in (page)
    )
    assert "3 words added, 2 removed." in page
    # Both versions' texts are offered as well.
    assert "The first text says little." in page
    assert "The third text says the most." in page


def test_diff_between_two_earlier_versions(client):
    summary = edited_twice()
    page = text(client.get(diff_url(summary, 1, 2)))
    assert "<del>first</del><ins>second</ins>" in page
    assert "<del>little.</del><ins>more.</ins>" in page


def test_diff_of_versions_with_the_same_text(client):
    summary = make_summary(body="Back and forth.")
    save(summary, "Something else.")
    save(summary, "Back and forth.")
    page = text(client.get(diff_url(summary, 1, 3)))
    assert "These two versions have the same text." in page
    assert "<ins>" not in page.split("<pre")[1]


def test_diff_escapes_what_the_author_wrote(client):
    summary = make_summary(body="Harmless.")
    save(summary, 'Now with <img src=x onerror="alert(1)"> and <b>tags</b>.')
    page = text(client.get(diff_url(summary, 1, 2)))
    assert "<img src=x" not in page
    assert "<b>tags</b>" not in page
    assert "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;" in page


def test_versions_asked_backwards_redirect_to_the_forward_diff(client):
    summary = edited_twice()
    response = client.get(diff_url(summary, 3, 1))
    assert response.status_code == 302
    assert response["Location"] == diff_url(summary, 1, 3)


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        (None, None, "Choose two versions to compare."),
        ("1", None, "Choose two versions to compare."),
        ("", "2", "Choose two versions to compare."),
        ("abc", "2", "“abc” is not a version number."),
        ("1.5", "2", "“1.5” is not a version number."),
        ("-1", "2", "“-1” is not a version number."),
        ("1", "99999999999999999999", "is not a version number."),
        ("0", "2", "There is no version 0: this summary has versions 1 to 3."),
        ("1", "4", "There is no version 4: this summary has versions 1 to 3."),
        ("2", "2", "Choose two different versions to compare."),
    ],
)
def test_bad_versions_get_a_clear_message_and_the_form_again(client, old, new, message):
    summary = edited_twice()
    response = client.get(diff_url(summary, old, new))
    assert response.status_code == 400
    page = text(response)
    assert 'role="alert"' in page
    assert message in page
    assert 'name="from"' in page


def test_a_summary_with_one_version_has_nothing_to_compare(client):
    summary = make_summary()
    response = client.get(diff_url(summary, 1, 2))
    assert response.status_code == 400
    assert "this summary has only one version" in text(response)


def test_a_version_missing_from_the_table_is_a_message_not_an_error(client):
    summary = edited_twice()
    summary.revisions.filter(number=1).delete()
    response = client.get(diff_url(summary, 1, 2))
    assert response.status_code == 400
    assert "Version 1 of this summary is no longer kept." in text(response)


# ---- Who may see them ----


@pytest.mark.parametrize("flag", ["is_private", "is_hidden"])
def test_private_or_hidden_history_is_for_its_author_only(client, flag):
    summary = edited_twice(**{flag: True})
    urls = [history_url(summary), diff_url(summary, 1, 2), diff_url(summary, 9, 9)]
    for url in urls:
        assert client.get(url).status_code == 404
    client.force_login(make_user())
    for url in urls:
        assert client.get(url).status_code == 404
    client.force_login(summary.author)
    assert client.get(urls[0]).status_code == 200
    assert client.get(urls[1]).status_code == 200


def test_an_anonymous_summarys_history_never_names_its_author(client):
    author = make_user("hannah_hidden_name")
    summary = edited_twice(author=author, is_anonymous=True)
    client.force_login(make_user("reader"))
    for url in (history_url(summary), diff_url(summary, 1, 3), diff_url(summary, 1, 1)):
        page = text(client.get(url))
        assert "hannah_hidden_name" not in page
        assert "Anonymous" in re.search(r"<title>(.*?)</title>", page, re.S).group(1)


def test_history_of_a_missing_summary_is_404(client):
    assert client.get(reverse("summaries:history", args=[999999])).status_code == 404
    assert client.get(reverse("summaries:diff", args=[999999])).status_code == 404


# ---- Constant work whatever the number of versions ----


def test_history_page_queries_do_not_grow_with_versions(client):
    paper = make_paper()
    one = queries_for(client, history_url(with_versions(1, paper=paper)))
    many = with_versions(25, paper=paper)
    assert queries_for(client, history_url(many)) == one
    assert text(client.get(history_url(many))).count('<tr id="version-') == 25


def test_diff_page_queries_do_not_grow_with_versions(client):
    author = make_user()
    client.force_login(author)
    few = queries_for(client, diff_url(with_versions(2, author=author), 1, 2))
    many = with_versions(25, author=author)
    assert queries_for(client, diff_url(many, 1, 25)) == few
    assert queries_for(client, diff_url(many, 3, 17)) == few
