"""Display names and author lists hold no direction overrides, isolates or marks, and
no other control or invisible format characters (shortscience.text), however they
come in: the settings form, the admin, the add-a-paper form, an import."""

import json
import sys
import unicodedata
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from accounts.forms import SettingsForm
from accounts.models import User
from papers.forms import PaperForm
from papers.models import Paper
from shortscience.text import BIDI_CONTROLS, clean_line, strip_controls
from tests.factories import make_paper, make_user

pytestmark = pytest.mark.django_db

RLO, PDF, RLI, PDI, RLM = "\u202e", "\u202c", "\u2067", "\u2069", "\u200f"
# Every character that steers direction, which none of the stored texts may keep.
STEERING = set(BIDI_CONTROLS)
# "Ada " then, drawn right to left, "ecalevoL": it reads "Ada Lovelace".
SPOOFED_NAME = f"Ada {RLO}ecalevoL{PDF}"


def holds_none(text):
    return not STEERING & set(text) and all(unicodedata.category(char) != "Cc" for char in text)


# The one place that says what goes ---------------------------------------------------


def test_direction_controls_and_control_characters_are_removed():
    text = "".join(BIDI_CONTROLS) + "A\x00d\x1ba\x7f\x9f \u200bL\u2060o\ufeffv\U000e0041e\u00ad"
    assert strip_controls(text) == "Ada Love"
    for point in range(sys.maxunicode + 1):
        char = chr(point)
        if unicodedata.category(char) == "Cc":
            assert strip_controls(char) in ("", " "), hex(point)


def test_separators_become_spaces_and_joiners_stay():
    assert clean_line(" Ada\tLovelace\r\n\x85Byron ") == "Ada Lovelace Byron"
    # ZWNJ and ZWJ spell Persian words and emoji sequences.
    assert strip_controls("\u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645") == (
        "\u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645"
    )
    assert strip_controls("\U0001f469\u200d\U0001f52c") == "\U0001f469\u200d\U0001f52c"


# Display names -----------------------------------------------------------------------


def test_display_name_through_the_settings_form(client):
    ada = make_user("ada")
    client.force_login(ada)
    response = client.post(
        reverse("accounts:settings"),
        {"display_name": f"{RLI}{SPOOFED_NAME}{PDI}{RLM}", "bio": "", "orcid": ""},
    )
    assert response.status_code == 302
    ada.refresh_from_db()
    assert ada.display_name == "Ada ecalevoL"
    html = client.get(ada.get_absolute_url()).content.decode()
    assert "Ada ecalevoL" in html and not STEERING & set(html)


def test_display_name_form_alone():
    form = SettingsForm({"display_name": "Ada\u2066\u202d Lovelace\u2069"})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["display_name"] == "Ada Lovelace"


def test_display_name_set_without_a_form_is_stripped_on_save():
    """The admin, a script: whatever sets it, save() stores it without them."""
    ada = make_user("ada", display_name=SPOOFED_NAME)
    assert User.objects.get(pk=ada.pk).display_name == "Ada ecalevoL"
    ada.display_name = "Countess\u202b of\u200e Lovelace\x07"
    ada.save(update_fields=["display_name"])
    assert holds_none(User.objects.get(pk=ada.pk).display_name)


# Paper authors -----------------------------------------------------------------------


def paper_details(**changes):
    return {
        "title": "Note G",
        "authors": f"{SPOOFED_NAME}, Charles\u2067 Babbage\u2069,\u200f",
        "venue": "",
        "year": "1843",
        "abstract": "",
        "url": "",
        "arxiv_id": "",
        "doi": "",
        "bibtex_key": "Lovelace1843NoteG",
        "source_key": "",
        **changes,
    }


def test_authors_through_the_add_paper_form(client):
    client.force_login(make_user("ada"))
    response = client.post(reverse("papers:add_details"), paper_details())
    assert response.status_code == 302
    paper = Paper.objects.get()
    assert paper.authors == "Ada ecalevoL, Charles Babbage"
    html = client.get(paper.get_absolute_url()).content.decode()
    assert "Charles Babbage" in html and not STEERING & set(html)


def test_authors_form_alone():
    form = PaperForm(paper_details())
    assert form.is_valid(), form.errors
    assert form.cleaned_data["authors"] == "Ada ecalevoL, Charles Babbage"


def test_authors_of_a_paper_saved_without_the_form():
    paper = make_paper(authors="Alan\u202e Turing, \u2066Alonzo Church\u2069")
    assert Paper.objects.get(pk=paper.pk).authors == "Alan Turing, Alonzo Church"


def import_file(path):
    out = StringIO()
    call_command("import_papers", str(path), stdout=out, stderr=StringIO())
    return out.getvalue().strip().splitlines()[-1]


def test_authors_through_an_arxiv_import(tmp_path):
    path = tmp_path / "spoof.jsonl"
    record = {"id": "2101.00007", "title": "Spoof", "authors": f"{SPOOFED_NAME} and B. Bee"}
    path.write_text(json.dumps(record) + "\n")
    assert import_file(path) == "1 created, 0 updated, 0 unchanged, 0 rejected"
    assert Paper.objects.get().authors == "Ada ecalevoL, B. Bee"
    # Stored as save() would store it: a second run finds nothing to change.
    assert import_file(path) == "0 created, 0 updated, 1 unchanged, 0 rejected"


def test_authors_through_a_dblp_import(tmp_path):
    path = tmp_path / "spoof.xml"
    path.write_text(
        '<dblp>\n<article key="journals/x/Spoof21"><author>Ada &#x202E;ecalevoL</author>'
        "<author>Alan&#x2066; Turing&#x2069;&#x200F;</author><title>Spoof</title>"
        "<year>2021</year></article>\n</dblp>\n"
    )
    assert import_file(path) == "1 created, 0 updated, 0 unchanged, 0 rejected"
    assert Paper.objects.get().authors == "Ada ecalevoL, Alan Turing"
