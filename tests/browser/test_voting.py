"""Voting on summaries: in place with JavaScript, by a plain form post without it."""

import re

import pytest
from playwright.sync_api import expect

from summaries.models import Summary, Vote
from tests.browser.helpers import fill_login_form, log_in
from tests.factories import make_paper, make_summary, make_user

pytestmark = pytest.mark.browser


@pytest.fixture
def summary():
    """ada's summary of a paper, which grace (who has an account too) will vote on."""
    make_user("grace")
    return make_summary(paper=make_paper(), author=make_user("ada"), body="Worth a vote.")


def paper_url(live_server, summary):
    return f"{live_server.url}{summary.paper.get_absolute_url()}"


def votes_of(page, anchor):
    article = page.locator(f"article.summary[id='{anchor}']")
    return {
        "up": article.get_by_role("button", name="Vote up"),
        "down": article.get_by_role("button", name="Vote down"),
        "score": article.locator("[data-vote-score]"),
        "announce": article.locator("[data-vote-announce]"),
        "error": article.locator("[data-vote-error]"),
    }


def stored_score(summary):
    return Summary.objects.values_list("score", flat=True).get(pk=summary.pk)


def test_vote_in_place_switch_and_take_back(live_server, page, summary):
    log_in(page, live_server, "grace")
    page.goto(paper_url(live_server, summary))
    # Survives only as long as the page is not reloaded.
    page.evaluate("window.stillTheSamePage = true")
    vote = votes_of(page, "ada")
    expect(vote["up"]).to_have_attribute("aria-pressed", "false")

    vote["up"].click()
    expect(vote["score"]).to_have_text("1")
    expect(vote["up"]).to_have_attribute("aria-pressed", "true")
    expect(vote["down"]).to_have_attribute("aria-pressed", "false")
    expect(vote["announce"]).to_have_text("Score 1. You voted up.")
    assert stored_score(summary) == 1

    vote["down"].click()
    expect(vote["score"]).to_have_text("-1")
    expect(vote["up"]).to_have_attribute("aria-pressed", "false")
    expect(vote["down"]).to_have_attribute("aria-pressed", "true")

    vote["down"].click()
    expect(vote["score"]).to_have_text("0")
    expect(vote["down"]).to_have_attribute("aria-pressed", "false")
    expect(vote["announce"]).to_have_text("Score 0. No vote from you.")

    assert page.evaluate("window.stillTheSamePage") is True
    expect(page).to_have_url(paper_url(live_server, summary))
    assert stored_score(summary) == 0
    assert not Vote.objects.exists()


def test_vote_without_javascript_lands_back_on_the_summary(live_server, js_disabled_page, summary):
    page = js_disabled_page
    log_in(page, live_server, "grace")
    page.goto(paper_url(live_server, summary))

    votes_of(page, "ada")["up"].click()

    expect(page).to_have_url(f"{paper_url(live_server, summary)}#ada")
    vote = votes_of(page, "ada")
    expect(vote["score"]).to_have_text("1")
    expect(vote["up"]).to_have_attribute("aria-pressed", "true")
    assert page.evaluate("document.querySelector(':target')?.id") == "ada"

    vote["up"].click()

    expect(page).to_have_url(f"{paper_url(live_server, summary)}#ada")
    vote = votes_of(page, "ada")
    expect(vote["score"]).to_have_text("0")
    expect(vote["up"]).to_have_attribute("aria-pressed", "false")
    assert not Vote.objects.exists()


def test_logged_out_reader_logs_in_and_comes_back(live_server, page, summary):
    page.goto(paper_url(live_server, summary))
    # No vote form for visitors (it would set a CSRF cookie on every page): a link.
    expect(page.locator("form[data-vote]")).to_have_count(0)

    page.get_by_role("link", name="Log in to vote on the summary by ada").click()

    expect(page).to_have_url(re.compile(r"/accounts/login/\?next="))
    assert not Vote.objects.exists()
    fill_login_form(page, "grace")
    expect(page).to_have_url(f"{paper_url(live_server, summary)}#ada")
    votes_of(page, "ada")["up"].click()
    expect(votes_of(page, "ada")["score"]).to_have_text("1")


def test_refused_vote_says_so(live_server, page, summary, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "vote": (1, 600)}
    log_in(page, live_server, "grace")
    page.goto(paper_url(live_server, summary))
    vote = votes_of(page, "ada")

    vote["up"].click()
    expect(vote["score"]).to_have_text("1")
    vote["down"].click()

    expect(vote["error"]).to_have_text(
        "Too many votes in a short time. Try again in a few minutes."
    )
    expect(vote["error"]).to_be_visible()
    expect(vote["score"]).to_have_text("1")
    expect(vote["up"]).to_have_attribute("aria-pressed", "true")
    assert stored_score(summary) == 1


def test_author_sees_the_score_but_no_buttons(live_server, page, summary):
    Summary.objects.filter(pk=summary.pk).update(score=7)
    log_in(page, live_server, "ada")
    page.goto(paper_url(live_server, summary))
    article = page.locator("article.summary[id='ada']")
    expect(article.locator(".summary-score")).to_have_text("Score: 7")
    expect(article.get_by_role("button", name=re.compile("Vote"))).to_have_count(0)
