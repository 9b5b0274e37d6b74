"""Uploading a figure (figures.views.upload, figures.images, figures.services): what is
taken, what is stored, what is refused and why."""

import io
import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from PIL import Image

from figures import images
from figures.models import Figure
from figures.services import markdown, store, usage
from figures.views import alt_text
from tests.factories import make_user

from .images import (
    CAMERA,
    diagram_png,
    encoded,
    header_only_png,
    photo,
    photo_jpeg_with_exif,
    upload,
)

pytestmark = pytest.mark.django_db
UPLOAD_URL = reverse("figures:upload")
JSON = {"HTTP_ACCEPT": "application/json"}
MARKDOWN_RE = re.compile(r"!\[([^\]]*)\]\((/media/figures/([0-9a-f]{32}\.(png|jpg)))\)")


def post(client, content, name="figure.png", content_type="image/png"):
    return client.post(UPLOAD_URL, {"image": upload(content, name, content_type)}, **JSON)


def stored(media, response):
    """The answer's Markdown, read: (alt text, stored image, stored bytes)."""
    assert response.status_code == 200, response.content
    alt, url, name, _ = MARKDOWN_RE.fullmatch(response.json()["markdown"]).groups()
    assert response.json()["url"] == url
    content = (media / "figures" / name).read_bytes()
    return alt, Image.open(io.BytesIO(content)), content


# What is taken, and what is kept of it.


def test_a_png_diagram_is_stored_as_png_with_markdown_to_insert(client, ada, media):
    response = post(client, diagram_png((64, 48)), name="loss_curve.png")
    alt, image, content = stored(media, response)
    assert alt == "loss curve"
    assert (image.format, image.size) == ("PNG", (64, 48))
    assert (response.json()["width"], response.json()["height"]) == (64, 48)
    figure = Figure.objects.get()
    assert (figure.owner, figure.bytes, figure.width, figure.height) == (ada, len(content), 64, 48)
    assert response.json()["url"] == f"/media/figures/{figure.name}"


def test_a_photo_is_stored_as_jpeg_upright_and_without_its_exif(client, ada, media):
    original = photo_jpeg_with_exif((60, 30), orientation=6)
    assert CAMERA.encode() in original and b"Exif" in original
    _, image, content = stored(media, post(client, original, "holiday.jpg", "image/jpeg"))
    assert image.format == "JPEG"
    # Turned a quarter clockwise as the EXIF said: the red left half is now on top.
    assert image.size == (30, 60)
    top, bottom = image.getpixel((15, 5)), image.getpixel((15, 55))
    assert top[0] > 150 > top[2] and bottom[2] > 150 > bottom[0]
    # No metadata left: no EXIF block, no camera, no position.
    assert not image.getexif()
    assert b"Exif" not in content and CAMERA.encode() not in content
    assert "exif" not in image.info and "icc_profile" not in image.info


def test_a_grey_photograph_is_stored_as_jpeg_though_it_has_few_colours(client, ada, media):
    """Greys are at most 256 colours, like a diagram's; as PNG a photograph in greys
    would take several times the JPEG's bytes."""
    grey = Image.effect_noise((50, 40), 60).resize((200, 160), Image.Resampling.BICUBIC)
    assert grey.getcolors(256) is not None
    _, image, content = stored(media, post(client, encoded(grey, "PNG")))
    assert (image.format, image.mode, image.size) == ("JPEG", "L", (200, 160))
    assert len(content) < len(encoded(grey, "PNG", optimize=True)) / 2


def test_the_longest_side_is_capped(client, ada, media, settings):
    settings.FIGURE_MAX_SIDE = 40
    _, image, _ = stored(media, post(client, encoded(photo((100, 50)), "PNG")))
    assert image.size == (40, 20)


def test_transparency_keeps_png(client, ada, media):
    rgba = Image.new("RGBA", (20, 20), (0, 0, 0, 0))
    rgba.paste(photo((10, 10)).convert("RGBA"), (5, 5))
    _, image, _ = stored(media, post(client, encoded(rgba, "PNG")))
    assert image.format == "PNG" and image.mode == "RGBA"
    assert image.getpixel((0, 0))[3] == 0 and image.getpixel((10, 10))[3] == 255


def test_gif_gives_its_first_frame_and_webp_is_read(client, ada, media):
    frames = [Image.new("P", (16, 8), colour) for colour in (1, 2)]
    gif = io.BytesIO()
    frames[0].save(gif, "GIF", save_all=True, append_images=frames[1:], duration=100)
    _, image, _ = stored(media, post(client, gif.getvalue(), "anim.gif", "image/gif"))
    assert (image.format, image.size) == ("PNG", (16, 8))
    webp = encoded(photo((30, 20)), "WEBP", quality=90)
    _, image, _ = stored(media, post(client, webp, "shot.webp", "image/webp"))
    assert (image.format, image.size) == ("JPEG", (30, 20))


def test_the_same_image_again_is_the_same_figure(client, ada, media):
    first = post(client, diagram_png()).json()["markdown"]
    second = post(client, diagram_png(), name="again.png").json()["markdown"]
    assert MARKDOWN_RE.fullmatch(first).group(2) == MARKDOWN_RE.fullmatch(second).group(2)
    assert Figure.objects.count() == 1


def test_the_same_image_from_two_people_is_two_files(client, ada, media):
    post(client, diagram_png())
    client.force_login(make_user("grace"))
    post(client, diagram_png())
    names = set(Figure.objects.values_list("name", flat=True))
    assert len(names) == 2
    assert {path.name for path in (media / "figures").iterdir()} == names


# What is refused, with a message that names the limit.


def refusal(response, status=400):
    assert response.status_code == status, response.content
    return response.json()["error"]


def test_a_text_file_named_png_is_refused(client, ada, media):
    error = refusal(post(client, b"Just some notes, not a picture at all.\n" * 20, "notes.png"))
    assert error == (
        "This file is not an image the site can read: upload a PNG, JPEG, GIF or WebP file."
    )
    assert not Figure.objects.exists() and not (media / "figures").exists()


def test_other_image_formats_are_refused_unopened(client, ada):
    bmp = encoded(photo((8, 8)), "BMP")
    assert "PNG, JPEG, GIF or WebP" in refusal(post(client, bmp, "figure.png"))
    svg = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
    assert "PNG, JPEG, GIF or WebP" in refusal(post(client, svg, "figure.svg", "image/svg+xml"))
    assert not Figure.objects.exists()


def test_a_cut_short_image_is_refused(client, ada):
    content = encoded(photo((64, 64)), "PNG")
    error = refusal(post(client, content[: len(content) // 2]))
    assert error.startswith("This image is damaged or cut short")


def test_a_decompression_bomb_is_refused_from_its_header(client, ada, media):
    # 50 bytes that claim 100 megapixels: refused before anything is decoded.
    bomb = header_only_png(10_000, 10_000)
    assert len(bomb) < 100
    assert refusal(post(client, bomb)) == (
        "This image is 10,000 × 10,000 pixels; a figure may have at most 40 megapixels."
    )
    # Past Pillow's own guard too (twice its 89 megapixels), with the same limit named.
    error = refusal(post(client, header_only_png(20_000, 20_000)))
    assert error == "This image has too many pixels: a figure may have at most 40 megapixels."
    assert not Figure.objects.exists() and not (media / "figures").exists()


def test_a_file_over_the_byte_limit_is_refused(client, ada, settings):
    content = encoded(photo((64, 64)), "PNG")
    settings.FIGURE_MAX_BYTES = len(content) - 1
    error = refusal(post(client, content))
    assert error == (
        f"This file is {len(content) / 1e6:.3g} MB; a figure may be at most "
        f"{(len(content) - 1) / 1e6:.3g} MB."
    )
    assert not Figure.objects.exists()


def test_a_post_far_over_the_limit_is_refused_before_it_is_read(client, ada, settings):
    settings.FIGURE_MAX_BYTES = 1000
    response = post(client, b"\0" * 600_000)
    assert refusal(response, 413) == "This file is over 0.001 MB, the most a figure may be."
    assert not Figure.objects.exists()


def test_a_post_without_a_file_is_refused(client, ada):
    response = client.post(UPLOAD_URL, {}, **JSON)
    assert refusal(response) == "Choose an image file to add as a figure."


# The quota.


def test_the_number_of_figures_is_capped(client, ada, settings):
    settings.FIGURE_QUOTA_COUNT = 2
    assert post(client, diagram_png((10, 10))).status_code == 200
    assert post(client, diagram_png((11, 10))).status_code == 200
    error = refusal(post(client, diagram_png((12, 10))))
    assert error.startswith("You have 2 figures, the most one person may keep (2).")
    # One already kept is not a new one: it is answered as before.
    assert post(client, diagram_png((10, 10))).status_code == 200
    assert Figure.objects.filter(owner=ada).count() == 2
    # Another person's quota is their own.
    client.force_login(make_user("grace"))
    assert post(client, diagram_png((12, 10))).status_code == 200


def test_the_bytes_of_figures_are_capped(client, ada, settings):
    post(client, diagram_png((10, 10)))
    kept = Figure.objects.get().bytes
    settings.FIGURE_QUOTA_BYTES = kept + 10
    error = refusal(post(client, encoded(photo((40, 40)), "PNG")))
    assert f"one person may keep {(kept + 10) / 1e6:.3g} MB of figures" in error
    assert Figure.objects.count() == 1
    assert usage(ada) == (1, kept)


def test_the_quota_is_one_aggregate_under_the_owner_s_lock():
    """The owner's row locked, the image looked for, the owner's count and bytes in one
    aggregate over their index, the row inserted (and the transaction's savepoint)."""
    owner = make_user("ada")
    figure = images.process(upload(diagram_png()))
    with CaptureQueriesContext(connection) as captured:
        row = store(owner, figure)
    statements = [
        q["sql"] for q in captured.captured_queries if "SAVEPOINT" not in q["sql"].upper()
    ]
    lock, existing, aggregate, insert = statements
    assert lock.startswith('SELECT "accounts_user"."id"')
    assert existing.startswith('SELECT "figures_figure"')
    assert aggregate.startswith('SELECT COUNT("figures_figure"."id")') and "SUM(" in aggregate
    assert 'WHERE "figures_figure"."owner_id" = ' in aggregate
    assert insert.startswith('INSERT INTO "figures_figure"')
    assert markdown(row, "A plot") == f"![A plot](/media/figures/{row.name})"


# Who may upload.


def test_visitors_are_refused(client, media):
    assert refusal(post(client, diagram_png()), 403) == "Log in to add figures."
    assert not Figure.objects.exists()


def test_unverified_accounts_are_refused(client):
    client.force_login(make_user("newbie", verified=False))
    assert "Verify your e-mail address" in refusal(post(client, diagram_png()), 403)
    assert not Figure.objects.exists()


def test_a_post_without_the_csrf_token_is_refused(media):
    client = Client(enforce_csrf_checks=True)
    client.force_login(make_user("ada"))
    response = post(client, diagram_png())
    assert response.status_code == 403
    assert not Figure.objects.exists() and not (media / "figures").exists()


def test_uploads_are_rate_limited(client, ada, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "figure": (2, 3600)}
    assert post(client, diagram_png((10, 10))).status_code == 200
    assert post(client, diagram_png((11, 10))).status_code == 200
    response = post(client, diagram_png((12, 10)))
    assert refusal(response, 429).startswith("You have added many figures in a short time")
    assert response["Retry-After"]
    assert Figure.objects.count() == 2


def test_only_posts_are_taken(client, ada):
    assert client.get(UPLOAD_URL).status_code == 405


# The alt text.


@pytest.mark.parametrize(
    "filename, alt",
    [
        ("loss_curve.png", "loss curve"),
        ("image.png", "Figure"),
        ("blob", "Figure"),
        ("", "Figure"),
        ("fig](javascript:x)[.png", "fig javascript x"),
        ("Ablation — table 2.jpg", "Ablation table 2"),
        ("x" * 300 + ".png", "x" * 100),
    ],
)
def test_alt_text_comes_from_the_file_name_and_cannot_break_the_markdown(filename, alt):
    assert alt_text(filename) == alt
