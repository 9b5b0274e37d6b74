"""Serving stored figures (figures.views.serve) and showing them in summaries."""

import pytest
from django.test import Client
from django.urls import reverse

from figures.models import Figure
from markup.render import render
from tests.factories import make_paper, make_summary, make_user, summary_text

from .images import diagram_png, encoded, photo, upload

pytestmark = pytest.mark.django_db
UPLOAD_URL = reverse("figures:upload")


def add_figure(client, content, name="figure.png"):
    response = client.post(
        UPLOAD_URL, {"image": upload(content, name)}, HTTP_ACCEPT="application/json"
    )
    assert response.status_code == 200, response.content
    return response.json()


def test_a_figure_is_served_as_an_immutable_image_with_nothing_else_allowed(
    client, ada, media, django_assert_num_queries
):
    png = add_figure(client, diagram_png())
    jpeg = add_figure(client, encoded(photo((30, 20)), "PNG"))
    visitor = Client()
    for answer, content_type in ((png, "image/png"), (jpeg, "image/jpeg")):
        with django_assert_num_queries(0):
            response = visitor.get(answer["url"])
        assert response.status_code == 200
        assert response["Content-Type"] == content_type
        assert response["Cache-Control"] == "public, max-age=31536000, immutable"
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Content-Security-Policy"] == "default-src 'none'"
        assert "Set-Cookie" not in response and "Cookie" not in response.get("Vary", "")
        name = answer["url"].rsplit("/", 1)[1]
        assert b"".join(response.streaming_content) == (media / "figures" / name).read_bytes()
        assert int(response["Content-Length"]) == Figure.objects.get(name=name).bytes
    assert visitor.head(png["url"]).status_code == 200
    assert visitor.post(png["url"]).status_code == 405


@pytest.mark.parametrize(
    "path",
    [
        "/media/figures/0123456789abcdef0123456789abcdef.png",  # well formed, not stored
        "/media/figures/0123456789ABCDEF0123456789ABCDEF.png",
        "/media/figures/0123456789abcdef0123456789abcdef.svg",
        "/media/figures/..%2F..%2Fsettings.py",
        "/media/figures/",
        "/media/other.png",
    ],
)
def test_anything_else_under_media_is_not_found(client, media, path):
    assert client.get(path).status_code == 404


def test_a_summary_shows_its_figures_like_any_image(client, ada):
    url = add_figure(client, diagram_png(), "attention map.png")["url"]
    html = render(f"Before.\n\n![attention map]({url})\n\nAfter.", flavor="summary")
    assert f'<img alt="attention map" loading="lazy" src="{url}">' in html
    # Published, it shows on the summary's page, which allows images from the site.
    summary = make_summary(
        author=ada, body=summary_text(f"A summary with a figure.\n\n![attention map]({url})\n")
    )
    page = client.get(summary.get_absolute_url())
    assert f'src="{url}"' in page.content.decode()
    assert "'self'" in page["Content-Security-Policy"].split("img-src")[1].split(";")[0]


@pytest.mark.parametrize(
    "source",
    [
        "/media/figures/0123456789abcdef0123456789abcdef.gif",
        "/media/figures/../../admin/",
        "/media/figures/0123456789abcdef0123456789abcdef.png?x=1",
        "/summaries/1/delete/",
        "//evil.example/media/figures/0123456789abcdef0123456789abcdef.png",
        "javascript:alert(1)",
    ],
)
def test_no_other_relative_address_is_an_image(source):
    assert "<img" not in render(f"![x]({source})", flavor="summary")
    # Written as HTML, the image keeps no source.
    assert "src=" not in render(f'<img src="{source}" alt="x">', flavor="summary")


def test_comments_link_to_figures_as_they_do_to_other_images():
    url = "/media/figures/0123456789abcdef0123456789abcdef.png"
    html = render(f"See ![the plot]({url})", flavor="comment")
    assert "<img" not in html and f'href="{url}"' in html and ">the plot</a>" in html


def test_feeds_give_figures_their_full_address(client, ada, settings):
    url = add_figure(client, diagram_png())["url"]
    make_summary(
        paper=make_paper(), author=make_user(), body=summary_text(f"![plot]({url})\n\nText.")
    )
    feed = client.get(reverse("feeds:rss")).content.decode()
    # The entry's HTML, with the image's address made absolute for feed readers.
    assert f'src="http://testserver{url}"' in feed
