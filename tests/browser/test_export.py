"""Account settings in the browser: the profile form, the data export, and the checks
every page gets (axe, the Nu HTML Checker) on the settings and unsubscribe pages."""

import io
import json
import re
import zipfile

import pytest
from playwright.sync_api import expect

from accounts.models import User
from summaries.notifications import unsubscribe_token
from tests.browser.checks import BLOCKING_IMPACTS, axe_violations, describe, run_vnu
from tests.browser.conftest import ACTION_TIMEOUT_MS
from tests.browser.helpers import field, log_in, nav
from tests.factories import make_comment, make_paper, make_summary, make_user

pytestmark = pytest.mark.browser

BIO = "I study attention: $\\operatorname{softmax}(QK^\\top / \\sqrt{d_k})V$, mostly."


def status(page):
    return page.get_by_role("status")


def open_settings(page):
    nav(page).get_by_role("link", name="Settings").click()
    expect(page.get_by_role("heading", name="Settings", level=1)).to_be_visible()


def test_change_the_profile_then_download_everything(live_server, page):
    ada = make_user("ada")
    paper = make_paper("conf/nips/VaswaniSPUJGKP17", title="Attention Is All You Need")
    public = make_summary(paper=paper, author=ada, body="Attention, with $x^2$.")
    private = make_summary(author=ada, body="Private notes.", is_private=True)
    other = make_summary(author=make_user("grace"), body="Grace's summary.")
    make_comment(other, author=ada, body="A question from ada.")
    log_in(page, live_server, "ada")

    open_settings(page)
    field(page, "Display name").fill("Ada Lovelace")
    field(page, "Bio").fill(BIO)
    field(page, "ORCID iD").fill("https://orcid.org/0000-0002-1825-0097")
    field(page, "E-mail me about replies in discussions I took part in").uncheck()
    page.get_by_role("button", name="Save settings").click()

    expect(status(page)).to_have_text("Your settings were saved.")
    expect(field(page, "ORCID iD")).to_have_value("0000-0002-1825-0097")
    expect(field(page, "E-mail me about replies in discussions I took part in")).not_to_be_checked()

    page.get_by_role("link", name="See your profile").click()
    expect(page).to_have_url(f"{live_server.url}/user/ada/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Ada Lovelace (ada)")
    bio = page.locator(".profile-bio")
    expect(bio).to_contain_text("I study attention")
    expect(bio.locator(".katex").first).to_be_visible()
    expect(
        page.get_by_role("link", name="https://orcid.org/0000-0002-1825-0097")
    ).to_have_attribute("href", "https://orcid.org/0000-0002-1825-0097")
    recent = page.get_by_role("region", name="Recent comments")
    expect(recent).to_contain_text("A question from ada.")

    open_settings(page)
    with page.expect_download() as info:
        page.get_by_role("link", name="Download my data").click()
    download = info.value

    assert re.fullmatch(r"shortscience-ada-\d{4}-\d{2}-\d{2}\.zip", download.suggested_filename)
    archive = zipfile.ZipFile(io.BytesIO(download.path().read_bytes()))
    names = set(archive.namelist())
    assert {"data.json", "papers.bib"} < names
    markdown = sorted(name for name in names if name.startswith("summaries/"))
    assert len(markdown) == 2
    public_file = archive.read(f"summaries/{public.pk}-conf-nips-VaswaniSPUJGKP17.md").decode()
    assert public_file.startswith('---\ntitle: "Attention Is All You Need"\n')
    assert public_file.endswith("---\n\nAttention, with $x^2$.\n")
    (private_file,) = [name for name in markdown if name.startswith(f"summaries/{private.pk}-")]
    assert "\nprivate: true\n" in archive.read(private_file).decode()
    assert "@inproceedings{conf/nips/VaswaniSPUJGKP17," in archive.read("papers.bib").decode()
    data = json.loads(archive.read("data.json"))
    assert data["user"]["bio"] == BIO
    assert data["user"]["orcid"] == "0000-0002-1825-0097"
    assert {s["id"] for s in data["summaries"]} == {public.pk, private.pk}
    assert [c["body"] for c in data["comments"]] == ["A question from ada."]
    assert "Grace's summary." not in json.dumps(data)


def test_settings_work_without_javascript_and_a_long_bio_is_kept(live_server, js_disabled_page):
    page = js_disabled_page
    make_user("ada")
    log_in(page, live_server, "ada")
    open_settings(page)
    long_bio = "A long story. " * 150

    field(page, "Bio").fill(long_bio)
    field(page, "ORCID iD").fill("0000-0002-1825-0098")
    page.get_by_role("button", name="Save settings").click()

    expect(page.locator("#div_id_bio")).to_contain_text("Your bio can be at most 2000 characters")
    expect(page.locator("#div_id_orcid")).to_contain_text("check it for a typo")
    assert field(page, "Bio").input_value() == long_bio
    assert User.objects.get(username="ada").bio == ""

    field(page, "Bio").fill("Shorter.")
    field(page, "ORCID iD").fill("0000-0002-1825-0097")
    page.get_by_role("button", name="Save settings").click()
    expect(status(page)).to_have_text("Your settings were saved.")
    assert User.objects.get(username="ada").bio == "Shorter."


def test_unsubscribe_from_the_mail_link_without_javascript(live_server, js_disabled_page):
    page = js_disabled_page
    ada = make_user("ada")
    page.goto(
        f"{live_server.url}/accounts/unsubscribe/{unsubscribe_token(ada, 'notify_on_reply')}/"
    )
    expect(
        page.get_by_text("Stop mail about replies in discussions you took part in?")
    ).to_be_visible()
    page.get_by_role("button", name="Unsubscribe").click()
    expect(page.get_by_role("heading", name="You are unsubscribed")).to_be_visible()
    ada.refresh_from_db()
    assert ada.notify_on_comment and not ada.notify_on_reply


@pytest.fixture(params=["light", "dark"])
def csp_free_page(browser, request):
    # As in the accessibility checks: axe goes in through the DevTools protocol.
    context = browser.new_context(bypass_csp=True, color_scheme=request.param)
    context.set_default_timeout(ACTION_TIMEOUT_MS)
    yield context.new_page()
    context.close()


def test_settings_and_profile_pages_pass_axe(live_server, csp_free_page, axe_source):
    page = csp_free_page
    ada = make_user("ada", display_name="Ada Lovelace", orcid="0000-0002-1825-0097", bio=BIO)
    make_summary(author=ada, is_private=True)
    make_comment(make_summary(), author=ada, body="With $\\alpha$.")
    log_in(page, live_server, "ada")
    token = unsubscribe_token(ada, "notify_on_comment")

    for path in ["/accounts/settings/", "/user/ada/", f"/accounts/unsubscribe/{token}/"]:
        page.goto(f"{live_server.url}{path}")
        blocking = [v for v in axe_violations(page, axe_source) if v["impact"] in BLOCKING_IMPACTS]
        assert not blocking, f"axe on {path}:\n{describe(blocking)}"


@pytest.mark.django_db
def test_settings_profile_and_unsubscribe_pages_are_valid_html(client, tmp_path):
    ada = make_user("ada", display_name="Ada Lovelace", orcid="0000-0002-1825-0097", bio=BIO)
    make_summary(author=ada, paper=make_paper(title="Shown"))
    make_summary(author=ada, is_private=True, is_hidden=True)
    make_comment(make_summary(), author=ada, body="A *comment* with $\\alpha$.")
    token = unsubscribe_token(ada, "notify_on_comment")
    pages = {}
    client.force_login(ada)
    pages["settings"] = client.get("/accounts/settings/")
    pages["settings with errors"] = client.post(
        "/accounts/settings/", {"bio": "x" * 2001, "orcid": "nope"}
    )
    pages["own profile"] = client.get("/user/ada/")
    client.logout()
    pages["unsubscribe"] = client.get(f"/accounts/unsubscribe/{token}/")
    pages["unsubscribed"] = client.post(f"/accounts/unsubscribe/{token}/")
    pages["bad unsubscribe link"] = client.get("/accounts/unsubscribe/forged/")
    pages["signup refused"] = client.post(
        "/accounts/signup/", {"username": "bot", "website": "http://spam.example"}
    )
    files = {}
    for name, response in pages.items():
        assert response.status_code in (200, 400), f"{name}: {response.status_code}"
        path = tmp_path / (re.sub(r"\W+", "-", name) + ".html")
        path.write_text(response.content.decode())
        files[path.name] = name

    errors = run_vnu(tmp_path / filename for filename in files)

    lines = [
        f"{files.get(filename, filename)}, line {m.get('lastLine', '?')}: {m['message']}"
        for filename, messages in sorted(errors.items())
        for m in messages
    ]
    assert not lines, "The Nu HTML Checker found errors:\n" + "\n".join(lines)
