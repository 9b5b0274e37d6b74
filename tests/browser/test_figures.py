"""Figures in the summary form: pasted, dropped or chosen with "Add a figure" (with
scripts), or uploaded with the form's Upload button (without them); published, they show
on the summary's page."""

import re

import pytest
from playwright.sync_api import expect

from figures.models import Figure
from summaries.models import Summary
from tests.browser.helpers import field, log_in
from tests.factories import make_paper, make_user, summary_text
from tests.figures.images import diagram_png

pytestmark = pytest.mark.browser

FIGURE_MARKDOWN = re.compile(r"!\[attention map\]\(/media/figures/[0-9a-f]{32}\.png\)")
INTRO = summary_text("The attention weights, averaged over heads, are shown below.")

# A PNG drawn on a canvas, as a File, and handed to the textarea in a paste or drop
# event's DataTransfer, as the browser does for an image copied or dragged in.
DISPATCH_IMAGE = """async ([kind, name, type, bytes]) => {
  let blob;
  if (bytes === null) {
    const canvas = document.createElement("canvas");
    canvas.width = 120;
    canvas.height = 80;
    const context = canvas.getContext("2d");
    context.fillStyle = "#c33";
    context.fillRect(0, 0, 60, 80);
    context.fillStyle = "#33c";
    context.fillRect(60, 0, 60, 80);
    blob = await new Promise((done) => canvas.toBlob(done, "image/png"));
  } else {
    blob = new Blob([new TextEncoder().encode(bytes)], { type });
  }
  const data = new DataTransfer();
  data.items.add(new File([blob], name, { type }));
  const textarea = document.querySelector("textarea[name=body]");
  textarea.focus();
  textarea.setSelectionRange(textarea.value.length, textarea.value.length);
  const event = kind === "paste"
    ? new ClipboardEvent("paste", { clipboardData: data, bubbles: true, cancelable: true })
    : new DragEvent("drop", { dataTransfer: data, bubbles: true, cancelable: true });
  textarea.dispatchEvent(event);
}"""

_IMG = "article.summary .summary-body img[src^='/media/figures/']"
# Lazy-loaded: once in view it loads, and decoded it has its width.
IMAGE_SHOWN = "(selector) => { const img = document.querySelector(selector); "
IMAGE_SHOWN += "return img && img.complete && img.naturalWidth > 0; }"


def write_url(live_server, paper):
    return f"{live_server.url}/summaries/write/{paper.bibtex_key}/"


def published_image(page):
    image = page.locator(_IMG)
    expect(image).to_have_count(1)
    image.scroll_into_view_if_needed()
    page.wait_for_function(IMAGE_SHOWN, arg=_IMG)
    return image


def test_a_pasted_image_is_uploaded_inserted_published_and_shown(live_server, page):
    paper = make_paper()
    make_user("ada")
    log_in(page, live_server, "ada")
    page.goto(write_url(live_server, paper))
    summary = field(page, "Summary")
    summary.fill(INTRO + "\n\n")

    page.evaluate(DISPATCH_IMAGE, ["paste", "attention map.png", "image/png", None])

    expect(summary).to_have_value(re.compile(FIGURE_MARKDOWN.pattern))
    value = summary.input_value()
    assert value.startswith(INTRO) and "Uploading figure" not in value
    figure = Figure.objects.get()
    assert (figure.width, figure.height) == (120, 80)
    # The live preview shows it already.
    expect(page.locator(f"#preview img[src='{figure.url}']")).to_have_count(1)

    page.get_by_role("button", name="Publish").click()
    expect(page.get_by_role("status")).to_have_text("Summary published.")
    image = published_image(page)
    expect(image).to_have_attribute("alt", "attention map")
    assert image.evaluate("img => img.naturalWidth") == 120
    assert f"]({figure.url})" in Summary.objects.get().body


def test_a_dropped_image_is_inserted_and_a_refused_one_says_why(live_server, page):
    paper = make_paper()
    make_user("ada")
    log_in(page, live_server, "ada")
    page.goto(write_url(live_server, paper))
    summary = field(page, "Summary")
    summary.fill("My text, which must survive.")

    # A text file dressed as a PNG: refused by the server, the placeholder taken out.
    page.evaluate(DISPATCH_IMAGE, ["drop", "notes.png", "image/png", "just some notes"])
    error = page.get_by_role("alert")
    expect(error).to_have_text(
        "Figure not added: This file is not an image the site can read: "
        "upload a PNG, JPEG, GIF or WebP file."
    )
    expect(summary).to_have_value("My text, which must survive.\n")
    # The message is under the text, where the eye is.
    assert page.locator(".writing-field .figure-error, #div_id_body .figure-error").count() == 1

    page.evaluate(DISPATCH_IMAGE, ["drop", "attention map.png", "image/png", None])
    expect(summary).to_have_value(re.compile(FIGURE_MARKDOWN.pattern))
    expect(error).to_be_hidden()
    assert summary.input_value().startswith("My text, which must survive.\n")


def test_add_a_figure_works_from_the_keyboard(live_server, page, tmp_path):
    paper = make_paper()
    make_user("ada")
    log_in(page, live_server, "ada")
    page.goto(write_url(live_server, paper))
    button = page.get_by_role("button", name="Add a figure")
    # The form's own file input and Upload button are hidden once scripts run.
    expect(page.get_by_role("button", name="Upload")).to_be_hidden()
    png = tmp_path / "attention_map.png"
    png.write_bytes(diagram_png((64, 48)))
    # Focused and pressed: a keyboard user's way to the file chooser.
    with page.expect_file_chooser() as chooser:
        button.press("Enter")
    chooser.value.set_files(png)
    expect(field(page, "Summary")).to_have_value(re.compile(FIGURE_MARKDOWN.pattern))


def test_without_javascript_upload_returns_to_the_form_with_the_figure(
    live_server, js_disabled_page, tmp_path
):
    page = js_disabled_page
    paper = make_paper()
    make_user("ada")
    log_in(page, live_server, "ada")
    page.goto(write_url(live_server, paper))
    field(page, "Summary").fill(INTRO)
    page.get_by_label("Private").check()
    png = tmp_path / "attention_map.png"
    png.write_bytes(diagram_png((64, 48)))
    page.get_by_label("Add a figure").set_input_files(png)
    page.get_by_role("button", name="Upload").click()

    expect(page).to_have_url(write_url(live_server, paper))
    expect(page.get_by_role("status").first).to_contain_text(
        "Figure added at the end of your text."
    )
    summary = field(page, "Summary")
    expect(summary).to_have_value(re.compile(re.escape(INTRO) + r"\n\n" + FIGURE_MARKDOWN.pattern))
    expect(page.get_by_label("Private")).to_be_checked()

    page.get_by_role("button", name="Publish").click()
    expect(page.get_by_role("status").first).to_have_text("Summary published.")
    saved = Summary.objects.get()
    assert saved.is_private and FIGURE_MARKDOWN.search(saved.body)
    image = page.locator(_IMG)
    expect(image).to_have_count(1)
    expect(image).to_have_attribute("loading", "lazy")
