import pytest

from .factories import make_comment, make_summary

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
        {"bibtex_key": "conf/icml/Test20", "title": "A title", "authors": "A. B", "year": 2020},
    )
    assert response.status_code == 302
    assert Paper.objects.get().bibtex_key == "conf/icml/Test20"
