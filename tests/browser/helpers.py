"""Steps shared by the browser tests, done the way a user does them."""

import re

from playwright.sync_api import expect

from tests.factories import PASSWORD


def log_in(page, live_server, username, password=PASSWORD, next_url=""):
    """Log in through the login form, as a person would; lands on `next_url` or the feed."""
    query = f"?next={next_url}" if next_url else ""
    page.goto(f"{live_server.url}/accounts/login/{query}")
    fill_login_form(page, username, password)
    # On a narrow screen the link to the user's profile is in the folded menu: there, not
    # shown until the menu is opened.
    user = nav(page).get_by_role("link", name=username, exact=True, include_hidden=True)
    expect(user).to_have_count(1)


def field(page, label):
    """The form field with exactly this label; crispy marks required ones with a "*"."""
    return page.get_by_label(re.compile(rf"^\s*{re.escape(label)}\s*\*?\s*$"))


def fill_login_form(page, username, password=PASSWORD):
    field(page, "Username or e-mail").fill(username)
    field(page, "Password").fill(password)
    page.get_by_role("button", name="Log in").click()


def nav(page):
    return page.get_by_role("navigation", name="Main")


# What a form page posts in the background while one writes: the preview and the
# saved draft. Not submissions: a test that counts a form's posts leaves them out.
BACKGROUND_POSTS = re.compile(r"/summaries/(preview|drafts/\d+)/$")


def form_posts(page):
    """The POST requests the page sends from now on, background ones left out (a list
    that fills as they are sent)."""
    posts = []

    def seen(request):
        if request.method == "POST" and not BACKGROUND_POSTS.search(request.url.split("?")[0]):
            posts.append(request)

    page.on("request", seen)
    return posts
