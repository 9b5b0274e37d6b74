"""Video previews: nothing is asked of YouTube or Vimeo until the reader clicks, and then
only their player, for the one video the text named.

No request leaves the machine: every one to another origin is logged and aborted, and
the player is checked by its frame's attributes, never loaded.
"""

import pytest
from playwright.sync_api import expect

from tests.factories import make_paper, make_summary

pytestmark = pytest.mark.browser

YOUTUBE_ID = "dQw4w9WgXcQ"
VIMEO_ID = "76979871"
BODY = (
    "A talk about the paper:\n\n"
    f"https://www.youtube.com/watch?v={YOUTUBE_ID}&t=42s\n\n"
    "and a demo:\n\n"
    f"https://vimeo.com/{VIMEO_ID}\n\n"
    f"In a sentence, https://youtu.be/{YOUTUBE_ID} stays a link."
)


@pytest.fixture
def summary(db):
    return make_summary(paper=make_paper(), body=BODY)


@pytest.fixture
def outside_requests(page, live_server):
    """Every request the page makes to another origin, each aborted."""
    requests = []

    def abort_outside(route):
        if route.request.url.startswith(live_server.url):
            route.continue_()
        else:
            requests.append(route.request.url)
            route.abort()

    page.context.route("**/*", abort_outside)
    return requests


def test_preview_asks_nothing_of_the_video_site_before_the_click(
    live_server, page, summary, outside_requests
):
    page.goto(f"{live_server.url}{summary.get_absolute_url()}")
    page.wait_for_load_state("networkidle")
    previews = page.locator("a.video-preview")
    expect(previews).to_have_count(2)
    expect(previews.first).to_be_visible()
    expect(page.locator("iframe")).to_have_count(0)
    assert outside_requests == []

    youtube = previews.nth(0)
    expect(youtube).to_have_accessible_name(
        f"YouTube video: https://www.youtube.com/watch?v={YOUTUBE_ID}&t=42s"
    )
    youtube.click()
    frame = page.locator("iframe.video-frame")
    expect(frame).to_have_count(1)
    expect(frame).to_have_attribute(
        "src", f"https://www.youtube-nocookie.com/embed/{YOUTUBE_ID}?autoplay=1"
    )
    expect(frame).to_have_attribute("sandbox", "allow-scripts allow-same-origin allow-presentation")
    expect(frame).to_have_attribute(
        "allow", "autoplay; fullscreen; picture-in-picture; encrypted-media"
    )
    expect(frame).to_have_attribute("referrerpolicy", "strict-origin-when-cross-origin")
    expect(frame).to_have_attribute("loading", "lazy")
    expect(frame).to_have_attribute("title", "YouTube video")
    expect(previews).to_have_count(1)  # the Vimeo one waits for its own click

    page.locator("a.video-preview").click()
    expect(page.locator("iframe.video-frame").nth(1)).to_have_attribute(
        "src", f"https://player.vimeo.com/video/{VIMEO_ID}?autoplay=1"
    )
    # The only requests that left: the two players, after their clicks.
    page.wait_for_timeout(200)
    assert {url.split("?")[0] for url in outside_requests} <= {
        f"https://www.youtube-nocookie.com/embed/{YOUTUBE_ID}",
        f"https://player.vimeo.com/video/{VIMEO_ID}",
    }


def test_a_tampered_preview_frames_nothing(live_server, page, summary, outside_requests):
    page.goto(f"{live_server.url}{summary.get_absolute_url()}")
    # As if the stored HTML had been altered: video.js checks the id again.
    page.locator("a.video-preview").first.evaluate(
        "(link) => { link.dataset.videoId = 'x\"><script>'; link.href = '#tampered'; }"
    )
    page.locator("a.video-preview").first.click()
    expect(page.locator("iframe")).to_have_count(0)
    assert page.url.endswith("#tampered")  # it stayed a link
    assert outside_requests == []


def test_without_javascript_a_preview_is_a_plain_link(live_server, js_disabled_page, summary):
    page = js_disabled_page
    page.goto(f"{live_server.url}{summary.get_absolute_url()}")
    link = page.get_by_role("link", name=f"Vimeo video: https://vimeo.com/{VIMEO_ID}")
    expect(link).to_have_attribute("href", f"https://vimeo.com/{VIMEO_ID}")
    expect(page.locator("iframe")).to_have_count(0)
