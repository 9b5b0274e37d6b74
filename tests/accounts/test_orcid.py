import pytest
from django.core.exceptions import ValidationError

from accounts.orcid import check_digit, normalize
from tests.factories import make_user

VALID = ["0000-0002-1825-0097", "0000-0001-5109-3700", "0000-0002-1694-233X"]


@pytest.mark.parametrize("orcid", VALID)
def test_real_ids_pass_as_they_are(orcid):
    assert normalize(orcid) == orcid


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("https://orcid.org/0000-0002-1825-0097", "0000-0002-1825-0097"),
        ("http://www.orcid.org/0000-0001-5109-3700/", "0000-0001-5109-3700"),
        ("orcid.org/0000-0002-1694-233X", "0000-0002-1694-233X"),
        ("0000000218250097", "0000-0002-1825-0097"),
        ("000000021694233x", "0000-0002-1694-233X"),
        ("0000-0002-1694-233x", "0000-0002-1694-233X"),
        ("  0000 0001 5109 3700 ", "0000-0001-5109-3700"),
        ("HTTPS://ORCID.ORG/0000-0002-1825-0097", "0000-0002-1825-0097"),
    ],
)
def test_pasted_forms_are_stored_in_one_form(typed, stored):
    assert normalize(typed) == stored


def test_check_digit_follows_iso_7064_mod_11_2():
    assert check_digit("000000021825009") == "7"
    assert check_digit("000000015109370") == "0"
    assert check_digit("000000021694233") == "X"


@pytest.mark.parametrize(
    "typo",
    [
        "0000-0002-1825-0098",  # last digit wrong
        "0000-0002-1825-0079",  # two digits swapped
        "0000-0001-5109-370X",
        "0000-0002-1694-2330",
    ],
)
def test_a_wrong_check_digit_is_refused(typo):
    with pytest.raises(ValidationError) as error:
        normalize(typo)
    assert error.value.code == "checksum"
    assert "typo" in error.value.messages[0]


@pytest.mark.parametrize(
    "text",
    [
        "0000-0002-1825-009",  # too short
        "0000-0002-1825-00977",  # too long
        "0000-0002-X825-0097",  # X only at the end
        "https://example.org/0000-0002-1825-0097",
        "ada lovelace",
        "orcid 0000-0002-1825-0097",
    ],
)
def test_text_that_is_no_id_is_refused_with_an_example(text):
    with pytest.raises(ValidationError) as error:
        normalize(text)
    assert error.value.code == "invalid"
    assert "0000-0002-1825-0097" in error.value.messages[0]


@pytest.mark.django_db
def test_the_admin_stores_ids_in_the_same_form(admin_client):
    user = make_user("ada")
    url = f"/admin/accounts/user/{user.pk}/change/"
    # What the change form posts; unticked boxes are absent, as a browser sends them.
    data = {
        "username": "ada",
        "email": user.email,
        "is_active": "on",
        "date_joined_0": user.date_joined.strftime("%Y-%m-%d"),
        "date_joined_1": user.date_joined.strftime("%H:%M:%S"),
        "orcid": "https://orcid.org/000000021694233x",
        "notify_on_comment": "on",
    }
    response = admin_client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    user.refresh_from_db()
    assert user.orcid == "0000-0002-1694-233X"
    assert user.notify_on_comment and not user.notify_on_reply

    data["orcid"] = "0000-0002-1694-2330"
    response = admin_client.post(url, data)
    assert response.status_code == 200
    assert "typo" in str(response.context["adminform"].form.errors["orcid"])
