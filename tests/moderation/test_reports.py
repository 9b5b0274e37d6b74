"""Reporting a summary or a comment: the link, the form, the report it makes."""

from html import unescape
from urllib.parse import quote

import pytest
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from moderation.models import Report
from papers.views import SUMMARIES_PER_PAGE
from tests.factories import PASSWORD, make_comment, make_summary, make_user
from tests.utils import queries_for

pytestmark = pytest.mark.django_db


def report_url(kind, target, next_url=None):
    url = reverse("moderation:report", args=[kind, target.pk])
    return f"{url}?next={quote(next_url)}" if next_url else url


def messages_of(response):
    return [str(message) for message in response.context["messages"]]


def test_report_link_is_offered_to_readers_but_not_to_the_author(client):
    summary = make_summary(author=make_user("ada"))
    paper_url = summary.paper.get_absolute_url()
    link = f'href="{report_url("summary", summary, paper_url)}"'

    assert link in client.get(paper_url).content.decode()
    client.force_login(make_user("reader"))
    assert link in client.get(paper_url).content.decode()
    on_its_page = f'href="{report_url("summary", summary, summary.get_absolute_url())}"'
    assert on_its_page in client.get(summary.get_absolute_url()).content.decode()
    client.force_login(summary.author)
    assert reverse("moderation:report", args=["summary", summary.pk]) not in (
        client.get(paper_url).content.decode()
    )


def test_report_link_on_a_comment_is_offered_to_others_only(client):
    comment = make_comment(make_summary())
    page_url = comment.summary.get_absolute_url()
    link = f'href="{report_url("comment", comment, page_url)}"'

    client.force_login(make_user())
    assert link in client.get(page_url).content.decode()
    client.force_login(comment.author)
    assert reverse("moderation:report", args=["comment", comment.pk]) not in (
        client.get(page_url).content.decode()
    )


def test_logged_out_reader_logs_in_and_comes_back_to_the_form(client):
    summary = make_summary()
    make_user("reader")
    url = report_url("summary", summary, summary.paper.get_absolute_url())

    response = client.get(url)

    assert response.status_code == 302
    assert response["Location"] == f"{reverse('account_login')}?next={quote(url, safe='/')}"
    response = client.post(response["Location"], {"login": "reader", "password": PASSWORD})
    assert response["Location"] == url
    assert client.get(url).status_code == 200
    assert not Report.objects.exists()


def test_report_a_summary_and_go_back_to_it(client):
    summary = make_summary()
    reader = make_user("reader")
    client.force_login(reader)
    paper_url = summary.paper.get_absolute_url()

    form_page = client.get(report_url("summary", summary, paper_url))
    assert form_page.status_code == 200
    html = form_page.content.decode()
    for value, label in Report.Reason.choices:
        assert 'type="radio"' in html and f'value="{value}"' in html and label in html
    assert "A summary with" in html

    response = client.post(
        report_url("summary", summary, paper_url),
        {"reason": "plagiarism", "body": "Copied from the paper's blog post."},
        follow=True,
    )

    report = Report.objects.get()
    assert (report.reporter, report.summary, report.comment) == (reader, summary, None)
    assert (report.reason, report.details) == ("plagiarism", "Copied from the paper's blog post.")
    assert report.resolved_at is None
    assert response.redirect_chain == [(f"{paper_url}#{summary.anchor}", 302)]
    assert messages_of(response) == ["Thank you. The moderators will look at your report."]


def test_report_a_comment(client):
    comment = make_comment(make_summary(), body="Buy cheap watches here.")
    reader = make_user()
    client.force_login(reader)

    response = client.post(report_url("comment", comment), {"reason": "spam"})

    report = Report.objects.get()
    assert (report.reporter, report.summary, report.comment) == (reader, None, comment)
    assert response["Location"] == comment.get_absolute_url()


def test_reporting_twice_says_so_and_keeps_one_report(client):
    summary = make_summary()
    client.force_login(make_user())
    client.post(report_url("summary", summary), {"reason": "spam"})

    page = client.get(report_url("summary", summary)).content.decode()
    assert "You reported this" in page
    response = client.post(report_url("summary", summary), {"reason": "abuse"}, follow=True)

    assert messages_of(response) == ["You had reported this already."]
    assert Report.objects.get().reason == "spam"


def test_other_readers_reports_on_the_same_summary_all_count(client):
    summary = make_summary()
    for _ in range(3):
        client.force_login(make_user())
        client.post(report_url("summary", summary), {"reason": "spam"})
    assert Report.objects.filter(summary=summary).count() == 3


def test_own_content_cannot_be_reported(client):
    summary = make_summary()
    comment = make_comment(make_summary(), author=summary.author)
    client.force_login(summary.author)

    for kind, target in [("summary", summary), ("comment", comment)]:
        response = client.post(report_url(kind, target), {"reason": "spam"}, follow=True)
        assert messages_of(response) == [f"This {kind} is yours: there is nothing to report."]
    assert not Report.objects.exists()


@pytest.mark.parametrize(
    "make_target",
    [
        pytest.param(lambda: ("summary", make_summary(is_private=True)), id="private summary"),
        pytest.param(lambda: ("summary", make_summary(is_hidden=True)), id="hidden summary"),
        pytest.param(
            lambda: ("comment", make_comment(make_summary(), is_hidden=True)), id="hidden comment"
        ),
        pytest.param(
            lambda: ("comment", make_comment(make_summary(), deleted_at=timezone.now())),
            id="deleted comment",
        ),
        pytest.param(
            lambda: ("comment", make_comment(make_summary(is_private=True))),
            id="comment on a private summary",
        ),
        pytest.param(
            lambda: ("comment", make_comment(make_summary(is_hidden=True))),
            id="comment on a hidden summary",
        ),
    ],
)
def test_what_the_reader_cannot_see_answers_404(client, make_target):
    kind, target = make_target()
    client.force_login(make_user())
    assert client.get(report_url(kind, target)).status_code == 404
    assert client.post(report_url(kind, target), {"reason": "spam"}).status_code == 404
    assert not Report.objects.exists()


def test_unknown_kind_or_target_answers_404(client):
    summary = make_summary()
    client.force_login(make_user())
    assert client.get(f"/report/paper/{summary.paper.pk}/").status_code == 404
    assert client.get(f"/report/summary/{summary.pk + 1000}/").status_code == 404


def test_missing_reason_is_an_error_and_keeps_the_details(client):
    summary = make_summary()
    client.force_login(make_user())

    response = client.post(report_url("summary", summary), {"body": "Look at the second part."})

    assert response.status_code == 400
    assert response.context["form"].errors["reason"] == ["This field is required."]
    assert "Look at the second part." in response.content.decode()
    assert not Report.objects.exists()


def test_oversized_details_are_refused_and_handed_back(client):
    summary = make_summary()
    client.force_login(make_user())
    details = "z" * 2001

    response = client.post(report_url("summary", summary), {"reason": "other", "body": details})

    assert response.status_code == 400
    assert "at most 2000 characters" in str(response.context["form"].errors["body"])
    assert response.context["form"]["body"].value() == details
    assert "maxlength" not in str(response.context["form"]["body"])


def test_details_posted_after_the_session_ended_wait_for_the_login(client):
    summary = make_summary()
    make_user("reader")

    response = client.post(
        report_url("summary", summary), {"reason": "abuse", "body": "Insults in paragraph 2."}
    )

    assert response.status_code == 302
    assert not Report.objects.exists()
    client.post(response["Location"], {"login": "reader", "password": PASSWORD})
    form = client.get(report_url("summary", summary)).context["form"]
    assert form["reason"].value() == "abuse"
    assert form["body"].value() == "Insults in paragraph 2."


def test_next_pointing_elsewhere_is_ignored(client):
    summary = make_summary()
    client.force_login(make_user())
    url = report_url("summary", summary, "https://evil.example/")

    response = client.post(url, {"reason": "spam"})

    assert response["Location"] == f"{summary.get_absolute_url()}#{summary.anchor}"


def test_reporting_an_anonymous_summary_never_names_its_author(client):
    summary = make_summary(author=make_user("hannah"), is_anonymous=True)
    client.force_login(make_user("reader"))

    html = client.get(report_url("summary", summary)).content.decode()
    response = client.post(report_url("summary", summary), {"reason": "spam"})

    assert "Summary by Anonymous" in html
    assert "hannah" not in html
    assert "hannah" not in response["Location"]


def test_report_requires_the_csrf_token(client):
    from django.test import Client

    summary = make_summary()
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(make_user())
    assert strict.post(report_url("summary", summary), {"reason": "spam"}).status_code == 403
    assert not Report.objects.exists()


@override_settings(RATE_LIMITS={"report": (2, 3600)})
def test_too_many_reports_are_refused_with_a_clear_message_and_the_text_kept(client):
    summaries = [make_summary() for _ in range(3)]
    client.force_login(make_user())
    for summary in summaries[:2]:
        assert client.post(report_url("summary", summary), {"reason": "spam"}).status_code == 302

    response = client.post(
        report_url("summary", summaries[2]), {"reason": "spam", "body": "A third one, same spam."}
    )

    assert response.status_code == 429
    html = response.content.decode()
    assert "Too many posts in a short time" in html
    assert "A third one, same spam." in html
    assert Report.objects.count() == 2


def test_report_links_add_no_queries_to_the_paper_page(client):
    summary = make_summary()
    # More than a page from the start: a page that holds them all is counted without a
    # query (shortscience.pagination.paginate).
    for _ in range(SUMMARIES_PER_PAGE):
        make_summary(paper=summary.paper)
    client.force_login(make_user())
    # Measured with more than a page of summaries, whose count the pager then needs.
    for _ in range(SUMMARIES_PER_PAGE):
        make_summary(paper=summary.paper)
    one = queries_for(client, summary.paper.get_absolute_url())
    for _ in range(24 - SUMMARIES_PER_PAGE):
        make_summary(paper=summary.paper)
    html = client.get(summary.paper.get_absolute_url()).content.decode()
    assert html.count('class="report-link') == SUMMARIES_PER_PAGE
    assert queries_for(client, summary.paper.get_absolute_url()) == one


def test_the_report_page_quotes_the_text_as_readers_see_it(client):
    summary = make_summary(body=r"Adam with $\beta_1 = 0.9$ and **momentum**. " + "More. " * 300)
    client.force_login(make_user())
    html = client.get(reverse("moderation:report", args=["summary", summary.pk])).content.decode()
    quoted = unescape(html.split('class="mb-0 report-excerpt">')[1].split("</blockquote>")[0])
    assert quoted.startswith("Adam with β_1=0.9 and momentum. More.")
    assert quoted.endswith(" …")
