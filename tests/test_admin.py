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
