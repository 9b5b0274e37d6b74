import re
from pathlib import Path

import pytest
from django.urls import reverse

from accounts.models import User

pytestmark = pytest.mark.django_db
SIGNUP_URL = reverse("account_signup")
PASSWORD = "a-much-longer-new-passphrase"
SITE_CSS = Path(__file__).resolve().parents[2] / "static" / "css" / "site.css"


def signup_data(n=1, **changes):
    return {
        "username": f"newcomer{n}",
        "email": f"new{n}@example.org",
        "password1": PASSWORD,
        "password2": PASSWORD,
        "website": "",
        **changes,
    }


def test_the_honeypot_is_in_the_form_out_of_sight_and_out_of_the_tab_order(client):
    html = client.get(SIGNUP_URL).content.decode()
    field = re.search(r'<div id="div_id_website" class="([^"]*)">(.*?)</div>', html, re.S)
    assert field, "no honeypot field"
    assert "honeypot" in field.group(1).split()
    assert re.search(
        r'<label\s+for="id_website"[^>]*>\s*Leave this empty\s*</label>', field.group(2)
    )
    (tag,) = re.findall(r"<input [^>]*>", field.group(2))
    assert 'name="website"' in tag and 'type="text"' in tag
    assert 'tabindex="-1"' in tag and 'autocomplete="off"' in tag
    assert "required" not in tag
    assert re.search(r"\.honeypot\s*\{[^}]*left:\s*-10000px", SITE_CSS.read_text())


def test_empty_honeypot_signs_up(client):
    response = client.post(SIGNUP_URL, signup_data())
    assert response.status_code == 302
    assert User.objects.filter(username="newcomer1").exists()


def test_filled_honeypot_is_refused_neutrally_and_creates_nothing(client):
    response = client.post(SIGNUP_URL, signup_data(website="https://spam.example"))
    assert response.status_code == 200
    form = response.context["form"]
    assert form.non_field_errors() == ["Your account could not be created. Please try again."]
    assert "website" not in form.errors
    assert not User.objects.exists()
    html = response.content.decode()
    assert "Your account could not be created" in html
    # The rest is kept for a person to send again; the trap comes back empty.
    assert 'value="newcomer1"' in html and 'value="new1@example.org"' in html
    assert "spam.example" not in html


def test_signups_from_one_address_are_rate_limited(client, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "signup": (2, 3600)}
    for n in (1, 2):
        assert client.post(SIGNUP_URL, signup_data(n)).status_code == 302
        client.logout()
    response = client.post(SIGNUP_URL, signup_data(3))
    assert response.status_code == 429
    assert response["Retry-After"] == "3600"
    assert "Too many posts in a short time" in response.content.decode()
    assert "try again in 60 minutes" in response.content.decode()
    assert not User.objects.filter(username="newcomer3").exists()
    # Reading the page is never counted.
    assert client.get(SIGNUP_URL).status_code == 200
