import re
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from following.models import InboxPreference, Notification
from tests.factories import make_user

pytestmark = pytest.mark.django_db
SETTINGS_URL = reverse("accounts:settings")


def settings_data(**changes):
    data = {
        "display_name": "Ada Lovelace",
        "bio": "Analyst of engines: $\\sum_{i} b_i$.",
        "orcid": "https://orcid.org/0000-0002-1825-0097",
        "notify_on_comment": "on",
        "notify_on_reply": "on",
        "preferences_shown": "True",
        "mail": "immediate",
        "inbox_kinds": list(Notification.KINDS),
    }
    data.update(changes)
    return {name: value for name, value in data.items() if value is not None}


@pytest.fixture
def ada(client):
    user = make_user("ada")
    client.force_login(user)
    return user


def test_needs_login(client):
    response = client.get(SETTINGS_URL)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_form_shows_current_values_and_links(client, ada):
    User.objects.filter(pk=ada.pk).update(display_name="Countess", notify_on_reply=False)
    response = client.get(SETTINGS_URL)
    form = response.context["form"]
    assert form["display_name"].value() == "Countess"
    assert form["notify_on_comment"].value() is True
    assert form["notify_on_reply"].value() is False
    html = response.content.decode()
    assert f'href="{reverse("account_change_password")}"' in html
    assert f'href="{reverse("accounts:export")}"' in html
    assert "E-mail me about comments on my summaries" in html


def test_saving_updates_the_profile_and_says_so(client, ada):
    response = client.post(SETTINGS_URL, settings_data(notify_on_reply=None), follow=True)
    assert response.redirect_chain == [(SETTINGS_URL, 302)]
    assert "Your settings were saved." in response.content.decode()
    ada.refresh_from_db()
    assert ada.display_name == "Ada Lovelace"
    assert ada.orcid == "0000-0002-1825-0097"
    assert ada.notify_on_comment is True
    assert ada.notify_on_reply is False
    # Rendered once, on save, with its math.
    assert 'class="katex' in ada.bio_html
    profile = client.get(ada.get_absolute_url()).content.decode()
    assert 'class="katex' in profile and "Analyst of engines" in profile


def test_bio_is_sanitized(client, ada):
    client.post(
        SETTINGS_URL,
        settings_data(bio='Hi <script>alert(1)</script><a href="javascript:alert(2)">me</a>'),
    )
    ada.refresh_from_db()
    assert "<script" not in ada.bio_html
    assert "javascript:" not in ada.bio_html


def test_too_long_bio_is_refused_and_the_text_kept(client, ada):
    bio = "word " * 400 + "!"
    response = client.post(SETTINGS_URL, settings_data(bio=bio))
    assert response.status_code == 400
    form = response.context["form"]
    assert form["bio"].value() == bio
    assert form.errors["bio"] == [
        "Your bio can be at most 2000 characters long (it has 2001). Please shorten it."
    ]
    html = response.content.decode()
    assert "it has 2001" in html
    # The browser must not cut the text either.
    assert 'maxlength="2000"' not in html
    ada.refresh_from_db()
    assert ada.bio == "" and ada.display_name == ""


def test_bad_orcid_is_a_clear_error_and_nothing_is_lost(client, ada):
    response = client.post(SETTINGS_URL, settings_data(orcid="0000-0002-1825-0098"))
    assert response.status_code == 400
    form = response.context["form"]
    assert "check it for a typo" in form.errors["orcid"][0]
    assert form["orcid"].value() == "0000-0002-1825-0098"
    assert form["bio"].value() == "Analyst of engines: $\\sum_{i} b_i$."
    ada.refresh_from_db()
    assert ada.orcid == "" and ada.bio == ""


def test_orcid_can_be_cleared(client, ada):
    User.objects.filter(pk=ada.pk).update(orcid="0000-0002-1825-0097")
    client.post(SETTINGS_URL, settings_data(orcid=""))
    ada.refresh_from_db()
    assert ada.orcid == ""


def test_posts_need_the_csrf_token(ada):
    client = Client(enforce_csrf_checks=True)
    client.force_login(ada)
    response = client.post(SETTINGS_URL, settings_data())
    assert response.status_code == 403
    ada.refresh_from_db()
    assert ada.display_name == ""


def test_mail_choice_and_inbox_kinds_show_and_save_without_script(client, ada):
    html = client.get(SETTINGS_URL).content.decode()
    # A plain form: radio buttons and checkboxes, the default checked.
    assert 'id="mail-settings"' in html and 'id="inbox-settings"' in html
    assert re.search(r'<input type="hidden" name="preferences_shown" value="True"', html)
    assert re.search(r'type="radio"[^>]*name="mail" value="immediate"[^>]*checked>', html)
    assert "A daily digest of my unread inbox" in html
    checked = re.findall(r'type="checkbox"[^>]*name="inbox_kinds"[^>]*checked>', html)
    assert len(checked) == len(Notification.KINDS)
    form = client.get(SETTINGS_URL).context["form"]
    assert form["mail"].value() == "immediate"
    assert form["inbox_kinds"].value() == list(Notification.KINDS)

    before = timezone.now()
    response = client.post(
        SETTINGS_URL, settings_data(mail="weekly", inbox_kinds=["comment", "reply"])
    )
    assert response.status_code == 302
    pref = InboxPreference.objects.get(user=ada)
    assert pref.mail == "weekly"
    assert pref.muted == ["paper", "person", "venue", "topic", "mention"]
    # The first digest a week on, listing what comes from now on.
    assert pref.digest_due_at - before >= timedelta(days=7)
    assert pref.digest_since >= before
    form = client.get(SETTINGS_URL).context["form"]
    assert form["mail"].value() == "weekly"
    assert form["inbox_kinds"].value() == ["comment", "reply"]

    # Back to immediate mail: no digest is due any more.
    client.post(SETTINGS_URL, settings_data(mail="immediate"))
    pref.refresh_from_db()
    assert (pref.mail, pref.digest_due_at, pref.muted) == ("immediate", None, [])


def test_an_unknown_mail_choice_is_refused_and_nothing_saved(client, ada):
    response = client.post(SETTINGS_URL, settings_data(mail="hourly", display_name="Changed"))
    assert response.status_code == 400
    assert "hourly is not one of the available choices" in response.content.decode()
    assert not InboxPreference.objects.filter(user=ada).exists()
    ada.refresh_from_db()
    assert ada.display_name == ""


def test_the_inbox_page_links_the_mail_settings(client, ada):
    html = client.get("/notifications/").content.decode()
    assert f'href="{SETTINGS_URL}#mail-settings"' in html


def test_a_post_of_the_profile_alone_leaves_mail_and_inbox_preferences_be(client, ada):
    client.post(SETTINGS_URL, settings_data(mail="daily", inbox_kinds=["mention"]))
    response = client.post(SETTINGS_URL, {"display_name": "Only the name"})
    assert response.status_code == 302
    pref = InboxPreference.objects.get(user=ada)
    assert pref.mail == "daily"
    assert "mention" not in pref.muted and "paper" in pref.muted
    # From the page's form, a choice is needed.
    response = client.post(SETTINGS_URL, settings_data(mail=None))
    assert response.status_code == 400
    assert "Choose how mail comes." in response.content.decode()
