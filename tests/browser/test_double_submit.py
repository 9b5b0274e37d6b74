"""Double submits and retries in the browser: stored once when the user meant once, and
twice when they meant twice (summaries/idempotency.py, static/js/votes.js)."""

import re
import uuid

import pytest
from playwright.sync_api import expect

from summaries.models import Comment, IdempotencyKey, Summary, Vote
from tests.browser.helpers import field, log_in
from tests.factories import make_comment, make_summary, make_user

pytestmark = pytest.mark.browser


@pytest.fixture
def summary():
    """ada's summary, on which grace comments and votes."""
    make_user("grace")
    return make_summary(author=make_user("ada"), body="Worth a word.")


def posts_to(page, path):
    """The POST requests the page sends to `path`, as a list that fills as they go."""
    posts = []

    def seen(request):
        if request.method == "POST" and request.url.split("?")[0].endswith(path):
            posts.append(request)

    page.on("request", seen)
    return posts


def posted_key(request):
    """The idempotency key in a post's body, sent as a form or as multipart FormData."""
    found = re.search(r'idempotency_key"?(?:\r\n\r\n|=)([0-9a-f-]{36})', request.post_data)
    return found[1] if found else None


def vote_controls(page):
    article = page.locator("article.summary[id='ada']")
    return {
        "up": article.get_by_role("button", name="Vote up"),
        "score": article.locator("[data-vote-score]"),
        "announce": article.locator("[data-vote-announce]"),
    }


def stored_vote(summary):
    return (
        Summary.objects.values_list("score", flat=True).get(pk=summary.pk),
        Vote.objects.filter(summary=summary).values_list("value", flat=True).first(),
    )


def test_double_click_on_comment_stores_one_comment(live_server, page, summary):
    log_in(page, live_server, "grace")
    page.goto(f"{live_server.url}{summary.get_absolute_url()}")
    field(page, "Your comment").fill("Said once, clicked twice.")

    page.get_by_role("button", name="Comment").dblclick()

    expect(page).to_have_url(re.compile(rf"/summaries/{summary.pk}/\?comment=(\d+)#comment-\1$"))
    expect(page.get_by_role("heading", name="1 comment")).to_be_visible()
    assert Comment.objects.filter(summary=summary).count() == 1


def test_each_reply_form_opened_in_place_has_its_own_key(live_server, page, summary):
    first, second = (make_comment(summary, author=make_user()) for _ in range(2))
    log_in(page, live_server, "grace")
    page.goto(f"{live_server.url}{summary.get_absolute_url()}")
    comment_key = page.locator("#comment-form [name=idempotency_key]").input_value()

    keys = []
    for comment in (first, second):
        page.locator(f"#comment-{comment.pk}").get_by_role("link", name="Reply").click()
        form = page.locator(f"#reply-form-{comment.pk}")
        keys.append(form.locator("[name=idempotency_key]").input_value())
        form.get_by_role("button", name="Cancel").click()
    # Reopened, a form keeps its key with its text: it has not been sent yet.
    page.locator(f"#comment-{first.pk}").get_by_role("link", name="Reply").click()
    reopened = page.locator(f"#reply-form-{first.pk} [name=idempotency_key]").input_value()

    assert all(re.fullmatch(r"[0-9a-f]{8}(-[0-9a-f]{4}){3}-[0-9a-f]{12}", key) for key in keys)
    assert len({comment_key, *keys}) == 3
    assert reopened == keys[0]

    field(page.locator(f"#reply-form-{first.pk}"), "Your reply").fill("Agreed.")
    page.locator(f"#reply-form-{first.pk}").get_by_role("button", name="Reply").click()
    expect(page).to_have_url(re.compile(rf"/summaries/{summary.pk}/\?comment=(\d+)#comment-\1$"))
    assert Comment.objects.get(parent=first).body == "Agreed."


def test_two_quick_vote_clicks_are_two_votes(live_server, page, summary):
    log_in(page, live_server, "grace")
    page.goto(f"{live_server.url}{summary.paper.get_absolute_url()}")
    posts = posts_to(page, f"/summaries/{summary.pk}/vote/")
    vote = vote_controls(page)

    # The second click comes while the first vote is on its way: it takes that vote back,
    # as two clicks without JavaScript would.
    vote["up"].dblclick()

    expect(vote["announce"]).to_have_text("Score 0. No vote from you.")
    expect(vote["up"]).to_have_attribute("aria-pressed", "false")
    assert stored_vote(summary) == (0, None)
    assert len(posts) == 2
    keys = {posted_key(post) for post in posts}
    assert None not in keys
    assert len(keys) == 2


def test_vote_whose_answer_was_lost_is_retried_without_being_taken_back(live_server, page, summary):
    """The vote reaches the server and is stored, but its answer is lost (a proxy's 503):
    votes.js sends the same post again, with the same key, and the vote stays cast."""
    log_in(page, live_server, "grace")
    page.goto(f"{live_server.url}{summary.paper.get_absolute_url()}")
    posts = posts_to(page, f"/summaries/{summary.pk}/vote/")
    lost = []

    def lose_first_answer(route):
        if lost:
            route.continue_()
            return
        lost.append(route.fetch())
        route.fulfill(status=503, content_type="text/html", body="<p>Back in a moment</p>")

    page.route(f"**/summaries/{summary.pk}/vote/", lose_first_answer)
    vote = vote_controls(page)
    vote["up"].click()

    expect(vote["announce"]).to_have_text("Score 1. You voted up.")
    expect(vote["up"]).to_have_attribute("aria-pressed", "true")
    assert lost[0].status == 200
    assert stored_vote(summary) == (1, Vote.UP)
    assert len(posts) == 2
    assert posted_key(posts[0]) is not None
    assert posted_key(posts[0]) == posted_key(posts[1])


def test_vote_posted_again_by_reloading_after_a_lost_answer_counts_once(
    live_server, js_disabled_page, summary
):
    """Without JavaScript: the vote is stored but the connection drops before its answer
    arrives. Reloading the browser's error page posts the same form again, key and all,
    and the vote stays cast rather than being taken back."""
    page = js_disabled_page
    log_in(page, live_server, "grace")
    paper_url = f"{live_server.url}{summary.paper.get_absolute_url()}"
    page.goto(paper_url)
    posts = posts_to(page, f"/summaries/{summary.pk}/vote/")
    lost = []

    def lose_first_answer(route):
        if lost:
            route.continue_()
            return
        lost.append(route.fetch())
        route.abort("connectionreset")

    page.route(f"**/summaries/{summary.pk}/vote/", lose_first_answer)
    vote_controls(page)["up"].click()
    expect(page).to_have_url(re.compile("^chrome-error://"))
    assert stored_vote(summary) == (1, Vote.UP)

    page.reload()

    expect(page).to_have_url(f"{paper_url}#ada")
    expect(vote_controls(page)["up"]).to_have_attribute("aria-pressed", "true")
    assert stored_vote(summary) == (1, Vote.UP)
    assert len(posts) == 2
    assert posted_key(posts[0]) is not None
    assert posted_key(posts[0]) == posted_key(posts[1])


def test_vote_key_is_made_without_crypto_random_uuid(live_server, page, summary):
    # randomUUID exists only in secure contexts (https, localhost); elsewhere votes.js
    # builds the key from getRandomValues.
    page.add_init_script(
        "Object.defineProperty(Crypto.prototype, 'randomUUID', {value: undefined})"
    )
    log_in(page, live_server, "grace")
    page.goto(f"{live_server.url}{summary.paper.get_absolute_url()}")
    posts = posts_to(page, f"/summaries/{summary.pk}/vote/")
    vote = vote_controls(page)

    vote["up"].click()

    expect(vote["announce"]).to_have_text("Score 1. You voted up.")
    assert re.fullmatch(
        r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}", posted_key(posts[0])
    )
    assert IdempotencyKey.objects.get().key == uuid.UUID(posted_key(posts[0]))
