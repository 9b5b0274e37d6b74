import re
from html import unescape

import pytest

from tests.factories import make_comment, make_summary

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "url",
    [
        "/admin/papers/paper/",
        "/admin/summaries/summary/",
        "/admin/summaries/comment/",
        "/admin/accounts/user/",
    ],
)
def test_changelists_and_change_forms_open(admin_client, url):
    summary = make_summary()
    make_comment(summary)
    assert admin_client.get(url).status_code == 200
    assert admin_client.get(f"{url}add/").status_code == 200


def test_paper_can_be_added_in_the_admin(admin_client):
    from papers.models import Paper

    response = admin_client.post(
        "/admin/papers/paper/add/",
        {
            "bibtex_key": "conf/icml/Test20",
            "title": "A title",
            "authors": "A. B",
            "year": 2020,
            "arxiv_id": "arXiv:2001.00001v3",
            # The inline for the paper's other keys.
            "aliases-TOTAL_FORMS": 1,
            "aliases-INITIAL_FORMS": 0,
            "aliases-0-key": "journals/corr/Test20",
        },
    )
    assert response.status_code == 302
    paper = Paper.objects.get()
    assert paper.bibtex_key == "conf/icml/Test20"
    assert paper.arxiv_id == "2001.00001"
    assert [alias.key for alias in paper.aliases.all()] == ["journals/corr/Test20"]


def form_data(html):
    """What the browser would post back from an admin change form, unchanged."""
    data = {}
    for tag in re.findall(r"<input[^>]*>", html):
        name = re.search(r'name="([^"]+)"', tag)
        kind = re.search(r'type="([^"]+)"', tag)
        if not name or (kind and kind.group(1) in ("submit", "button", "file")):
            continue
        if kind and kind.group(1) == "checkbox" and "checked" not in tag:
            continue
        value = re.search(r'value="([^"]*)"', tag)
        checkbox = kind and kind.group(1) == "checkbox"
        data[name.group(1)] = unescape(value.group(1)) if value else ("on" if checkbox else "")
    for name, text in re.findall(r'<textarea[^>]*name="([^"]+)"[^>]*>(.*?)</textarea>', html, re.S):
        data[name] = unescape(text.lstrip("\n"))
    return data


def test_a_deleted_account_can_still_be_saved_in_the_admin(admin_client):
    from accounts import services
    from accounts.models import User

    user = make_summary().author
    services.delete_account(user, content=services.ANONYMISE)
    url = f"/admin/accounts/user/{user.pk}/change/"
    page = admin_client.get(url).content.decode()
    assert f"deleted#{user.pk}" in page
    assert 'name="username"' not in page  # shown, not a field

    data = form_data(page.split('id="user_form"')[1].split("</form>")[0])
    data["display_name"] = ""
    response = admin_client.post(url, {**data, "_save": "Save"})
    assert response.status_code == 302, response.content.decode()[:2000]
    assert User.objects.get(pk=user.pk).username == f"deleted#{user.pk}"
