"""The write form's "Add a figure" without JavaScript: the whole form posted to the
upload address, and the write page back with the text kept."""

import re
from html import unescape

import pytest
from django.urls import reverse

from figures.models import Figure
from tests.factories import make_paper, make_user

from .images import diagram_png, upload

pytestmark = pytest.mark.django_db
TEXT = "My notes so far, with $x^2$ and\n\na second paragraph."


def write_url(paper):
    return reverse("summaries:write", args=[paper.bibtex_key])


def upload_url(paper):
    return f"{reverse('figures:upload')}?paper={paper.pk}"


def textarea(html):
    """The text in the form, as a browser reads it (without the newline after the tag)."""
    found = re.search(r"<textarea[^>]*name=\"body\"[^>]*>(.*?)</textarea>", html, re.S)[1]
    return unescape(found.removeprefix("\n"))


def test_the_form_has_an_upload_button_that_posts_it_as_multipart(client, ada):
    paper = make_paper()
    html = client.get(write_url(paper)).content.decode()
    assert '<input type="file" id="figure-file" name="image"' in html
    assert '<label class="mb-0" for="figure-file">Add a figure</label>' in html
    assert f'formaction="{upload_url(paper)}" formenctype="multipart/form-data"' in html
    assert "js/figures.js" in html


def test_uploading_adds_the_figure_at_the_end_and_keeps_the_text_and_boxes(client, ada):
    paper = make_paper()
    response = client.post(
        upload_url(paper),
        {"body": TEXT, "is_private": "on", "image": upload(diagram_png(), "ablation.png")},
    )
    assert response.status_code == 302 and response["Location"] == write_url(paper)
    figure = Figure.objects.get()
    page = client.get(write_url(paper)).content.decode()
    assert textarea(page) == f"{TEXT}\n\n![ablation](/media/figures/{figure.name})\n"
    assert re.search(r'<input[^>]*name="is_private"[^>]*checked', page)
    assert not re.search(r'<input[^>]*name="is_anonymous"[^>]*checked', page)
    assert "Figure added at the end of your text." in page
    # Still being written: shown without the checks of a post (it is under 100 characters).
    assert "A summary needs at least" not in page


def test_a_refused_file_keeps_the_text_and_says_why(client, ada):
    paper = make_paper()
    response = client.post(
        upload_url(paper), {"body": TEXT, "image": upload(b"not an image", "x.png")}
    )
    assert response.status_code == 302
    page = client.get(write_url(paper)).content.decode()
    assert textarea(page) == TEXT
    assert "This file is not an image the site can read" in page
    assert not Figure.objects.exists()


def test_a_post_too_large_to_read_says_so_and_points_back(client, ada, settings):
    settings.FIGURE_MAX_BYTES = 1000
    paper = make_paper()
    response = client.post(
        upload_url(paper), {"body": TEXT, "image": upload(b"\0" * 600_000, "big.png")}
    )
    assert response.status_code == 413
    html = response.content.decode()
    assert "<title>Figure not added" in html
    assert "This file is over 0.001 MB, the most a figure may be." in html
    assert "Back button" in html and f'href="{write_url(paper)}"' in html


def test_a_visitor_whose_session_ended_logs_in_and_finds_the_text(client):
    paper = make_paper()
    response = client.post(upload_url(paper), {"body": TEXT, "image": upload(diagram_png())})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    assert not Figure.objects.exists()
    client.force_login(make_user("ada"))
    assert textarea(client.get(write_url(paper)).content.decode()) == TEXT


def test_the_upload_needs_a_paper_to_go_back_to(client, ada):
    response = client.post(reverse("figures:upload"), {"image": upload(diagram_png())})
    assert response.status_code == 400
    assert not Figure.objects.exists()
