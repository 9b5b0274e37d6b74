"""Writing on the site: summaries (preview, publish, edit, delete), comments, profiles."""

import re
from datetime import UTC, datetime, timedelta

import pytest
from playwright.sync_api import expect

from summaries.models import Comment, Summary
from tests.browser.helpers import field, fill_login_form, form_posts, log_in, nav
from tests.factories import make_comment, make_paper, make_summary, make_user, summary_text

pytestmark = pytest.mark.browser

MATH_TEXT = (
    "The score is $a_i * b_i$, summed over every item of the batch:\n\n$$\\sum_{i=1}^n x_i$$\n\n"
    "Nothing else enters the loss. That is all."
)
BETTER = summary_text("A better summary: $x^2$.")


def write_url(live_server, paper):
    return f"{live_server.url}/summaries/write/{paper.bibtex_key}/"


def paper_url(live_server, paper):
    return f"{live_server.url}{paper.get_absolute_url()}"


def open_write_form(page, live_server, paper):
    page.goto(paper_url(live_server, paper))
    page.get_by_role("link", name="Write a summary").click()
    expect(page).to_have_url(write_url(live_server, paper))


def summary_article(page, anchor):
    return page.locator(f"article.summary[id='{anchor}']")


def status(page):
    return page.get_by_role("status")


def test_preview_publish_and_edit_a_summary_with_math(live_server, page):
    paper = make_paper("conf/nips/RenHGS15")
    make_user("ada")
    log_in(page, live_server, "ada")
    open_write_form(page, live_server, paper)

    field(page, "Summary").fill(MATH_TEXT)
    page.get_by_role("button", name="Preview").click()

    preview = page.locator("#preview")
    expect(preview.locator(".katex").first).to_be_visible()
    expect(preview.locator(".katex-display")).to_be_visible()
    expect(field(page, "Summary")).to_have_value(MATH_TEXT)
    assert not Summary.objects.exists()

    page.get_by_role("button", name="Publish").click()

    expect(page).to_have_url(f"{paper_url(live_server, paper)}#ada")
    expect(status(page)).to_have_text("Summary published.")
    assert page.evaluate("document.querySelector(':target')?.id") == "ada"
    article = summary_article(page, "ada")
    expect(article.locator(".summary-body .katex").first).to_be_visible()
    expect(article.locator(".summary-body .katex-display")).to_be_visible()
    expect(article).to_contain_text("That is all.")

    article.get_by_role("link", name="Edit").click()
    expect(page.get_by_role("heading", name="Edit your summary")).to_be_visible()
    expect(field(page, "Summary")).to_have_value(MATH_TEXT)
    field(page, "Summary").fill(BETTER)
    page.get_by_role("button", name="Save").click()

    expect(page).to_have_url(f"{paper_url(live_server, paper)}#ada")
    expect(status(page)).to_have_text("Summary saved.")
    expect(summary_article(page, "ada")).to_contain_text("A better summary")
    expect(summary_article(page, "ada")).not_to_contain_text("That is all.")
    assert Summary.objects.get().body == BETTER


def test_double_click_on_publish_posts_once(live_server, page):
    paper = make_paper()
    make_user("ada")
    log_in(page, live_server, "ada")
    page.goto(write_url(live_server, paper))
    field(page, "Summary").fill(summary_text("Written once, clicked twice."))
    posts = form_posts(page)

    page.get_by_role("button", name="Publish").dblclick()

    expect(page).to_have_url(f"{paper_url(live_server, paper)}#ada")
    # A second post would have answered "Summary saved." for the row the first one made.
    expect(status(page)).to_have_text("Summary published.")
    assert len(posts) == 1
    assert Summary.objects.filter(paper=paper).count() == 1


def test_private_summary_is_seen_by_its_author_only(live_server, page, browser):
    paper = make_paper(title="A paper with private notes")
    make_user("ada")
    log_in(page, live_server, "ada")
    page.goto(write_url(live_server, paper))
    field(page, "Summary").fill(summary_text("My private notes."))
    field(page, "Private").check()
    page.get_by_role("button", name="Publish").click()

    expect(page).to_have_url(f"{paper_url(live_server, paper)}#ada")
    article = summary_article(page, "ada")
    expect(article).to_contain_text("My private notes.")
    expect(article).to_contain_text("private: only you can see it")

    stranger = browser.new_context()
    try:
        other = stranger.new_page()
        other.goto(live_server.url)
        expect(other.get_by_text("No summaries yet.")).to_be_visible()
        expect(other.get_by_text("A paper with private notes")).to_have_count(0)
        other.goto(paper_url(live_server, paper))
        expect(other.get_by_text("Nobody has summarized this paper yet.")).to_be_visible()
        expect(other.get_by_text("My private notes.")).to_have_count(0)
    finally:
        stranger.close()


def test_anonymous_summary_does_not_name_its_author(live_server, page, browser):
    paper = make_paper()
    make_user("hannah")
    log_in(page, live_server, "hannah")
    page.goto(write_url(live_server, paper))
    field(page, "Summary").fill(summary_text("Said without a name."))
    field(page, "Anonymous").check()
    page.get_by_role("button", name="Publish").click()

    summary = Summary.objects.get()
    anchor = f"anonymous-{summary.pk}"
    expect(page).to_have_url(f"{paper_url(live_server, paper)}#{anchor}")
    article = summary_article(page, anchor)
    expect(article.locator(".byline")).to_have_text("Anonymous")
    expect(article).not_to_contain_text("hannah")
    expect(page.locator("[id='hannah']")).to_have_count(0)

    stranger = browser.new_context()
    try:
        other = stranger.new_page()
        other.goto(paper_url(live_server, paper))
        article = summary_article(other, anchor)
        expect(article).to_contain_text("Said without a name.")
        expect(article.locator(".byline")).to_have_text("Anonymous")
        expect(other.get_by_role("main")).not_to_contain_text("hannah")
    finally:
        stranger.close()


def test_delete_own_summary_after_confirming(live_server, page):
    ada = make_user("ada")
    summary = make_summary(author=ada, body="Soon to be gone.")
    log_in(page, live_server, "ada")
    page.goto(paper_url(live_server, summary.paper))

    summary_article(page, "ada").get_by_role("link", name="Delete").click()
    expect(page).to_have_url(f"{live_server.url}/summaries/{summary.pk}/delete/")
    expect(page.get_by_role("heading", name="Delete your summary?")).to_be_visible()
    page.get_by_role("button", name="Delete").click()

    expect(page).to_have_url(paper_url(live_server, summary.paper))
    expect(status(page)).to_have_text("Your summary was deleted.")
    expect(page.get_by_text("Soon to be gone.")).to_have_count(0)
    assert not Summary.objects.exists()


def test_someone_elses_delete_page_is_refused(live_server, page):
    summary = make_summary(author=make_user("ada"))
    make_user("mallory")
    log_in(page, live_server, "mallory")

    response = page.goto(f"{live_server.url}/summaries/{summary.pk}/delete/")

    assert response.status == 403
    expect(page.get_by_role("heading", name="You can't do that")).to_be_visible()
    expect(page.get_by_role("button", name="Delete")).to_have_count(0)
    assert Summary.objects.filter(pk=summary.pk).exists()


def test_blank_summary_is_refused_with_an_error(live_server, page):
    paper = make_paper()
    make_user("ada")
    log_in(page, live_server, "ada")
    page.goto(write_url(live_server, paper))
    textarea = field(page, "Summary")

    # Entirely empty: the browser itself refuses to send the form.
    page.get_by_role("button", name="Publish").click()
    assert textarea.evaluate("el => el.validity.valueMissing")
    expect(page).to_have_url(write_url(live_server, paper))

    # Only spaces get past the browser; the server answers with the form and an error.
    textarea.fill("   \n  ")
    page.get_by_role("button", name="Publish").click()
    expect(page.locator("#div_id_body")).to_contain_text("This field is required.")
    assert not Summary.objects.exists()


def test_oversized_summary_is_refused_and_the_text_kept(live_server, page):
    paper = make_paper()
    make_user("ada")
    log_in(page, live_server, "ada")
    page.goto(write_url(live_server, paper))
    text = "x" * 100_001

    field(page, "Summary").fill(text)
    page.get_by_role("button", name="Publish").click()

    expect(page.locator("#div_id_body")).to_contain_text(
        "Ensure this value has at most 100000 characters (it has 100001)."
    )
    assert field(page, "Summary").evaluate("el => el.value.length") == 100_001
    assert not Summary.objects.exists()


def test_expired_session_while_writing_keeps_the_text_across_login(live_server, page):
    paper = make_paper()
    make_user("ada")
    log_in(page, live_server, "ada")
    page.goto(write_url(live_server, paper))
    text = summary_text("A long thought, written while the session ran out.")
    field(page, "Summary").fill(text)

    # Drop only the session: the CSRF cookie stays, as it would when a session expires.
    context = page.context
    cookies = context.cookies()
    assert any(cookie["name"] == "sessionid" for cookie in cookies)
    context.clear_cookies()
    context.add_cookies([cookie for cookie in cookies if cookie["name"] != "sessionid"])

    page.get_by_role("button", name="Publish").click()

    expect(page).to_have_url(re.compile(r"/accounts/login/\?next="))
    expect(status(page)).to_contain_text("Your session had ended")
    assert not Summary.objects.exists()

    fill_login_form(page, "ada")
    expect(page).to_have_url(write_url(live_server, paper))
    expect(field(page, "Summary")).to_have_value(text)

    page.get_by_role("button", name="Publish").click()
    expect(page).to_have_url(f"{paper_url(live_server, paper)}#ada")
    assert Summary.objects.get().body == text


def test_comment_on_a_summary_then_delete_it(live_server, page):
    summary = make_summary(author=make_user("ada"), body="A summary worth discussing.")
    make_user("bob")
    log_in(page, live_server, "bob")
    page.goto(paper_url(live_server, summary.paper))

    summary_article(page, "ada").get_by_role("link", name="Add a comment").click()
    expect(page).to_have_url(f"{live_server.url}/summaries/{summary.pk}/#comment-form")
    field(page, "Your comment").fill("Does this hold for $n > 2$?")
    page.get_by_role("button", name="Comment", exact=True).click()

    comment = Comment.objects.get()
    expect(page).to_have_url(f"{live_server.url}{comment.get_absolute_url()}")
    on_summary_page = page.locator(f"#comment-{comment.pk}")
    expect(on_summary_page).to_contain_text("Does this hold for")
    expect(on_summary_page).to_contain_text("bob")
    expect(summary_article(page, "ada").get_by_role("heading", name="1 comment")).to_be_visible()

    page.goto(paper_url(live_server, summary.paper))
    on_paper_page = summary_article(page, "ada").locator(f"#comment-{comment.pk}")
    expect(on_paper_page).to_contain_text("Does this hold for")

    posts = []
    page.on("request", lambda request: posts.append(request) if request.method == "POST" else None)
    dialogs = []

    def dismiss(dialog):
        dialogs.append(dialog.message)
        dialog.dismiss()

    page.once("dialog", dismiss)
    on_paper_page.get_by_role("button", name="Delete").click()
    expect(on_paper_page).to_be_visible()
    assert dialogs == ["Delete this comment?"]

    page.once("dialog", lambda dialog: dialog.accept())
    on_paper_page.get_by_role("button", name="Delete").click()

    expect(status(page)).to_have_text("Your comment was deleted.")
    expect(page).to_have_url(re.compile(rf"/summaries/{summary.pk}/"))
    expect(page.locator(f"#comment-{comment.pk}")).to_have_count(0)
    expect(page.get_by_text("Does this hold for")).to_have_count(0)
    assert len(posts) == 1
    assert Comment.objects.get().is_gone


def test_comments_show_oldest_first(live_server, page):
    summary = make_summary(author=make_user("ada"))
    start = datetime(2024, 5, 1, 9, 0, tzinfo=UTC)
    # Made in the opposite order to their dates, so the order shown must come from the dates.
    for hours, body in [(3, "Third remark."), (2, "Second remark."), (1, "First remark.")]:
        comment = make_comment(summary, body=body)
        Comment.objects.filter(pk=comment.pk).update(created_at=start + timedelta(hours=hours))
    expected = ["First remark.", "Second remark.", "Third remark."]

    page.goto(f"{live_server.url}/summaries/{summary.pk}/")
    assert page.locator(".comment .comment-body").all_inner_texts() == expected

    page.goto(paper_url(live_server, summary.paper))
    bodies = summary_article(page, "ada").locator(".comment .comment-body")
    assert bodies.all_inner_texts() == expected


def test_profile_lists_only_public_signed_summaries(live_server, page):
    ada = make_user("ada")
    make_summary(author=ada, paper=make_paper(title="Signed and public"))
    make_summary(author=ada, paper=make_paper(title="Kept private"), is_private=True)
    make_summary(author=ada, paper=make_paper(title="Published anonymously"), is_anonymous=True)
    make_summary(paper=make_paper(title="Someone else's paper"))

    page.goto(f"{live_server.url}/user/ada/")
    expect(page.get_by_role("heading", name="ada", level=1)).to_be_visible()
    items = page.locator("article.feed-item")
    expect(items).to_have_count(1)
    expect(items).to_contain_text("Signed and public")
    main = page.get_by_role("main")
    for title in ["Kept private", "Published anonymously", "Someone else's paper"]:
        expect(main).not_to_contain_text(title)

    make_user("bob")
    log_in(page, live_server, "bob", next_url="/user/ada/")
    expect(items).to_have_count(1)
    expect(main).not_to_contain_text("Kept private")
    expect(main).not_to_contain_text("Published anonymously")

    nav(page).get_by_role("button", name="Log out").click()
    log_in(page, live_server, "ada", next_url="/user/ada/")
    expect(items).to_have_count(1)
    hidden = page.get_by_role("region", name="Only you see these")
    expect(hidden).to_contain_text("Kept private")
    expect(hidden).to_contain_text("Published anonymously")
