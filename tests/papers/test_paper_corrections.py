"""Corrections to a paper's details: suggesting, the moderators' queue, deciding, and
users trusted to apply their own (papers.corrections, papers.correction_views)."""

from html import unescape

import pytest
from django.core.cache import cache
from django.test import override_settings
from django.urls import reverse

from papers import corrections
from papers.models import Paper, PaperCorrection, PaperRevision
from search.models import Document
from summaries.models import Summary
from tests.factories import PASSWORD, make_paper, make_summary, make_user
from tests.utils import queries_for

pytestmark = pytest.mark.django_db

Status = PaperCorrection.Status
REASON = "The title on the publisher's page has no typo."


def correct_url(paper):
    return reverse("papers:suggest_correction", args=[paper.bibtex_key])


def form_data(client, paper, reason=REASON, **changes):
    """The form as it is shown for `paper`, with `changes` typed in and a reason."""
    form = client.get(correct_url(paper)).context["form"]
    data = {name: form[name].value() or "" for name in form.fields}
    return {**data, "reason": reason, **changes}


def messages_of(response):
    return [str(message) for message in response.context["messages"]]


@pytest.fixture
def paper():
    return make_paper(
        "conf/test/Attention17",
        title="Attention Is All You Ned",
        authors="Ashish Vaswani, Noam Shazeer",
        venue="NIPS",
        year=2017,
        abstract="The Transformer.",
        arxiv_id="1706.03762",
    )


@pytest.fixture
def reader(client):
    user = make_user("reader")
    client.force_login(user)
    return user


def staff_client(client):
    client.force_login(make_user("moderator", is_staff=True))
    return client


# ---- Suggesting ----


def test_the_paper_page_links_to_the_form_and_the_history(client, paper):
    html = client.get(paper.get_absolute_url()).content.decode()

    assert f'href="{correct_url(paper)}"' in html
    assert f'href="{reverse("papers:history", args=[paper.bibtex_key])}"' in html


def test_the_form_is_filled_with_the_current_details(client, paper, reader):
    response = client.get(correct_url(paper))

    assert response.status_code == 200
    html = unescape(response.content.decode())
    assert "<title>Suggest a correction to “Attention Is All You Ned”" in html
    assert 'value="Attention Is All You Ned"' in html
    assert 'value="1706.03762"' in html
    assert "bibtex_key" not in html


def test_a_suggestion_waits_for_a_moderator_and_changes_nothing_yet(client, paper, reader):
    data = form_data(client, paper, title="Attention Is All You Need")

    response = client.post(correct_url(paper), data, follow=True)

    correction = PaperCorrection.objects.get()
    assert response.redirect_chain[-1][0] == reverse("papers:correction", args=[correction.pk])
    assert messages_of(response) == ["Thank you: a moderator will look at your correction."]
    assert correction.status == Status.PENDING
    assert correction.suggested_by == reader
    assert correction.proposed == {"title": "Attention Is All You Need"}
    assert correction.original == {"title": "Attention Is All You Ned"}
    assert correction.reason == REASON
    paper.refresh_from_db()
    assert paper.title == "Attention Is All You Ned"
    assert not PaperRevision.objects.exists()
    assert "Waiting for a moderator." in response.content.decode()


def test_identifiers_and_authors_are_stored_as_the_paper_stores_them(client, paper, reader):
    data = form_data(
        client,
        paper,
        doi="https://doi.org/10.5555/3295222.3295349",
        authors="Ashish  Vaswani,Noam Shazeer, ",
    )

    client.post(correct_url(paper), data)

    # The authors' spacing is the paper's own form: no change there.
    assert PaperCorrection.objects.get().proposed == {"doi": "10.5555/3295222.3295349"}


def test_a_suggestion_that_changes_nothing_is_refused(client, paper, reader):
    response = client.post(correct_url(paper), form_data(client, paper))

    assert response.status_code == 400
    assert "This changes nothing" in response.content.decode()
    assert not PaperCorrection.objects.exists()


def test_an_invalid_identifier_is_refused_and_the_text_kept(client, paper, reader):
    data = form_data(client, paper, arxiv_id="not an id", title="Attention Is All You Need")

    response = client.post(correct_url(paper), data)

    assert response.status_code == 400
    html = unescape(response.content.decode())
    assert "Not an arXiv id" in html
    assert 'value="Attention Is All You Need"' in html
    assert REASON in html
    assert not PaperCorrection.objects.exists()


def test_an_identifier_of_another_paper_is_refused_by_name(client, paper, reader):
    other = make_paper("conf/test/Other", title="Another paper", doi="10.1000/taken")
    data = form_data(client, paper, doi="10.1000/TAKEN")

    response = client.post(correct_url(paper), data)

    assert response.status_code == 400
    html = unescape(response.content.decode())
    assert "This DOI belongs to another paper here: “Another paper” (conf/test/Other)" in html
    assert not PaperCorrection.objects.exists()
    assert other.doi == "10.1000/taken"


def test_a_reason_is_required_and_limited(client, paper, reader):
    missing = client.post(correct_url(paper), form_data(client, paper, reason="", venue="NeurIPS"))
    long = client.post(correct_url(paper), form_data(client, paper, reason="x" * 501, venue="N"))

    assert missing.status_code == long.status_code == 400
    assert "This field is required." in missing.content.decode()
    assert "The reason can be at most 500 characters long (it has 501)" in long.content.decode()
    assert not PaperCorrection.objects.exists()


def test_fields_over_the_papers_limits_are_refused(client, paper, reader):
    response = client.post(correct_url(paper), form_data(client, paper, title="t" * 501))

    assert response.status_code == 400
    assert "The title can be at most 500 characters long" in response.content.decode()


def test_a_field_left_alone_does_not_undo_a_change_made_meanwhile(client, paper, reader):
    data = form_data(client, paper, venue="ICML")
    Paper.objects.filter(pk=paper.pk).update(title="Attention Is All You Need")

    client.post(correct_url(paper), data)

    # The form still carried the old title, which the reader did not touch.
    assert PaperCorrection.objects.get().proposed == {"venue": "ICML"}


def test_a_change_someone_made_meanwhile_is_not_suggested_again(client, paper, reader):
    data = form_data(client, paper, title="Attention Is All You Need")
    Paper.objects.filter(pk=paper.pk).update(title="Attention Is All You Need")

    response = client.post(correct_url(paper), data)

    assert response.status_code == 400
    assert "The paper has these details already" in response.content.decode()


def test_logged_out_the_form_asks_to_log_in_and_keeps_the_text(client, paper):
    client.force_login(make_user("reader"))
    data = form_data(client, paper, title="Attention Is All You Need")
    client.logout()

    response = client.post(correct_url(paper), data)

    login = reverse("account_login")
    assert response.status_code == 302
    assert response["Location"].startswith(login)
    client.post(login, {"login": "reader", "password": PASSWORD})
    html = unescape(client.get(correct_url(paper)).content.decode())
    assert 'value="Attention Is All You Need"' in html
    assert REASON in html
    assert not PaperCorrection.objects.exists()


def test_an_unverified_user_is_refused_with_the_text_handed_back(client, paper):
    client.force_login(make_user("new", verified=False))
    data = form_data(client, paper, title="Attention Is All You Need")

    response = client.post(correct_url(paper), data)

    assert response.status_code == 403
    assert "Attention Is All You Need" in response.content.decode()
    assert not PaperCorrection.objects.exists()


def test_an_alias_of_the_paper_redirects_to_its_form(client, paper, reader):
    response = client.get(reverse("papers:suggest_correction", args=["arXiv:1706.03762"]))

    assert response.status_code == 301
    assert response["Location"] == correct_url(paper)


def test_an_unknown_paper_answers_404(client, reader):
    response = client.get(reverse("papers:suggest_correction", args=["conf/test/Nothing"]))

    assert response.status_code == 404


@override_settings(RATE_LIMITS={"correction": (2, 3600)})
def test_suggestions_are_rate_limited_with_the_text_kept(client, paper, reader):
    cache.clear()
    for venue in ("A", "B"):
        client.post(correct_url(paper), form_data(client, paper, venue=venue))

    response = client.post(correct_url(paper), form_data(client, paper, venue="NeurIPS"))

    assert response.status_code == 429
    html = unescape(response.content.decode())
    assert "You have sent many corrections in a short time" in html
    assert 'value="NeurIPS"' in html
    assert PaperCorrection.objects.count() == 2


# ---- The moderators' queue ----


def test_the_queue_is_for_staff_only(client, paper):
    url = reverse("papers:corrections")
    correction = _pending(paper)
    decide = reverse("papers:decide_correction", args=[correction.pk])

    assert client.get(url).status_code == 302
    assert client.post(decide, {"action": "accept"}).status_code == 302
    client.force_login(make_user("reader"))
    assert client.get(url).status_code == 404
    assert client.post(decide, {"action": "accept"}).status_code == 404
    assert client.get(decide).status_code == 405
    correction.refresh_from_db()
    assert correction.status == Status.PENDING


def _pending(paper, user=None, **proposed):
    proposed = proposed or {"title": "Attention Is All You Need"}
    return PaperCorrection.objects.create(
        paper=paper,
        suggested_by=user or make_user(),
        proposed=proposed,
        original={name: getattr(paper, name) for name in proposed},
        reason=REASON,
    )


def test_the_queue_shows_each_pending_correction_with_its_diff(client, paper):
    _pending(paper, user=make_user("ada"))
    decided = _pending(make_paper(title="Decided already"))
    corrections.reject(decided.pk, by=make_user())

    html = staff_client(client).get(reverse("papers:corrections")).content.decode()

    assert "<title>Corrections to papers" in html
    assert "Suggested by <a" in html and ">ada</a>" in html
    assert "Attention Is All You <del>Ned</del><ins>Need</ins>" in html
    assert REASON.replace("'", "&#x27;") in html
    assert "Decided already" not in html


def test_the_queue_says_when_it_is_empty(client):
    html = staff_client(client).get(reverse("papers:corrections")).content.decode()

    assert "No corrections are waiting." in html


def test_the_queue_marks_a_field_that_changed_since_the_suggestion(client, paper):
    _pending(paper)
    Paper.objects.filter(pk=paper.pk).update(title="Attention is all you need")

    html = unescape(staff_client(client).get(reverse("papers:corrections")).content.decode())

    assert "The paper changed since this was suggested" in html
    assert "When suggested, it read: <q>Attention Is All You Ned</q>" in html


def test_the_queue_pages_with_a_bounded_number_of_queries(client, paper):
    staff_client(client)
    url = reverse("papers:corrections")
    _pending(paper)
    few = queries_for(client, url)
    for _ in range(25):
        _pending(make_paper(), venue="Somewhere else")

    many = queries_for(client, url)
    html = client.get(url).content.decode()

    assert many == few
    assert html.count('class="correction-review') == 20
    assert 'data-pager="next"' in html


def test_accepting_applies_the_correction_and_records_history(client, paper):
    suggester = make_user("ada")
    correction = _pending(paper, user=suggester, title="Attention Is All You Need", year=2018)
    staff_client(client)

    response = client.post(
        reverse("papers:decide_correction", args=[correction.pk]), {"action": "accept"}, follow=True
    )

    assert messages_of(response) == ["Correction accepted: “Attention Is All You Need” is updated."]
    paper.refresh_from_db()
    assert (paper.title, paper.year) == ("Attention Is All You Need", 2018)
    assert paper.normalized_title == "attention is all you need"
    correction.refresh_from_db()
    assert correction.status == Status.ACCEPTED
    assert correction.decided_by.username == "moderator"
    assert correction.decided_at is not None
    revision = PaperRevision.objects.get()
    assert revision.source == PaperRevision.Source.CORRECTION
    assert revision.correction == correction
    assert revision.changed_by.username == "moderator"
    assert revision.changes == {
        "title": ["Attention Is All You Ned", "Attention Is All You Need"],
        "year": [2017, 2018],
    }
    # Re-indexed through the paper's save.
    assert Document.objects.get(kind="paper", object_id=paper.pk).title == paper.title


def test_accepting_re_renders_the_summaries_that_cite_the_paper(paper):
    citing = make_summary(body=r"As in \cite{conf/test/Attention17}, attention is enough.")
    correction = _pending(paper, title="Attention Is All You Need")

    corrections.accept(correction.pk, by=make_user(is_staff=True))

    citing.refresh_from_db()
    assert "Attention Is All You Need" in citing.body_html


def test_accepting_a_correction_whose_identifier_was_taken_since_is_refused(client, paper):
    correction = _pending(paper, doi="10.1000/x")
    make_paper(doi="10.1000/X")
    staff_client(client)

    response = client.post(
        reverse("papers:decide_correction", args=[correction.pk]), {"action": "accept"}, follow=True
    )

    assert messages_of(response)[0].startswith("This DOI belongs to another paper here")
    correction.refresh_from_db()
    assert correction.status == Status.PENDING
    paper.refresh_from_db()
    assert paper.doi == ""
    assert not PaperRevision.objects.exists()


def test_rejecting_leaves_the_paper_as_it_was(client, paper):
    correction = _pending(paper)
    staff_client(client)

    response = client.post(
        reverse("papers:decide_correction", args=[correction.pk]), {"action": "reject"}, follow=True
    )

    assert messages_of(response) == ["Correction rejected: the paper stays as it was."]
    correction.refresh_from_db()
    assert correction.status == Status.REJECTED
    paper.refresh_from_db()
    assert paper.title == "Attention Is All You Ned"
    assert not PaperRevision.objects.exists()


def test_a_correction_is_decided_once(client, paper):
    correction = _pending(paper)
    staff_client(client)
    url = reverse("papers:decide_correction", args=[correction.pk])
    client.post(url, {"action": "reject"}, follow=True)

    response = client.post(url, {"action": "accept"}, follow=True)

    assert messages_of(response) == ["This correction was rejected already."]
    paper.refresh_from_db()
    assert paper.title == "Attention Is All You Ned"


# ---- What the suggester sees ----


def test_the_suggester_sees_the_outcome_and_others_do_not(client, paper):
    ada = make_user("ada")
    correction = _pending(paper, user=ada)
    url = reverse("papers:correction", args=[correction.pk])
    corrections.accept(correction.pk, by=make_user(is_staff=True))

    client.force_login(ada)
    html = client.get(url).content.decode()
    assert "Accepted" in html and "The paper was corrected" in html
    mine = client.get(reverse("papers:own_corrections")).content.decode()
    assert "Attention Is All You Need" in mine and "Accepted" in mine
    client.force_login(make_user("somebody"))
    assert client.get(url).status_code == 404
    client.logout()
    assert client.get(url).status_code == 302


def test_the_own_list_says_when_there_is_nothing(client, reader):
    html = client.get(reverse("papers:own_corrections")).content.decode()

    assert "You have not suggested any corrections yet." in html


# ---- Trusted users ----


def _accepted_corrections(user, count):
    for _ in range(count):
        correction = _pending(make_paper(), user=user, venue="Elsewhere")
        corrections.accept(correction.pk, by=make_user(is_staff=True))


@override_settings(CORRECTIONS_TRUSTED_AFTER=2)
def test_a_trusted_user_applies_a_correction_at_once(client, paper, reader):
    _accepted_corrections(reader, 2)
    assert "Your corrections apply at once" in client.get(correct_url(paper)).content.decode()
    data = form_data(client, paper, title="Attention Is All You Need")

    response = client.post(correct_url(paper), data, follow=True)

    assert response.redirect_chain[-1][0] == paper.get_absolute_url()
    assert messages_of(response) == ["Thank you: your correction is applied."]
    paper.refresh_from_db()
    assert paper.title == "Attention Is All You Need"
    revision = PaperRevision.objects.get(paper=paper)
    assert revision.changed_by == reader
    assert revision.correction.status == Status.ACCEPTED
    assert revision.correction.decided_by == reader


@override_settings(CORRECTIONS_TRUSTED_AFTER=3)
def test_below_the_threshold_a_correction_waits(client, paper, reader):
    _accepted_corrections(reader, 2)

    client.post(correct_url(paper), form_data(client, paper, title="Attention Is All You Need"))

    paper.refresh_from_db()
    assert paper.title == "Attention Is All You Ned"
    assert PaperCorrection.objects.get(paper=paper).status == Status.PENDING


@override_settings(CORRECTIONS_TRUSTED_AFTER=0)
def test_with_the_setting_off_nobody_is_trusted(client, paper, reader):
    _accepted_corrections(reader, 5)

    client.post(correct_url(paper), form_data(client, paper, title="Attention Is All You Need"))

    paper.refresh_from_db()
    assert paper.title == "Attention Is All You Ned"
    assert PaperCorrection.objects.get(paper=paper).status == Status.PENDING


@override_settings(CORRECTIONS_TRUSTED_AFTER=1)
def test_a_trusted_users_stale_correction_waits_for_a_moderator(client, paper, reader):
    _accepted_corrections(reader, 1)
    data = form_data(client, paper, title="Attention: All You Need")
    Paper.objects.filter(pk=paper.pk).update(title="Attention Is All You Need")

    client.post(correct_url(paper), data)

    paper.refresh_from_db()
    assert paper.title == "Attention Is All You Need"
    assert PaperCorrection.objects.get(paper=paper).status == Status.PENDING


def test_a_summary_is_untouched_by_a_correction_of_its_paper(paper):
    summary = make_summary(paper=paper, is_private=True)
    correction = _pending(paper)

    corrections.accept(correction.pk, by=make_user(is_staff=True))

    assert Summary.objects.get(pk=summary.pk).is_private


def test_the_admin_lists_corrections_read_only(admin_client, paper):
    correction = _pending(paper)

    listing = admin_client.get("/admin/papers/papercorrection/")
    change = admin_client.get(f"/admin/papers/papercorrection/{correction.pk}/change/")

    assert listing.status_code == change.status_code == 200
    assert "Attention Is All You Ned" in listing.content.decode()
    assert admin_client.get("/admin/papers/papercorrection/add/").status_code == 403
